/**
 * The safe list, one test per check: each case below is caught by exactly one check, so removing
 * that check makes its test fail.
 */

import assert from "node:assert/strict";
import { parseCommandLine } from "../../src/policy/command_line.ts";
import { hardenedGit } from "../../src/policy/git_hardening.ts";
import { safeInvocation, unsafeLine, unsafeReason } from "../../src/policy/safe_list.ts";

function reason(source: string): string | null {
  return unsafeLine(parseCommandLine(source));
}

Deno.test("read-only programs with plain arguments are safe, and run as exactly those words", () => {
  const cases: Record<string, string[]> = {
    "ls -la src": ["ls", "-la", "src"],
    "cat README.md": ["cat", "README.md"],
    "head -n 5 a.txt": ["head", "-n", "5", "a.txt"],
    "tail -n 20 log.txt": ["tail", "-n", "20", "log.txt"],
    "grep -rn 'TODO' src": ["grep", "-rn", "TODO", "src"],
    "rg --hidden foo": ["rg", "--hidden", "foo"],
    "find . -name '*.ts' -type f": ["find", ".", "-name", "*.ts", "-type", "f"],
    "pwd": ["pwd"],
    "echo 'hello world'": ["echo", "hello world"],
    "cat '.hidden'": ["cat", ".hidden"],
    "tree -L 2": ["tree", "-L", "2"],
  };
  for (const [source, argv] of Object.entries(cases)) {
    assert.equal(reason(source), null, source);
    assert.deepEqual(safeInvocation(parseCommandLine(source)), { kind: "argv", argv, env: {} });
  }
});

Deno.test("safe git runs with Pixir's hardening around the judged words", () => {
  for (
    const source of [
      "git status --short",
      "git diff HEAD~1",
      "git log --oneline -n 5",
      "git show HEAD:README.md",
      "git diff --text",
    ]
  ) {
    assert.equal(reason(source), null, source);
    const words = parseCommandLine(source).commands[0].words.map((w) => w.text);
    assert.deepEqual(safeInvocation(parseCommandLine(source)), {
      kind: "argv",
      ...hardenedGit(words),
    });
  }
});

Deno.test("check: a hazard anywhere in the line (even with plain words) is not safe", () => {
  for (const source of ["ls # hidden", "ls &", "(ls)", "ls a\x1bb", "cat 'open"]) {
    assert.match(reason(source) ?? "safe", /it uses/, JSON.stringify(source));
  }
});

Deno.test("check: a word that is not plain is not safe", () => {
  for (
    const source of [
      "cat {a,b}",
      `find . -maxdepth 0 {-exec,bash,-c,"id",\\;}`,
      "git diff {--output,f}",
      "cat *.ts",
      "ls ?",
      "cat [ab]",
      "cat ~/x",
      "cat x=~",
      "ls !",
    ]
  ) {
    assert.match(reason(source) ?? "safe", /not a plain word/, source);
  }
});

Deno.test("check: a backtick or $ inside double quotes is not safe", () => {
  for (const source of ['cat "`touch x`"', 'cat "$(touch x)"', 'cat "$HOME"']) {
    assert.notEqual(reason(source), null, source);
    assert.equal(safeInvocation(parseCommandLine(source)), null, source);
  }
});

Deno.test("check: more than one command is not safe, even when each part is", () => {
  for (const source of ["ls | cat", "ls && pwd", "ls; pwd", "ls\npwd", "ls || pwd"]) {
    assert.match(reason(source) ?? "safe", /more than one command/, source);
  }
});

Deno.test("check: a redirection is not safe", () => {
  for (const source of ["echo x > out.txt", "cat < in", "ls 2>&1", "ls &> log"]) {
    assert.match(reason(source) ?? "safe", /redirects/, source);
  }
});

Deno.test("check: an argument that may point outside the workspace is not safe", () => {
  for (
    const source of [
      "cat /etc/passwd",
      "cat ../secret",
      "cat src/../../secret",
      "grep -f/etc/passwd x",
      "grep --file=/etc/passwd x",
      "cat '~/x'",
    ]
  ) {
    assert.match(reason(source) ?? "safe", /outside the workspace/, source);
  }
});

Deno.test("check: programs off the list are not safe, assignments included", () => {
  for (const source of ["rm -rf build", "python3 x.py", "FOO=1 ls", "'ls'x"]) {
    assert.match(reason(source) ?? "safe", /is not on the safe list/, source);
  }
});

Deno.test("check: options that write files or run programs are not safe", () => {
  const cases: Record<string, RegExp> = {
    "find . -delete": /-delete/,
    "find . -exec rm '{}' ';'": /-exec/,
    "find . -fprint out": /-fprint/,
    "rg --pre ./evil foo": /--pre/,
    "rg --pre=./evil foo": /--pre/,
    "rg -iz foo": /-z/,
    "rg --hostname-bin=./evil x": /--hostname-bin/,
    "tree -R -H .": /-R/,
    "tree -o out": /-o/,
    "git diff --output=patch.txt": /--output/,
    "git log --ext-diff": /--ext-diff/,
    "git show --textconv": /--textconv/,
  };
  for (const [source, expected] of Object.entries(cases)) {
    assert.match(reason(source) ?? "safe", expected, source);
  }
});

Deno.test("check: an abbreviated git option counts as the option it abbreviates", () => {
  for (const source of ["git diff --outp=x", "git log --ext", "git show --textc"]) {
    assert.match(reason(source) ?? "safe", /can write files or run programs/, source);
  }
  assert.equal(reason("git diff --text"), null, "--text is an option of its own");
});

Deno.test("check: git needs a read-only subcommand and no global option", () => {
  const cases: Record<string, RegExp> = {
    "git push": /git push is not on the safe list/,
    "git -c core.pager=evil log": /global options/,
    "git -C sub status": /global options/,
    "git --exec-path=bin status": /global options/,
    "git": /without a subcommand/,
  };
  for (const [source, expected] of Object.entries(cases)) {
    assert.match(reason(source) ?? "safe", expected, source);
  }
});

Deno.test("check: a command without words is not safe", () => {
  assert.equal(unsafeReason({ words: [], redirects: [] }), "it is empty");
});
