import assert from "node:assert/strict";
import { join } from "node:path";
import { type WalkEntry, walkTree } from "../../src/tools/walk.ts";
import { sandbox } from "./helpers.ts";

const TREE = {
  "ws/b/x.txt": "",
  "ws/a.txt": "",
  "ws/a/z.txt": "",
  "ws/.git/HEAD": "",
  "ws/node_modules/m.js": "",
};

function options(overrides: Partial<Parameters<typeof walkTree>[1]> = {}) {
  return {
    maxEntries: 1000,
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function walk(root: string, overrides = {}): Promise<{ seen: string[]; end: string }> {
  const seen: string[] = [];
  const summary = await walkTree(root, options(overrides), (entry: WalkEntry) => {
    seen.push(`${entry.relative}:${entry.kind}`);
  });
  return { seen, end: summary.end };
}

/** Every entry of TREE but the hidden ones, in walk order. */
const VISIBLE = [
  "a:directory",
  "a/z.txt:file",
  "a.txt:file",
  "b:directory",
  "b/x.txt:file",
  "node_modules:directory",
  "node_modules/m.js:file",
];

Deno.test("walkTree visits parents before children, siblings in name order, hidden ones left out", async () => {
  await using box = await sandbox(TREE);
  assert.deepEqual(await walk(box.ws), { seen: VISIBLE, end: "complete" });
});

Deno.test("hidden: true visits hidden entries, .git included; no_ignore visits ignored ones", async () => {
  await using box = await sandbox({ ...TREE, "ws/.gitignore": "node_modules/\nb/\n" });
  assert.deepEqual((await walk(box.ws)).seen, ["a:directory", "a/z.txt:file", "a.txt:file"]);
  assert.deepEqual((await walk(box.ws, { hidden: true })).seen, [
    ".git:directory",
    ".git/HEAD:file",
    ".gitignore:file",
    "a:directory",
    "a/z.txt:file",
    "a.txt:file",
  ]);
  assert.deepEqual((await walk(box.ws, { noIgnore: true })).seen, VISIBLE);
});

Deno.test("symlinks are reported, never entered", async () => {
  await using box = await sandbox({ "ws/f": "", "outside/secret": "" });
  await Deno.symlink(box.outside, join(box.ws, "out"));
  await Deno.symlink(".", join(box.ws, "self"));
  assert.deepEqual((await walk(box.ws)).seen, ["f:file", "out:symlink", "self:symlink"]);
});

Deno.test("the walk stops at maxEntries, when the visitor says so, and on abort", async () => {
  await using box = await sandbox(TREE);
  assert.deepEqual(await walk(box.ws, { maxEntries: 2 }), {
    seen: ["a:directory", "a/z.txt:file"],
    end: "limit",
  });
  const stopped = await walkTree(box.ws, options(), (entry) => entry.relative !== "a.txt");
  assert.deepEqual(stopped, { end: "stopped", visited: 3, unreadable: 0 });
  const controller = new AbortController();
  const aborted = await walkTree(box.ws, options({ signal: controller.signal }), () => {
    controller.abort();
  });
  assert.deepEqual(aborted, { end: "aborted", visited: 1, unreadable: 0 });
});

Deno.test("a root that is missing or not a directory throws", async () => {
  await using box = await sandbox({ "ws/f": "" });
  await assert.rejects(walkTree(join(box.ws, "nope"), options(), () => {}), Deno.errors.NotFound);
  await assert.rejects(walkTree(join(box.ws, "f"), options(), () => {}), Deno.errors.NotADirectory);
});
