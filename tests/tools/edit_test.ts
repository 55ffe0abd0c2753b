import assert from "node:assert/strict";
import { join } from "node:path";
import { editTool } from "../../src/tools/edit.ts";
import { failure, okOutput, sandbox } from "./helpers.ts";

const SOURCE = [
  "function greet(name) {",
  "  const greeting = 'hello';",
  "  return greeting + name;",
  "}",
  "",
  "function part(name) {",
  "  return name;",
  "}",
  "",
].join("\n");

Deno.test("edit replaces a unique snippet and reports the lines it now occupies", async () => {
  await using box = await sandbox({ "ws/a.js": SOURCE });
  const result = await editTool.run({
    path: "a.js",
    old_text: "  return greeting + name;\n",
    new_text: "  const full = greeting + name;\n  return full;\n",
  }, box.ctx());
  assert.equal(okOutput(result), "Edited a.js: replaced 1 occurrence; now lines 3–4");
  assert.equal(
    await Deno.readTextFile(join(box.ws, "a.js")),
    SOURCE.replace(
      "  return greeting + name;\n",
      "  const full = greeting + name;\n  return full;\n",
    ),
  );
});

Deno.test("a deletion is reported where it happened", async () => {
  await using box = await sandbox({ "ws/a.js": SOURCE });
  const result = await editTool.run({ path: "a.js", old_text: "'hello'", new_text: "" }, box.ctx());
  assert.equal(okOutput(result), "Edited a.js: replaced 1 occurrence; removed at line 2");
});

Deno.test("old_text that is not there is not_found, with a whitespace hint and its line", async () => {
  await using box = await sandbox({ "ws/a.js": SOURCE });
  const error = failure(
    await editTool.run({
      path: "a.js",
      old_text: "const greeting = 'hello';\nreturn greeting + name;",
      new_text: "x",
    }, box.ctx()),
    "not_found",
  );
  assert.match(
    error.message,
    /^old_text was not found in a\.js\. It matches near line 2 if whitespace/,
  );
  assert.equal(error.details?.line, 2);
  assert.equal(await Deno.readTextFile(join(box.ws, "a.js")), SOURCE);
});

Deno.test("not_found names the line where a partly matching snippet starts to differ", async () => {
  await using box = await sandbox({ "ws/a.js": SOURCE });
  const error = failure(
    await editTool.run({
      path: "a.js",
      old_text: "function part(name) {\n  return name.trim();\n}",
      new_text: "x",
    }, box.ctx()),
    "not_found",
  );
  assert.match(error.message, /Its first 1 of 3 lines match from line 6 .*but line 7 differs/);
  assert.equal(error.details?.line, 7);
});

Deno.test("not_found without any near match tells the model to read the file", async () => {
  await using box = await sandbox({ "ws/a.js": SOURCE });
  const error = failure(
    await editTool.run({ path: "a.js", old_text: "nothing like it", new_text: "x" }, box.ctx()),
    "not_found",
  );
  assert.match(error.message, /No line of the file matches its first line/);
});

Deno.test("an ambiguous snippet is not_unique with the count and the lines", async () => {
  await using box = await sandbox({ "ws/a.js": SOURCE });
  const error = failure(
    await editTool.run({ path: "a.js", old_text: "(name) {", new_text: "(who) {" }, box.ctx()),
    "not_unique",
  );
  assert.match(error.message, /occurs 2 times in a\.js \(lines 1, 6\)/);
  assert.deepEqual(error.details?.lines, [1, 6]);
  assert.equal(await Deno.readTextFile(join(box.ws, "a.js")), SOURCE);
});

Deno.test("replace_all replaces every occurrence and lists where", async () => {
  await using box = await sandbox({ "ws/a.js": SOURCE });
  const result = await editTool.run(
    { path: "a.js", old_text: "name", new_text: "who", replace_all: true },
    box.ctx(),
  );
  assert.equal(okOutput(result), "Edited a.js: replaced 4 occurrences; now lines 1, 3, 6, 7");
  assert.equal(await Deno.readTextFile(join(box.ws, "a.js")), SOURCE.replaceAll("name", "who"));
});

