import assert from "node:assert/strict";
import { join } from "node:path";
import { grepTool } from "../../src/tools/grep.ts";
import { failure, okOutput, sandbox } from "./helpers.ts";

const TREE = {
  "ws/src/a.ts": "const Alpha = 1;\nconst beta = 2;\n// alpha again\n",
  "ws/src/b.js": "let alpha = 'x';\n",
  "ws/notes.md": "a.b here\naxb there\n",
  "ws/.git/HEAD": "alpha in git\n",
  "ws/node_modules/x/i.js": "alpha in deps\n",
  "ws/.gitignore": "node_modules\n",
  "outside/o.txt": "alpha outside\n",
};

async function grep(args: Record<string, unknown>): Promise<string> {
  await using box = await sandbox(TREE);
  return okOutput(await grepTool.run(args, box.ctx()));
}

Deno.test("grep finds regex matches as path:line: text, in path order", async () => {
  assert.equal(
    await grep({ pattern: "alpha" }),
    ["src/a.ts:3: // alpha again", "src/b.js:1: let alpha = 'x';"].join("\n"),
  );
  assert.equal(await grep({ pattern: "^const \\w+ = 2" }), "src/a.ts:2: const beta = 2;");
});

Deno.test("ignore_case and literal change how the pattern matches", async () => {
  assert.equal(
    await grep({ pattern: "ALPHA", ignore_case: true, path: "src/a.ts" }),
    ["src/a.ts:1: const Alpha = 1;", "src/a.ts:3: // alpha again"].join("\n"),
  );
  assert.equal(
    await grep({ pattern: "a.b", path: "notes.md" }),
    ["notes.md:1: a.b here", "notes.md:2: axb there"].join("\n"),
  );
  assert.equal(await grep({ pattern: "a.b", literal: true }), "notes.md:1: a.b here");
  assert.equal(await grep({ pattern: "(x)", literal: true }), 'No matches for "(x)" in .');
});

Deno.test("an invalid regex is invalid_arguments naming the pattern", async () => {
  await using box = await sandbox(TREE);
  const error = failure(
    await grepTool.run({ pattern: "(unclosed" }, box.ctx()),
    "invalid_arguments",
  );
  assert.match(error.message, /^pattern is not a valid regular expression/);
  assert.equal(error.details?.field, "pattern");
  failure(await grepTool.run({ pattern: "x", glob: "[z-a]" }, box.ctx()), "invalid_arguments");
});

Deno.test("glob restricts which files are searched", async () => {
  assert.equal(await grep({ pattern: "alpha", glob: "*.js" }), "src/b.js:1: let alpha = 'x';");
  assert.equal(
    await grep({ pattern: "alpha", glob: "node_modules/**", no_ignore: true }),
    "node_modules/x/i.js:1: alpha in deps",
  );
  assert.equal(
    await grep({ pattern: "alpha", glob: ".git/*", hidden: true }),
    ".git/HEAD:1: alpha in git",
  );
});

Deno.test("binary and oversized files are skipped and counted", async () => {
  await using box = await sandbox({ "ws/a.txt": "needle\n" });
  await Deno.writeFile(join(box.ws, "b.bin"), new TextEncoder().encode("needle\0\n"));
  const big = await Deno.create(join(box.ws, "c.log"));
  await big.truncate(5 * 1024 * 1024);
  big.close();
  const output = okOutput(await grepTool.run({ pattern: "needle" }, box.ctx()));
  assert.equal(output, "a.txt:1: needle\n[skipped files: 1 binary, 1 over 4 MB]");
  failure(await grepTool.run({ pattern: "needle", path: "b.bin" }, box.ctx()), "binary");
});

Deno.test("max_results stops the search and says more may exist", async () => {
  await using box = await sandbox({ "ws/many.txt": "hit\n".repeat(50) });
  const output = okOutput(await grepTool.run({ pattern: "hit", max_results: 3 }, box.ctx()));
  assert.equal(
    output,
    "many.txt:1: hit\nmany.txt:2: hit\nmany.txt:3: hit\n" +
      "[… stopped at 3 matches; more may exist: narrow path or glob, or raise max_results]",
  );
});

Deno.test("long lines are cut to a window around the match; CR is not shown", async () => {
  await using box = await sandbox({
    "ws/long.txt": "x".repeat(1000) + "NEEDLE" + "y".repeat(1000) + "\n",
    "ws/crlf.txt": "one\r\ntwo\r\n",
  });
  const output = okOutput(await grepTool.run({ pattern: "NEEDLE" }, box.ctx()));
  assert.match(output, /^long\.txt:1: …x{75}NEEDLEy{219}…$/);
  assert.equal(okOutput(await grepTool.run({ pattern: "two$" }, box.ctx())), "crlf.txt:2: two");
});

Deno.test("grep does not read through symlinks or outside the workspace", async () => {
  await using box = await sandbox(TREE);
  await Deno.symlink(join(box.outside, "o.txt"), join(box.ws, "o-link.txt"));
  await Deno.symlink(box.outside, join(box.ws, "o-dir"));
  const output = okOutput(await grepTool.run({ pattern: "outside" }, box.ctx()));
  assert.equal(output, 'No matches for "outside" in .');
  failure(await grepTool.run({ pattern: "a", path: "o-link.txt" }, box.ctx()), "outside_workspace");
  failure(await grepTool.run({ pattern: "a", path: "../outside" }, box.ctx()), "outside_workspace");
});

Deno.test("an aborted search reports aborted", async () => {
  await using box = await sandbox(TREE);
  const controller = new AbortController();
  controller.abort();
  failure(await grepTool.run({ pattern: "a" }, box.ctx(controller.signal)), "aborted");
  failure(await grepTool.run({ pattern: "a", path: "missing" }, box.ctx()), "not_found");
});
