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

Deno.test("redirections are marked and their targets are not words", () => {
  for (
    const source of ["echo x > out", "echo x >>out", "cat < in", "ls 2>&1", "ls &> log", "ls 2> e"]
  ) {
    const [command] = parseCommandLine(source).commands;
    assert.equal(command.redirects, true, source);
    assert.equal(command.words.length, source.startsWith("echo") ? 2 : 1, source);
  }
  assert.equal(parseCommandLine("echo 2").commands[0].redirects, false);
});

Deno.test("substitution, expansion, subshells, backgrounding and here-documents are hazards", () => {
  const cases: Record<string, string> = {
    "echo $(id)": "substitution",
    "echo `id`": "substitution",
    'echo "$(id)"': "substitution",
    "cat <(ls)": "substitution",
    "echo $HOME": "expansion",
    'echo "${HOME}"': "expansion",
    "(cd / && ls)": "subshell",
    "{ ls; }": "subshell",
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

Deno.test("unquoted glob characters and a leading tilde mark a word as a pattern", () => {
  const [command] = parseCommandLine(`ls *.ts '*.md' ~/x a~b src/[ab].ts "?"`).commands;
  assert.deepEqual(command.words.map((w) => w.pattern), [
    false,
    true,
    false,
    true,
    false,
    true,
    false,
  ]);
});

Deno.test("a redirection missing its target does not hide the next command's program", () => {
  assert.deepEqual(words("ls > ; rm -rf x"), [["ls"], ["rm", "-rf", "x"]]);
});
