import assert from "node:assert/strict";
import { join } from "node:path";
import {
  displayPath,
  isWithin,
  resolveForTool,
  resolveInWorkspace,
} from "../../src/tools/workspace.ts";
import { sandbox } from "./helpers.ts";

async function resolvedPath(ws: string, userPath: string): Promise<string> {
  const result = await resolveInWorkspace(ws, userPath);
  if (!result.ok) assert.fail(`expected ${userPath} inside, got ${result.error.message}`);
  return result.path;
}

async function assertOutside(ws: string, userPath: string): Promise<void> {
  const result = await resolveInWorkspace(ws, userPath);
  assert.equal(result.ok, false, `${userPath} should be outside`);
  if (!result.ok) {
    assert.equal(result.error.kind, "outside_workspace");
    assert.match(result.error.message, /outside the workspace/);
  }
}

Deno.test("relative paths resolve under the workspace, existing or not", async () => {
  await using box = await sandbox({ "ws/src/a.ts": "" });
  const existing = await resolveInWorkspace(box.ws, "src/a.ts");
  assert.deepEqual(existing, { ok: true, path: join(box.ws, "src/a.ts"), relative: "src/a.ts" });
  const missing = await resolveInWorkspace(box.ws, "new/dir/b.ts");
  assert.deepEqual(missing, {
    ok: true,
    path: join(box.ws, "new/dir/b.ts"),
    relative: join("new", "dir", "b.ts"),
  });
  assert.deepEqual(await resolveInWorkspace(box.ws, "."), {
    ok: true,
    path: box.ws,
    relative: ".",
  });
  assert.equal(await resolvedPath(box.ws, "src/../x"), join(box.ws, "x"));
});

Deno.test("`..` cannot climb out of the workspace", async () => {
  await using box = await sandbox({ "outside/secret": "s" });
  await assertOutside(box.ws, "..");
  await assertOutside(box.ws, "../outside/secret");
  await assertOutside(box.ws, "a/../../outside/secret");
});

Deno.test("absolute paths are allowed only inside the workspace", async () => {
  await using box = await sandbox({ "ws/a.txt": "", "outside/secret": "s" });
  assert.equal(await resolvedPath(box.ws, join(box.ws, "a.txt")), join(box.ws, "a.txt"));
  await assertOutside(box.ws, join(box.outside, "secret"));
  await assertOutside(box.ws, "/etc/passwd");
});

Deno.test("a sibling whose name extends the workspace's is not inside it (/ws vs /ws2)", async () => {
  await using box = await sandbox();
  const sibling = `${box.ws}2`;
  await Deno.mkdir(sibling);
  await Deno.writeTextFile(join(sibling, "f"), "x");
  await assertOutside(box.ws, join(sibling, "f"));
  await assertOutside(box.ws, "../ws2/f");
  assert.equal(isWithin(box.ws, sibling), false);
  assert.equal(isWithin(box.ws, box.ws), true);
  assert.equal(isWithin(box.ws, join(box.ws, "..hidden")), true);
});

Deno.test("symlinks to files and directories outside cannot be used to escape", async () => {
  await using box = await sandbox({ "outside/secret": "s" });
  await Deno.symlink(join(box.outside, "secret"), join(box.ws, "file-link"));
  await Deno.symlink(box.outside, join(box.ws, "dir-link"));
  await Deno.symlink("../outside", join(box.ws, "relative-dir-link"));
  await assertOutside(box.ws, "file-link");
  await assertOutside(box.ws, "dir-link");
  await assertOutside(box.ws, "dir-link/secret");
  await assertOutside(box.ws, "dir-link/not-yet/created.txt");
  await assertOutside(box.ws, "relative-dir-link/secret");
});

Deno.test("dangling symlinks are followed to where they would create a file", async () => {
  await using box = await sandbox();
  await Deno.symlink(join(box.outside, "planted"), join(box.ws, "abs-dangling"));
  await Deno.symlink("../outside/planted", join(box.ws, "rel-dangling"));
  await Deno.symlink(join(box.outside, "no-dir"), join(box.ws, "dangling-dir"));
  await Deno.symlink("inner/target.txt", join(box.ws, "inside-dangling"));
  await assertOutside(box.ws, "abs-dangling");
  await assertOutside(box.ws, "rel-dangling");
  await assertOutside(box.ws, "dangling-dir/file");
  assert.equal(await resolvedPath(box.ws, "inside-dangling"), join(box.ws, "inner/target.txt"));
});

Deno.test("a dangling symlink reached through a symlinked directory resolves from the real one", async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.ws, "p/q"), { recursive: true });
  await Deno.symlink(box.ws, join(box.ws, "p/q/root"));
  await Deno.symlink("../outside/x", join(box.ws, "up"));
  // Lexically p/q/root/../outside/x stays inside; really the link sits in ws, so it leaves.
  await assertOutside(box.ws, "p/q/root/up");
});

