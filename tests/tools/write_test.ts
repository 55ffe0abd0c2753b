import assert from "node:assert/strict";
import { join } from "node:path";
import { writeTool } from "../../src/tools/write.ts";
import { exists, failure, okOutput, sandbox } from "./helpers.ts";

Deno.test("write creates a file and its missing parent directories", async () => {
  await using box = await sandbox();
  const result = await writeTool.run({ path: "a/b/c.txt", content: "hi\nthere\n" }, box.ctx());
  assert.equal(okOutput(result), `Created ${join("a", "b", "c.txt")} (9 bytes, 2 lines)`);
  assert.equal(await Deno.readTextFile(join(box.ws, "a/b/c.txt")), "hi\nthere\n");
  assert.deepEqual(result.ok && result.details, {
    path: join("a", "b", "c.txt"),
    created: true,
    bytes: 9,
    sha256: "d0184cff2e6257a42961148c7e2f1470663251a9671b9eb723e859f3fae92bee",
  });
});

Deno.test("write overwrites an existing file and keeps its mode", async () => {
  await using box = await sandbox({ "ws/run.sh": "old" });
  const path = join(box.ws, "run.sh");
  await Deno.chmod(path, 0o750);
  const result = await writeTool.run({ path: "run.sh", content: "é" }, box.ctx());
  assert.equal(okOutput(result), "Overwrote run.sh (2 bytes, 1 line)");
  assert.equal(await Deno.readTextFile(path), "é");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o750);
});

Deno.test("a new file gets the default mode and no temp file is left behind", async () => {
  await using box = await sandbox();
  okOutput(await writeTool.run({ path: "new.txt", content: "x" }, box.ctx()));
  const umask = Deno.umask();
  assert.equal((await Deno.stat(join(box.ws, "new.txt"))).mode! & 0o777, 0o666 & ~umask);
  const names = await Array.fromAsync(Deno.readDir(box.ws), (entry) => entry.name);
  assert.deepEqual(names, ["new.txt"]);
});

Deno.test("writing through a symlink inside the workspace updates the target, keeps the link", async () => {
  await using box = await sandbox({ "ws/real/target.txt": "old" });
  await Deno.symlink(join(box.ws, "real"), join(box.ws, "alias"));
  await Deno.symlink("real/target.txt", join(box.ws, "file-alias"));
  okOutput(await writeTool.run({ path: "alias/target.txt", content: "one" }, box.ctx()));
  assert.equal(await Deno.readTextFile(join(box.ws, "real/target.txt")), "one");
  okOutput(await writeTool.run({ path: "file-alias", content: "two" }, box.ctx()));
  assert.equal(await Deno.readTextFile(join(box.ws, "real/target.txt")), "two");
  assert.ok((await Deno.lstat(join(box.ws, "file-alias"))).isSymlink);
});

Deno.test("write cannot create or change anything outside the workspace", async () => {
  await using box = await sandbox({ "outside/keep.txt": "original" });
  await Deno.symlink(box.outside, join(box.ws, "out-dir"));
  await Deno.symlink(join(box.outside, "keep.txt"), join(box.ws, "out-file"));
  await Deno.symlink(join(box.outside, "planted.txt"), join(box.ws, "dangling"));
  await Deno.symlink(join(box.outside, "new-dir"), join(box.ws, "dangling-dir"));
  const attempts = [
    "../outside/escaped.txt",
    join(box.outside, "escaped.txt"),
    "out-dir/escaped.txt",
    "out-dir/deep/escaped.txt",
    "out-file",
    "dangling",
    "dangling-dir/escaped.txt",
    `${box.ws}2/escaped.txt`,
  ];
  for (const path of attempts) {
    failure(await writeTool.run({ path, content: "pwned" }, box.ctx()), "outside_workspace");
  }
  assert.equal(await Deno.readTextFile(join(box.outside, "keep.txt")), "original");
  const names = await Array.fromAsync(Deno.readDir(box.outside), (entry) => entry.name);
  assert.deepEqual(names, ["keep.txt"]);
  assert.equal(await exists(`${box.ws}2`), false);
});

Deno.test("write refuses a directory and a path through a file", async () => {
  await using box = await sandbox({ "ws/file.txt": "x" });
  await Deno.mkdir(join(box.ws, "dir"));
  failure(await writeTool.run({ path: "dir", content: "x" }, box.ctx()), "is_directory");
  failure(await writeTool.run({ path: ".", content: "x" }, box.ctx()), "is_directory");
  failure(await writeTool.run({ path: "file.txt/x", content: "x" }, box.ctx()), "not_directory");
  assert.equal(await Deno.readTextFile(join(box.ws, "file.txt")), "x");
});

Deno.test("write requires path and content", async () => {
  await using box = await sandbox();
  const error = failure(await writeTool.run({ path: "a" }, box.ctx()), "invalid_arguments");
  assert.equal(error.message, 'missing required argument "content"');
});
