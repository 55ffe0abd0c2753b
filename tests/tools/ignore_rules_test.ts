/**
 * find and grep see the files ripgrep sees: a repository with nested ignore files, checked against
 * a written-down expectation and, where `rg` is installed, against `rg --files` itself.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { findTool } from "../../src/tools/find.ts";
import { grepTool } from "../../src/tools/grep.ts";
import { okOutput, sandbox } from "./helpers.ts";

/** Every file (ignore files too) holds "needle", so grep lists exactly the files it searched. */
const FILES = [
  ".env",
  ".hidden/file.txt",
  "a.txt",
  "a.log",
  "keep.log",
  "top-only.txt",
  "excluded.txt",
  "by-dot-ignore.txt",
  "build/out.txt",
  "sub/top-only.txt",
  "sub/build",
  "sub/local.txt",
  "sub/a.log",
  "sub/b.log",
  "sub/deeper/x.txt",
  "sub/deeper/keep.txt",
  "sub/deeper/y.md",
  "docs/x.tmp",
  "docs/deep/x.tmp",
  "nested/a.log",
  "nested/by-dot-ignore.txt",
];

const RULES = {
  "ws/.git/HEAD": "ref: needle\n",
  "ws/.git/info/exclude": "# needle\nexcluded.txt\n",
  // Negation, a directory pattern, an anchored pattern, a pattern with a slash.
  "ws/.gitignore": "# needle\n*.log\n!keep.log\nbuild/\n/top-only.txt\ndocs/*.tmp\n",
  // .ignore wins over the git files, and its negation brings back a hidden file.
  "ws/.ignore": "# needle\nby-dot-ignore.txt\n!.env\n",
  // A deeper file overrides a shallower one.
  "ws/sub/.gitignore": "# needle\n!a.log\nlocal.txt\n",
  "ws/sub/deeper/.gitignore": "# needle\n*.txt\n!keep.txt\n",
};

/** What `rg --files` lists in that tree (ripgrep 13), by flag. */
const EXPECTED: Record<string, string[]> = {
  default: [
    ".env",
    "a.txt",
    "docs/deep/x.tmp",
    "keep.log",
    // A nested repository starts over: the outer .gitignore's *.log stops at its .git ...
    "nested/a.log",
    "sub/a.log",
    "sub/build",
    "sub/deeper/keep.txt",
    "sub/deeper/y.md",
    "sub/top-only.txt",
  ],
  hidden: [
    ".env",
    ".git/HEAD",
    ".git/info/exclude",
    ".gitignore",
    ".hidden/file.txt",
    ".ignore",
    "a.txt",
    "docs/deep/x.tmp",
    "keep.log",
    "nested/a.log",
    "sub/.gitignore",
    "sub/a.log",
    "sub/build",
    "sub/deeper/.gitignore",
    "sub/deeper/keep.txt",
    "sub/deeper/y.md",
    "sub/top-only.txt",
  ],
  no_ignore: [
    "a.log",
    "a.txt",
    "build/out.txt",
    "by-dot-ignore.txt",
    "docs/deep/x.tmp",
    "docs/x.tmp",
    "excluded.txt",
    "keep.log",
    "nested/a.log",
    "nested/by-dot-ignore.txt",
    "sub/a.log",
    "sub/b.log",
    "sub/build",
    "sub/deeper/keep.txt",
    "sub/deeper/x.txt",
    "sub/deeper/y.md",
    "sub/local.txt",
    "sub/top-only.txt",
    "top-only.txt",
  ],
};

const FLAGS: Record<string, { args: Record<string, boolean>; rg: string[] }> = {
  default: { args: {}, rg: [] },
  hidden: { args: { hidden: true }, rg: ["--hidden"] },
  no_ignore: { args: { no_ignore: true }, rg: ["--no-ignore"] },
};

async function repository() {
  const tree: Record<string, string> = { ...RULES };
  for (const file of FILES) tree[`ws/${file}`] = `needle in ${file}\n`;
  const box = await sandbox(tree);
  // ... and (an ancestor's .ignore still counts there).
  await Deno.mkdir(join(box.ws, "nested", ".git"));
  return box;
}

/** The files find lists for `**` (directories end in `/` and are left out). */
async function foundFiles(box: Awaited<ReturnType<typeof repository>>, args = {}, path = ".") {
  const output = okOutput(await findTool.run({ pattern: "**", path, ...args }, box.ctx()));
  return output.split("\n").filter((line) => !line.endsWith("/"));
}

/** The files grep searched, from its `path:line: text` matches. */
async function grepFiles(box: Awaited<ReturnType<typeof repository>>, args = {}, path = ".") {
  const output = okOutput(
    await grepTool.run({ pattern: "needle", path, max_results: 1000, ...args }, box.ctx()),
  );
  return output.split("\n").map((line) => line.slice(0, line.indexOf(":"))).sort();
}

Deno.test("find and grep leave out what the ignore files and hidden names say, as ripgrep does", async () => {
  await using box = await repository();
  for (const [flag, { args }] of Object.entries(FLAGS)) {
    assert.deepEqual(await foundFiles(box, args), EXPECTED[flag], `find, ${flag}`);
    assert.deepEqual(await grepFiles(box, args), EXPECTED[flag], `grep, ${flag}`);
  }
});

Deno.test("a search below the root still applies the ignore files above it", async () => {
  await using box = await repository();
  const expected = [
    "sub/a.log",
    "sub/build",
    "sub/deeper/keep.txt",
    "sub/deeper/y.md",
    "sub/top-only.txt",
  ];
  assert.deepEqual(await foundFiles(box, {}, "sub"), expected);
  assert.deepEqual(await grepFiles(box, {}, "sub"), expected);
  // A folder the rules leave out is still searched when it is asked for by name.
  assert.deepEqual(await grepFiles(box, {}, "build"), ["build/out.txt"]);
});

Deno.test("without a repository, .gitignore files are not read (but .ignore is)", async () => {
  await using box = await sandbox({
    "ws/.gitignore": "# needle\n*.log\n",
    "ws/.ignore": "*.tmp\n",
    "ws/a.log": "needle\n",
    "ws/b.tmp": "needle\n",
    "ws/c.txt": "needle\n",
  });
  const output = okOutput(await findTool.run({ pattern: "**" }, box.ctx()));
  assert.equal(output, "a.log\nc.txt");
});

const HAVE_RG = await new Deno.Command("rg", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((out) => out.success, () => false);

Deno.test({
  name: "the file set equals rg --files on the same tree (ignored where rg is not installed)",
  ignore: !HAVE_RG,
  fn: async () => {
    await using box = await repository();
    for (const [flag, { args, rg: rgFlags }] of Object.entries(FLAGS)) {
      // HOME points nowhere, so no global git configuration or ignore file takes part.
      const out = await new Deno.Command("rg", {
        args: ["--files", ...rgFlags],
        cwd: box.ws,
        env: { HOME: join(box.root, "no-home"), XDG_CONFIG_HOME: join(box.root, "no-config") },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const listed = new TextDecoder().decode(out.stdout).split("\n").filter(Boolean).sort();
      const what = `rg --files ${rgFlags.join(" ")} (${flag})`;
      assert.deepEqual(await foundFiles(box, args), listed, `find vs ${what}`);
      assert.deepEqual(await grepFiles(box, args), listed, `grep vs ${what}`);
    }
  },
});
