import assert from "node:assert/strict";
import { join } from "node:path";
import { findTool } from "../../src/tools/find.ts";
import { failure, okOutput, sandbox } from "./helpers.ts";

const TREE = {
  "ws/README.md": "",
  "ws/src/main.ts": "",
  "ws/src/util/strings.ts": "",
  "ws/src/util/strings_test.ts": "",
  "ws/src/view.tsx": "",
  "ws/docs/guide.md": "",
  "ws/.git/config": "",
  "ws/.git/hooks/pre-commit.ts": "",
  "ws/node_modules/dep/index.ts": "",
  "ws/.gitignore": "node_modules/\n",
  "outside/secret.ts": "",
};

async function find(args: Record<string, unknown>): Promise<string> {
  await using box = await sandbox(TREE);
  return okOutput(await findTool.run(args, box.ctx()));
}

Deno.test("a name pattern matches at any depth; results are sorted workspace paths", async () => {
  assert.equal(
    await find({ pattern: "*.ts" }),
    ["src/main.ts", "src/util/strings.ts", "src/util/strings_test.ts"].join("\n"),
  );
});

Deno.test("a path pattern matches relative to the search path", async () => {
  assert.equal(
    await find({ pattern: "src/**/*_test.ts" }),
    "src/util/strings_test.ts",
  );
  assert.equal(
    await find({ pattern: "util/*.ts", path: "src" }),
    ["src/util/strings.ts", "src/util/strings_test.ts"].join("\n"),
  );
  assert.equal(
    await find({ pattern: "*.{ts,tsx}", path: "src/" }),
    [
      "src/main.ts",
      "src/util/strings.ts",
      "src/util/strings_test.ts",
      "src/view.tsx",
    ].join("\n"),
  );
});

Deno.test("directories match too and end with /", async () => {
  assert.equal(await find({ pattern: "util" }), "src/util/");
});

Deno.test(".git is hidden and what .gitignore names is ignored, unless asked for", async () => {
  await using box = await sandbox(TREE);
  const found = async (args: Record<string, unknown>) =>
    okOutput(await findTool.run(args, box.ctx()));
  assert.doesNotMatch(await found({ pattern: "**" }), /\.git|node_modules/);
  assert.equal(
    await found({ pattern: "node_modules/**/*.ts" }),
    'No paths under . match "node_modules/**/*.ts"',
  );
  assert.equal(
    await found({ pattern: "node_modules/**/*.ts", no_ignore: true }),
    "node_modules/dep/index.ts",
  );
  assert.equal(await found({ pattern: ".git/**/*.ts", hidden: true }), ".git/hooks/pre-commit.ts");
  assert.equal(await found({ pattern: ".git*", hidden: true }), [".git/", ".gitignore"].join("\n"));
});

Deno.test("symlinked directories are not followed, so nothing outside is listed", async () => {
  await using box = await sandbox(TREE);
  await Deno.symlink(box.outside, join(box.ws, "escape"));
  await Deno.symlink(".", join(box.ws, "src/loop"));
  const output = okOutput(await findTool.run({ pattern: "*.ts" }, box.ctx()));
  assert.doesNotMatch(output, /secret|loop/);
  const links = okOutput(await findTool.run({ pattern: "{escape,loop}" }, box.ctx()));
  assert.equal(links, ["escape", "src/loop"].join("\n"));
});

Deno.test("no match is a plain answer, not an error", async () => {
  assert.equal(await find({ pattern: "*.py" }), 'No paths under . match "*.py"');
});

Deno.test("many matches are bounded with a marker", async () => {
  await using box = await sandbox();
  for (let i = 0; i < 1005; i++) {
    await Deno.writeTextFile(join(box.ws, `f${String(i).padStart(4, "0")}.txt`), "");
  }
  const lines = okOutput(await findTool.run({ pattern: "*.txt" }, box.ctx())).split("\n");
  assert.equal(lines.length, 1001);
  assert.equal(lines[999], "f0999.txt");
  assert.equal(lines[1000], "[… 5 more matches not shown; narrow the pattern or path …]");
});

Deno.test("find reports bad globs, bad paths and aborts as errors", async () => {
  await using box = await sandbox(TREE);
  const glob = failure(await findTool.run({ pattern: "[z-a]" }, box.ctx()), "invalid_arguments");
  assert.equal(glob.details?.field, "pattern");
  failure(await findTool.run({ pattern: "*", path: "README.md" }, box.ctx()), "not_directory");
  failure(await findTool.run({ pattern: "*", path: "nope" }, box.ctx()), "not_found");
  failure(await findTool.run({ pattern: "*", path: "../outside" }, box.ctx()), "outside_workspace");
  const controller = new AbortController();
  controller.abort();
  failure(await findTool.run({ pattern: "*" }, box.ctx(controller.signal)), "aborted");
});
