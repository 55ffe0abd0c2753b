import assert from "node:assert/strict";
import { join } from "node:path";
import { tempWorkspace } from "./workspace.ts";

Deno.test("tempWorkspace makes a real-path directory seeded with files, removed on dispose", async () => {
  let path: string;
  {
    await using workspace = await tempWorkspace({ "README.md": "# Demo\n", "src/a.ts": "x" });
    path = workspace.path;
    assert.equal(await Deno.realPath(path), path);
    assert.equal(await Deno.readTextFile(join(path, "README.md")), "# Demo\n");
    assert.equal(await Deno.readTextFile(join(path, "src", "a.ts")), "x");
  }
  await assert.rejects(Deno.stat(path), Deno.errors.NotFound);
});