Deno.test("symlink chains are followed to the end; loops are an error, not a hang", async () => {
  await using box = await sandbox({ "ws/real.txt": "r" });
  await Deno.symlink(join(box.ws, "hop2"), join(box.ws, "hop1"));
  await Deno.symlink(box.outside, join(box.ws, "hop2"));
  await assertOutside(box.ws, "hop1/anything");
  await Deno.symlink("real.txt", join(box.ws, "good"));
  assert.equal(await resolvedPath(box.ws, "good"), join(box.ws, "real.txt"));
  await Deno.symlink("loop-b", join(box.ws, "loop-a"));
  await Deno.symlink("loop-a", join(box.ws, "loop-b"));
  const loop = await resolveInWorkspace(box.ws, "loop-a/x");
  assert.equal(loop.ok, false);
  if (!loop.ok) assert.equal(loop.error.kind, "io");
});

Deno.test("a path through a regular file stays confined (the tool reports not_directory later)", async () => {
  await using box = await sandbox({ "ws/file.txt": "" });
  assert.equal(await resolvedPath(box.ws, "file.txt/x"), join(box.ws, "file.txt/x"));
});

Deno.test("displayPath shows workspace paths relative and others absolute", () => {
  assert.equal(displayPath("/w", "/w/src/a.ts"), join("src", "a.ts"));
  assert.equal(displayPath("/w", "/w"), ".");
  assert.equal(displayPath("/w", "/w2/a"), "/w2/a");
});

Deno.test("resolveForTool reads and writes only the roots the access grants", async () => {
  await using box = await sandbox({ "outside/notes.txt": "n" });
  const ctx = {
    workspace: box.ws,
    signal: new AbortController().signal,
    access: { read: [box.ws, box.outside], write: [box.ws], hidden: [] },
  };
  const read = await resolveForTool(ctx, "../outside/notes.txt", "read");
  assert.ok(read.ok);
  assert.equal(read.path, join(box.outside, "notes.txt"));
  assert.equal(read.relative, join(box.outside, "notes.txt"), "shown absolute, being outside");
  const write = await resolveForTool(ctx, "../outside/notes.txt", "write");
  assert.equal(write.ok, false);
  if (!write.ok) {
    assert.equal(write.error.kind, "outside_workspace");
    assert.match(write.error.message, /--allow-write/);
  }
});

Deno.test("resolveForTool refuses every write in read-only mode", async () => {
  await using box = await sandbox();
  const access = { read: [box.ws], write: [], hidden: [] };
  const result = await resolveForTool({ ...box.ctx(), access }, "a.txt", "write");
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.error.message, /read-only/);
});

Deno.test("resolveForTool refuses Pixir's hidden folder and its parents, even through a symlink", async () => {
  await using box = await sandbox({ "ws/private/auth.json": "{}", "ws/src/a.ts": "" });
  await Deno.symlink(join(box.ws, "private"), join(box.ws, "innocent"));
  const access = { read: [box.ws], write: [box.ws], hidden: [join(box.ws, "private")] };
  const ctx = { ...box.ctx(), access };
  for (const path of ["private/auth.json", "innocent/auth.json", "private", "."]) {
    const result = await resolveForTool(ctx, path, "read");
    assert.equal(result.ok, false, path);
    if (!result.ok) assert.equal(result.error.kind, "denied", path);
  }
  assert.ok((await resolveForTool(ctx, "src/a.ts", "write")).ok);
});

Deno.test("without an access grant, resolveForTool confines to the workspace", async () => {
  await using box = await sandbox();
  const inside = await resolveForTool(box.ctx(), "a/b.txt", "write");
  assert.ok(inside.ok);
  assert.equal(inside.relative, join("a", "b.txt"));
  assert.equal((await resolveForTool(box.ctx(), "../outside/x", "read")).ok, false);
});

Deno.test("file tools may read inside .git but never write there, even through a symlink", async () => {
  await using box = await sandbox({ "ws/.git/config": "[core]\n", "ws/sub/.git/HEAD": "x" });
  await Deno.symlink(join(box.ws, ".git"), join(box.ws, "gitdir"));
  assert.ok((await resolveForTool(box.ctx(), ".git/config", "read")).ok);
  for (const path of [".git/config", "gitdir/hooks/pre-commit", "sub/.git/HEAD"]) {
    const result = await resolveForTool(box.ctx(), path, "write");
    assert.equal(result.ok, false, path);
    if (!result.ok) assert.match(result.error.message, /inside a \.git folder/, path);
  }
  assert.ok((await resolveForTool(box.ctx(), ".gitignore", "write")).ok);
});
