import assert from "node:assert/strict";
import { join } from "node:path";
import {
  fileKey,
  listConfined,
  openConfined,
  writeConfined,
} from "../../src/tools/confined_file.ts";
import type { ToolContext } from "../../src/tools/tool.ts";
import type { WorkspacePath } from "../../src/tools/workspace.ts";
import { sandbox } from "./helpers.ts";

/**
 * A path as confinement resolved it before a swap: `relative` under the workspace. The tests swap
 * the tree afterwards, as a concurrent process would between the check and the use.
 */
function confined(workspace: string, relative: string): WorkspacePath {
  return { ok: true, path: join(workspace, relative), relative };
}

function context(workspace: string, pixirFiles: string[] = []): ToolContext {
  return { workspace, signal: new AbortController().signal, pixirFiles: new Set(pixirFiles) };
}

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("a folder swapped for a symlink after the check is refused for reading, writing and listing", async () => {
  await using box = await sandbox({ "ws/d/a.txt": "mine", "outside/a.txt": "theirs" });
  const ctx = context(box.ws);
  const target = confined(box.ws, "d/a.txt");
  await Deno.rename(join(box.ws, "d"), join(box.ws, "d.real"));
  await Deno.symlink(join(box.root, "outside"), join(box.ws, "d"));

  const read = await openConfined(ctx, target);
  assert.equal(!read.ok && read.error.kind, "denied");
  assert.match(!read.ok ? read.error.message : "", /changed while it was being opened/);
  const written = await writeConfined(ctx, target, text("planted"));
  assert.equal(!written.ok && written.error.kind, "denied");
  const listed = await listConfined(ctx, confined(box.ws, "d"));
  assert.equal(!listed.ok && listed.error.kind, "denied");
  assert.equal(await Deno.readTextFile(join(box.root, "outside", "a.txt")), "theirs");
  assert.deepEqual(await Array.fromAsync(Deno.readDir(join(box.root, "outside")), (e) => e.name), [
    "a.txt",
  ]);
});

Deno.test("a file swapped for a symlink after the check is refused", async () => {
  await using box = await sandbox({ "ws/a.txt": "mine", "outside/secret": "theirs" });
  const target = confined(box.ws, "a.txt");
  await Deno.remove(join(box.ws, "a.txt"));
  await Deno.symlink(join(box.root, "outside", "secret"), join(box.ws, "a.txt"));
  const read = await openConfined(context(box.ws), target);
  assert.equal(!read.ok && read.error.kind, "denied");
});

Deno.test("one of Pixir's own files is refused by its identity, whatever its name", async () => {
  await using box = await sandbox({ "home/auth.json": "SECRET" });
  await Deno.link(join(box.root, "home", "auth.json"), join(box.ws, "notes.txt"));
  const key = fileKey(await Deno.stat(join(box.root, "home", "auth.json")));
  assert.ok(key);
  const ctx = context(box.ws, [key]);
  const read = await openConfined(ctx, confined(box.ws, "notes.txt"));
  assert.equal(!read.ok && read.error.kind, "denied");
  assert.match(!read.ok ? read.error.message : "", /one of Pixir's own files/);
  const written = await writeConfined(ctx, confined(box.ws, "notes.txt"), text("x"));
  assert.equal(!written.ok && written.error.kind, "denied");
  assert.equal(await Deno.readTextFile(join(box.root, "home", "auth.json")), "SECRET");
});

Deno.test("a write creates missing folders, keeps no temp file, and restores the current directory", async () => {
  await using box = await sandbox();
  const before = Deno.cwd();
  const written = await writeConfined(context(box.ws), confined(box.ws, "a/b/c.txt"), text("hi"));
  assert.ok(written.ok);
  assert.equal(written.created, true);
  assert.equal(await Deno.readTextFile(join(box.ws, "a/b/c.txt")), "hi");
  assert.deepEqual(await Array.fromAsync(Deno.readDir(join(box.ws, "a/b")), (e) => e.name), [
    "c.txt",
  ]);
  assert.equal(Deno.cwd(), before);
});
