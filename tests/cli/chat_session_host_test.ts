import assert from "node:assert/strict";
import { join } from "node:path";
import {
  homeRelative,
  listWorkspaceFolder,
  readWorkspaceFile,
} from "../../src/cli/chat_session_host.ts";
import { tempWorkspace } from "../harness/workspace.ts";

Deno.test("workspace files are read; folders, missing files and outside paths are not", async () => {
  await using dir = await tempWorkspace({ "ws/a.txt": "hello\n", "secret.txt": "no" });
  const ws = join(dir.path, "ws");
  assert.equal(await readWorkspaceFile(ws, "a.txt"), "hello\n");
  assert.equal(await readWorkspaceFile(ws, "."), null);
  assert.equal(await readWorkspaceFile(ws, "missing.txt"), null);
  assert.equal(await readWorkspaceFile(ws, "../secret.txt"), null);
  if (Deno.build.os !== "windows") {
    await Deno.symlink(join(dir.path, "secret.txt"), join(ws, "link.txt"));
    assert.equal(await readWorkspaceFile(ws, "link.txt"), null, "a symlink cannot escape");
  }
});

Deno.test("workspace folders are listed with their kind; outside ones are not", async () => {
  await using dir = await tempWorkspace({ "ws/src/main.ts": "", "ws/b.md": "" });
  const ws = join(dir.path, "ws");
  const entries = await listWorkspaceFolder(ws, "");
  assert.deepEqual(entries?.sort((a, b) => a.name.localeCompare(b.name)), [
    { name: "b.md", isDirectory: false },
    { name: "src", isDirectory: true },
  ]);
  assert.deepEqual(await listWorkspaceFolder(ws, "src/"), [{
    name: "main.ts",
    isDirectory: false,
  }]);
  assert.equal(await listWorkspaceFolder(ws, "../"), null);
  assert.equal(await listWorkspaceFolder(ws, "nope/"), null);
});

Deno.test("paths below the home folder are shown from ~", () => {
  assert.equal(homeRelative("/home/me/code/app", "/home/me"), "~/code/app");
  assert.equal(homeRelative("/home/me", "/home/me"), "~");
  assert.equal(homeRelative("/home/meet/x", "/home/me"), "/home/meet/x");
  assert.equal(homeRelative("/srv/app", undefined), "/srv/app");
});
