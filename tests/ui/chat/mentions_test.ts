import assert from "node:assert/strict";
import {
  attachMentions,
  MAX_ATTACHED_CHARS,
  mentionedPaths,
} from "../../../src/ui/chat/mentions.ts";

const files: Record<string, string> = { "src/a.ts": "export const a = 1;\n", "b.md": "# B" };
const read = (path: string) => Promise.resolve(files[path] ?? null);
const noImages = () => Promise.resolve(null);

Deno.test("mentions are found at word starts, once each, without trailing punctuation", () => {
  assert.deepEqual(mentionedPaths("see @src/a.ts, then @b.md and @src/a.ts again; mail a@b.c"), [
    "src/a.ts",
    "b.md",
  ]);
});

Deno.test("mentioned files are attached after the message; unknown ones stay text", async () => {
  assert.equal(
    (await attachMentions("explain @src/a.ts and @missing.ts", read, noImages)).text,
    'explain @src/a.ts and @missing.ts\n\n<file path="src/a.ts">\nexport const a = 1;\n</file>',
  );
});

Deno.test("a message without mentions is unchanged", async () => {
  assert.deepEqual(await attachMentions("hello", read, noImages), {
    text: "hello",
    images: [],
    problems: [],
  });
});

Deno.test("a huge file is cut, and the cut is said", async () => {
  const big = "x".repeat(MAX_ATTACHED_CHARS + 10);
  const { text: attached } = await attachMentions(
    "@big",
    (path) => Promise.resolve(path === "big" ? big : null),
    noImages,
  );
  assert.ok(attached.includes(`[… cut at ${MAX_ATTACHED_CHARS} characters]`));
  assert.ok(!attached.includes("x".repeat(MAX_ATTACHED_CHARS + 1)));
});

Deno.test("a mentioned image is attached as an image, a bad one is a problem, not text", async () => {
  const png = { bytes: new Uint8Array([0x89, 0x50]), type: "image/png" as const };
  const attached = await attachMentions(
    "see @shot.png and @huge.png and @b.md",
    read,
    (path) =>
      Promise.resolve(
        path === "shot.png"
          ? { ok: true as const, image: png }
          : path === "huge.png"
          ? { ok: false as const, reason: "too big" }
          : null,
      ),
  );
  assert.deepEqual(attached.images, [png]);
  assert.deepEqual(attached.problems, ["@huge.png: too big"]);
  assert.equal(
    attached.text,
    'see @shot.png and @huge.png and @b.md\n\n<file path="b.md">\n# B\n</file>',
  );
});
