import assert from "node:assert/strict";
import { join } from "node:path";
import { readTool } from "../../src/tools/read.ts";
import { failure, okOutput, sandbox } from "./helpers.ts";

function numbered(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `line ${from + i}\n`).join("");
}

Deno.test("read returns a whole small file exactly, without a footer", async () => {
  await using box = await sandbox({ "ws/a.txt": "one\ntwo\n", "ws/b.txt": "no newline" });
  assert.equal(okOutput(await readTool.run({ path: "a.txt" }, box.ctx())), "one\ntwo\n");
  assert.equal(okOutput(await readTool.run({ path: "b.txt" }, box.ctx())), "no newline");
});

Deno.test("a range gets a footer that says how to continue, or that the file ended", async () => {
  await using box = await sandbox({ "ws/a.txt": numbered(10) });
  const middle = await readTool.run({ path: "a.txt", offset: 3, limit: 2 }, box.ctx());
  assert.equal(okOutput(middle), "line 3\nline 4\n[lines 3–4 of 10; use offset=5 to continue]");
  const end = await readTool.run({ path: "a.txt", offset: 9 }, box.ctx());
  assert.equal(okOutput(end), "line 9\nline 10\n[lines 9–10 of 10; end of file]");
  const beyond = await readTool.run({ path: "a.txt", offset: 8, limit: 50 }, box.ctx());
  assert.match(okOutput(beyond), /\[lines 8–10 of 10; end of file\]$/);
});

Deno.test("a footer after a last line without newline starts on its own line", async () => {
  await using box = await sandbox({ "ws/a.txt": "a\nb" });
  const result = await readTool.run({ path: "a.txt", offset: 2 }, box.ctx());
  assert.equal(okOutput(result), "b\n[lines 2–2 of 2; end of file]");
});

Deno.test("an offset past the end is invalid and says how long the file is", async () => {
  await using box = await sandbox({ "ws/a.txt": numbered(3) });
  const error = failure(
    await readTool.run({ path: "a.txt", offset: 4 }, box.ctx()),
    "invalid_arguments",
  );
  assert.match(error.message, /offset 4 is past the end of a\.txt, which has 3 lines/);
});

Deno.test("long files are cut at 2000 lines with a continuation footer", async () => {
  await using box = await sandbox({ "ws/big.txt": numbered(2500) });
  const first = okOutput(await readTool.run({ path: "big.txt" }, box.ctx()));
  assert.equal(first, numbered(2000) + "[lines 1–2000 of 2500; use offset=2001 to continue]");
  const rest = okOutput(await readTool.run({ path: "big.txt", offset: 2001 }, box.ctx()));
  assert.equal(rest, numbered(500, 2001) + "[lines 2001–2500 of 2500; end of file]");
});

Deno.test("wide files are cut at 50 KB on a line boundary", async () => {
  const line = "x".repeat(99) + "\n"; // 100 bytes
  await using box = await sandbox({ "ws/wide.txt": line.repeat(1000) });
  const output = okOutput(await readTool.run({ path: "wide.txt" }, box.ctx()));
  assert.equal(output, line.repeat(512) + "[lines 1–512 of 1000; use offset=513 to continue]");
});

Deno.test("a single line too long to show is clipped, and the next read moves on", async () => {
  await using box = await sandbox({ "ws/min.js": "y".repeat(80_000) + "\nnext\n" });
  const output = okOutput(await readTool.run({ path: "min.js" }, box.ctx()));
  assert.match(output, /^y+ … \[line clipped: [\d.]+ KB more\]\n\[lines 1–1 of 2; use offset=2/);
  assert.equal(
    okOutput(await readTool.run({ path: "min.js", offset: 2 }, box.ctx())),
    "next\n[lines 2–2 of 2; end of file]",
  );
});

Deno.test("directories, binary files and missing files are refused with their kind", async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.ws, "dir"));
  await Deno.writeFile(join(box.ws, "nul.bin"), new Uint8Array([104, 105, 0, 1]));
  await Deno.writeFile(join(box.ws, "latin1.txt"), new Uint8Array([0x63, 0x61, 0x66, 0xe9]));
  failure(await readTool.run({ path: "dir" }, box.ctx()), "is_directory");
  failure(await readTool.run({ path: "nul.bin" }, box.ctx()), "binary");
  failure(await readTool.run({ path: "latin1.txt" }, box.ctx()), "binary");
  const missing = failure(await readTool.run({ path: "nope.txt" }, box.ctx()), "not_found");
  assert.equal(missing.message, "No such file or directory: nope.txt");
});

Deno.test("files over 10 MB are too large, and the message says so", async () => {
  await using box = await sandbox();
  const file = await Deno.create(join(box.ws, "huge.log"));
  await file.truncate(10 * 1024 * 1024 + 1);
  file.close();
  const error = failure(await readTool.run({ path: "huge.log" }, box.ctx()), "too_large");
  assert.match(error.message, /huge\.log is 10 MB, above the 10 MB limit; use bash/);
});

Deno.test("an empty file reads as a marked empty result", async () => {
  await using box = await sandbox({ "ws/empty": "" });
  assert.equal(okOutput(await readTool.run({ path: "empty" }, box.ctx())), "[empty file]");
});

Deno.test("read cannot reach outside the workspace, directly or through a symlink", async () => {
  await using box = await sandbox({ "outside/secret": "s3cret" });
  await Deno.symlink(join(box.outside, "secret"), join(box.ws, "link"));
  await Deno.symlink(box.outside, join(box.ws, "dirlink"));
  for (const path of ["../outside/secret", join(box.outside, "secret"), "link", "dirlink/secret"]) {
    const error = failure(await readTool.run({ path }, box.ctx()), "outside_workspace");
    assert.doesNotMatch(error.message, /s3cret/);
  }
});

Deno.test("read validates its arguments", async () => {
  await using box = await sandbox();
  failure(await readTool.run({}, box.ctx()), "invalid_arguments");
  failure(await readTool.run({ path: "a", offset: 0 }, box.ctx()), "invalid_arguments");
  failure(await readTool.run({ path: "a", lines: 3 }, box.ctx()), "invalid_arguments");
});
