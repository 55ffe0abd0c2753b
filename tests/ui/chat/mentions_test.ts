import assert from "node:assert/strict";
import {
  attachMentions,
  MAX_ATTACHED_CHARS,
  mentionedPaths,
} from "../../../src/ui/chat/mentions.ts";

const files: Record<string, string> = { "src/a.ts": "export const a = 1;\n", "b.md": "# B" };
const read = (path: string) => Promise.resolve(files[path] ?? null);

Deno.test("mentions are found at word starts, once each, without trailing punctuation", () => {
  assert.deepEqual(mentionedPaths("see @src/a.ts, then @b.md and @src/a.ts again; mail a@b.c"), [
    "src/a.ts",
    "b.md",
  ]);
});

Deno.test("mentioned files are attached after the message; unknown ones stay text", async () => {
  assert.equal(
    await attachMentions("explain @src/a.ts and @missing.ts", read),
    'explain @src/a.ts and @missing.ts\n\n<file path="src/a.ts">\nexport const a = 1;\n</file>',
  );
});

Deno.test("a message without mentions is unchanged", async () => {
  assert.equal(await attachMentions("hello", read), "hello");
});

Deno.test("a huge file is cut, and the cut is said", async () => {
  const big = "x".repeat(MAX_ATTACHED_CHARS + 10);
  const attached = await attachMentions(
    "@big",
    (path) => Promise.resolve(path === "big" ? big : null),
  );
  assert.ok(attached.includes(`[… cut at ${MAX_ATTACHED_CHARS} characters]`));
  assert.ok(!attached.includes("x".repeat(MAX_ATTACHED_CHARS + 1)));
});
