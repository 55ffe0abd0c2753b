import assert from "node:assert/strict";
import { join } from "node:path";
import { lsTool } from "../../src/tools/ls.ts";
import { failure, okOutput, sandbox } from "./helpers.ts";

Deno.test("ls lists entries sorted, directories with /, symlinks with their target", async () => {
  await using box = await sandbox({
    "ws/b.txt": "",
    "ws/A.md": "",
    "ws/.env": "",
    "ws/src/main.ts": "",
  });
  await Deno.symlink("src/main.ts", join(box.ws, "link"));
  const output = okOutput(await lsTool.run({}, box.ctx()));
  assert.equal(output, [".env", "A.md", "b.txt", "link -> src/main.ts", "src/"].join("\n"));
  assert.equal(okOutput(await lsTool.run({ path: "src" }, box.ctx())), "main.ts");
});

Deno.test("an empty directory says so", async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.ws, "empty"));
  assert.equal(okOutput(await lsTool.run({ path: "empty" }, box.ctx())), "empty is empty");
});

Deno.test("a long listing is bounded with a count of what is not shown", async () => {
  await using box = await sandbox();
  for (let i = 0; i < 510; i++) {
    await Deno.writeTextFile(join(box.ws, `f${String(i).padStart(3, "0")}`), "");
  }
  const lines = okOutput(await lsTool.run({}, box.ctx())).split("\n");
  assert.equal(lines.length, 501);
  assert.equal(lines[499], "f499");
  assert.equal(lines[500], "[… 10 more entries not shown …]");
});

Deno.test("ls refuses files, missing paths and paths outside the workspace", async () => {
  await using box = await sandbox({ "ws/a.txt": "" });
  await Deno.symlink(box.outside, join(box.ws, "out"));
  failure(await lsTool.run({ path: "a.txt" }, box.ctx()), "not_directory");
  failure(await lsTool.run({ path: "missing" }, box.ctx()), "not_found");
  failure(await lsTool.run({ path: ".." }, box.ctx()), "outside_workspace");
  failure(await lsTool.run({ path: "out" }, box.ctx()), "outside_workspace");
});