Deno.test("replace_all names a line with several replacements once, in the new numbering", async () => {
  await using box = await sandbox({ "ws/a.txt": "a a\nb a\n" });
  const result = await editTool.run(
    { path: "a.txt", old_text: "a", new_text: "x\ny", replace_all: true },
    box.ctx(),
  );
  assert.equal(okOutput(result), "Edited a.txt: replaced 3 occurrences; now lines 1–2, 2–3, 4–5");
  assert.equal(await Deno.readTextFile(join(box.ws, "a.txt")), "x\ny x\ny\nb x\ny\n");
  await Deno.writeTextFile(join(box.ws, "b.txt"), "a a a\n");
  const sameLine = await editTool.run(
    { path: "b.txt", old_text: "a", new_text: "b", replace_all: true },
    box.ctx(),
  );
  assert.equal(okOutput(sameLine), "Edited b.txt: replaced 3 occurrences; now line 1");
});

Deno.test("empty or unchanged old_text is invalid", async () => {
  await using box = await sandbox({ "ws/a.js": SOURCE });
  const empty = await editTool.run({ path: "a.js", old_text: "", new_text: "x" }, box.ctx());
  assert.match(failure(empty, "invalid_arguments").message, /old_text must not be empty/);
  const same = await editTool.run({ path: "a.js", old_text: "}", new_text: "}" }, box.ctx());
  assert.match(failure(same, "invalid_arguments").message, /identical/);
});

Deno.test("replacement text is inserted literally, `$` patterns included", async () => {
  await using box = await sandbox({ "ws/a.txt": "price: X\n" });
  okOutput(await editTool.run({ path: "a.txt", old_text: "X", new_text: "$& $1 $$" }, box.ctx()));
  assert.equal(await Deno.readTextFile(join(box.ws, "a.txt")), "price: $& $1 $$\n");
});

Deno.test("a snippet written with \\n matches a CRLF file, which keeps CRLF", async () => {
  await using box = await sandbox({ "ws/win.txt": "one\r\ntwo\r\nthree\r\n" });
  const result = await editTool.run(
    { path: "win.txt", old_text: "one\ntwo\n", new_text: "uno\ndos\n" },
    box.ctx(),
  );
  okOutput(result);
  assert.equal(await Deno.readTextFile(join(box.ws, "win.txt")), "uno\r\ndos\r\nthree\r\n");
});

Deno.test("edit keeps the file's mode (the write is atomic, like write's)", async () => {
  await using box = await sandbox({ "ws/run.sh": "echo hi\n" });
  await Deno.chmod(join(box.ws, "run.sh"), 0o755);
  okOutput(await editTool.run({ path: "run.sh", old_text: "hi", new_text: "yo" }, box.ctx()));
  assert.equal((await Deno.stat(join(box.ws, "run.sh"))).mode! & 0o777, 0o755);
  const names = await Array.fromAsync(Deno.readDir(box.ws), (entry) => entry.name);
  assert.deepEqual(names, ["run.sh"]);
});

Deno.test("edit refuses binary files, missing files and paths outside", async () => {
  await using box = await sandbox({ "outside/o.txt": "abc" });
  await Deno.writeFile(join(box.ws, "b.bin"), new Uint8Array([97, 0, 98]));
  await Deno.symlink(join(box.outside, "o.txt"), join(box.ws, "link"));
  const args = { old_text: "a", new_text: "b" };
  failure(await editTool.run({ path: "b.bin", ...args }, box.ctx()), "binary");
  failure(await editTool.run({ path: "missing.txt", ...args }, box.ctx()), "not_found");
  failure(await editTool.run({ path: "link", ...args }, box.ctx()), "outside_workspace");
  failure(
    await editTool.run({ path: "../outside/o.txt", ...args }, box.ctx()),
    "outside_workspace",
  );
  assert.equal(await Deno.readTextFile(join(box.outside, "o.txt")), "abc");
});
