import assert from "node:assert/strict";
import { parseCommandLine } from "../../src/policy/command_line.ts";
import { unsafeReason } from "../../src/policy/safe_list.ts";

function reason(source: string): string | null {
  const { commands } = parseCommandLine(source);
  assert.equal(commands.length, 1, source);
  return unsafeReason(commands[0]);
}

Deno.test("read-only programs with ordinary arguments are safe", () => {
  for (
    const source of [
      "ls -la src",
      "cat README.md",
      "head -n 5 a.txt",
      "tail -n 20 log.txt",
      "wc -l src/*.ts",
      "grep -rn 'TODO' src",
      "rg --hidden foo",
      "find . -name '*.ts' -type f",
      "git status --short",
      "git diff HEAD~1",
      "git log --oneline -n 5",
      "git show HEAD:README.md",
      "pwd",
      "echo hello world",
    ]
  ) {
    assert.equal(reason(source), null, source);
  }
});

Deno.test("programs off the list, and writing or executing options, are not safe", () => {
  const cases: Record<string, RegExp> = {
    "rm -rf build": /rm is not on the safe list/,
    "python3 x.py": /not on the safe list/,
    "find . -delete": /-delete/,
    "find . -exec rm {} ;": /-exec/,
    "find . -fprint out": /-fprint/,
    "rg --pre ./evil foo": /--pre/,
    "rg --pre=./evil foo": /--pre/,
    "rg -iz foo": /-z/,
    "git push": /git push is not on the safe list/,
    "git -c core.pager=evil log": /global options/,
    "git -C sub status": /global options/,
    "git -C /elsewhere status": /outside the workspace/,
    "git --exec-path=bin status": /global options/,
    "git diff --output=patch.txt": /--output/,
    "git log --ext-diff": /--ext-diff/,
    "git": /without a subcommand/,
    "FOO=1 ls": /assignment/,
    "echo x > out.txt": /redirects/,
    "cat < /etc/passwd": /redirects/,
  };
  for (const [source, expected] of Object.entries(cases)) {
    assert.match(reason(source) ?? "safe", expected, source);
  }
});

Deno.test("arguments that may point outside the workspace are not safe", () => {
  for (
    const source of [
      "cat /etc/passwd",
      "cat ~/.config/pixir/auth.json",
      "cat ../secret",
      "cat src/../../secret",
      "grep -f/etc/passwd x",
      "grep --file=/etc/passwd x",
      "ls .*",
      "cat [.]*/x",
    ]
  ) {
    assert.match(reason(source) ?? "safe", /outside the workspace/, source);
  }
  assert.equal(reason("cat '.hidden'"), null, "a quoted dot name is a plain file name");
});
