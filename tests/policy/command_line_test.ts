import assert from "node:assert/strict";
import { parseCommandLine } from "../../src/policy/command_line.ts";

/** The words of each simple command. */
function words(source: string): string[][] {
  return parseCommandLine(source).commands.map((c) => c.words.map((w) => w.text));
}

Deno.test("words are split on blanks, with quotes and escapes removed", () => {
  assert.deepEqual(words(`grep -rn 'a b' "c d" e\\ f`), [["grep", "-rn", "a b", "c d", "e f"]]);
  assert.deepEqual(words(`echo "say \\"hi\\"" 'it''s' a\\$b`), [[
    "echo",
    'say "hi"',
    "its",
    "a$b",
  ]]);
  assert.deepEqual(words("ls \\\n  src"), [["ls", "src"]]);
  assert.deepEqual(parseCommandLine(`echo "a;b|c&d>e"`).hazards, []);
  assert.deepEqual(parseCommandLine(`echo 'a;b|c&d>e'`).connectors, []);
});

Deno.test("control operators split simple commands and are reported", () => {
  const line = parseCommandLine("ls && cat a || echo x; pwd\nwc -l | head");
  assert.deepEqual(line.connectors, ["&&", "||", ";", ";", "|"]);
  assert.deepEqual(line.commands.map((c) => c.words[0].text), [
    "ls",
    "cat",
    "echo",
    "pwd",
    "wc",
    "head",
  ]);
  assert.deepEqual(parseCommandLine("a |& b").connectors, ["|"]);
});

Deno.test("redirections are recorded with their operator and target, which is not a word", () => {
  const cases: Record<string, [string[], string[]]> = {
    "echo x > out": [["echo", "x"], ["> out"]],
    "echo x >>out": [["echo", "x"], [">> out"]],
    "cat < in": [["cat"], ["< in"]],
    "ls 2>&1": [["ls"], ["2>& 1"]],
    "ls &> log": [["ls"], ["&> log"]],
    "ls 2> e": [["ls"], ["2> e"]],
    "ls '2'>e": [["ls", "2"], ["> e"]],
    "ls 2 >e": [["ls", "2"], ["> e"]],
    "cat <<< word": [["cat"], ["<<< word"]],
  };
  for (const [source, [expectedWords, redirects]] of Object.entries(cases)) {
    const [command] = parseCommandLine(source).commands;
    assert.deepEqual(command.words.map((w) => w.text), expectedWords, source);
    assert.deepEqual(command.redirects.map((r) => `${r.op} ${r.target?.text}`), redirects, source);
  }
  assert.deepEqual(parseCommandLine("echo 2").commands[0].redirects, []);
  assert.deepEqual(
    parseCommandLine("cat <<< word").hazards,
    [],
    "a here-string is no here-document",
  );
});

Deno.test("substitution, expansion, subshells, backgrounding and here-documents are hazards", () => {
  const cases: Record<string, string> = {
    "echo $(id)": "substitution",
    "echo `id`": "substitution",
    'echo "$(id)"': "substitution",
    'echo "`id`"': "substitution",
    "cat <(ls)": "substitution",
    "echo $HOME": "expansion",
    'echo "${HOME}"': "expansion",
    "(cd / && ls)": "subshell",
    "sleep 9 &": "background",
    "cat <<EOF": "heredoc",
    "ls # rm -rf x": "comment",
    "echo 'open": "unterminated",
    'echo "open': "unterminated",
  };
  for (const [source, hazard] of Object.entries(cases)) {
    assert.ok(parseCommandLine(source).hazards.includes(hazard as never), `${source}: ${hazard}`);
  }
  assert.deepEqual(
    parseCommandLine("echo '$(id)' a#b").hazards,
    [],
    "quoted and mid-word are text",
  );
});

Deno.test("a word is plain only when bash passes it unchanged", () => {
  const plainness = (source: string) =>
    parseCommandLine(source).commands[0].words.map((w) => [w.text, w.plain]);
  assert.deepEqual(plainness(`ls *.ts '*.md' ~/x a~b src/[ab].ts "?" {a,b} a} ! "!" \\*`), [
    ["ls", true],
    ["*.ts", false],
    ["*.md", true],
    ["~/x", false],
    ["a~b", true],
    ["src/[ab].ts", false],
    ["?", true],
    ["{a,b}", false],
    ["a}", false],
    ["!", false],
    ["!", true],
    ["*", true],
  ]);
  assert.deepEqual(plainness(`cat "a$b" 'a$b' "a\\$b" '\`' "\\\`"`), [
    ["cat", true],
    ["a$b", false],
    ["a$b", true],
    ["a$b", true],
    ["`", true],
    ["`", true],
  ]);
  assert.deepEqual(plainness('cat "`touch x`"'), [["cat", true], ["`touch x`", false]]);
  assert.deepEqual(plainness("{ ls; }"), [["{", false], ["ls", true]]);
  assert.deepEqual(plainness("git diff HEAD~1 a=~ a:~ ~"), [
    ["git", true],
    ["diff", true],
    ["HEAD~1", true],
    ["a=~", false],
    ["a:~", false],
    ["~", false],
  ]);
});

Deno.test("control characters are a hazard, tab and newline are not", () => {
  assert.deepEqual(parseCommandLine("ls\tsrc\nls").hazards, []);
  for (const c of ["\x00", "\x1b", "\r", "\x7f", "\x08"]) {
    assert.deepEqual(
      parseCommandLine(`ls a${c}b`).hazards,
      ["control_character"],
      JSON.stringify(c),
    );
  }
});

Deno.test("a redirection missing its target does not hide the next command's program", () => {
  assert.deepEqual(words("ls > ; rm -rf x"), [["ls"], ["rm", "-rf", "x"]]);
});
