/**
 * The lexer against real bash: whenever the lexer claims a line is one simple command of plain
 * words (what it would run without a shell), bash's own expansion of that line must give exactly
 * those words. Lines are generated from the characters bash treats specially, plus hostile ones.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { isPlain, parseCommandLine } from "../../src/policy/command_line.ts";
import { hardenedGit } from "../../src/policy/git_hardening.ts";
import { safeInvocation, unsafeLine } from "../../src/policy/safe_list.ts";

/** A folder where globs, braces and tildes would find something to expand to. */
async function scratch(): Promise<{ dir: string; home: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "pixir-differential-" });
  const home = join(dir, "home");
  for (const name of ["a", "b", "ab", ".hidden", "x{y", "c d", "-x", "id"]) {
    await Deno.writeTextFile(join(dir, name), "");
  }
  await Deno.mkdir(join(dir, "sub"));
  await Deno.mkdir(home);
  return { dir, home, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}

/** The words bash passes to a program for `line`, or null when bash fails on it. */
async function bashWords(line: string, dir: string, home: string): Promise<string[] | null> {
  const text = await bashOutput(`printf '%s\\0' ${line}`, dir, home);
  if (text === null) return null;
  return text === "" ? [] : text.slice(0, -1).split("\0");
}

/**
 * The words of many lines from one bash process (each line, then a marker word); the lines must
 * be ones the lexer calls plain single commands, so a wrong claim shows up as a mismatch.
 */
async function bashWordsOfAll(lines: readonly string[], dir: string, home: string) {
  const script = lines.map((line) => `printf '%s\\0' ${line}\nprintf '\\1\\0'\n`).join("");
  const text = await bashOutput(script, dir, home);
  if (text === null) return null;
  return text.split("\x01\0").slice(0, -1).map((part) =>
    part === "" ? [] : part.slice(0, -1).split("\0")
  );
}

/** What `script` prints under bash in `dir`, or null when bash fails. */
async function bashOutput(script: string, dir: string, home: string): Promise<string | null> {
  const output = await new Deno.Command("bash", {
    args: ["--norc", "--noprofile", "-c", script],
    cwd: dir,
    clearEnv: true,
    env: { HOME: home, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
    signal: AbortSignal.timeout(5000),
  }).output();
  if (!output.success) return null;
  return new TextDecoder().decode(output.stdout);
}

/** The argv the lexer claims bash would run, or null when it makes no such claim. */
function claimedWords(line: string): string[] | null {
  const parsed = parseCommandLine(line);
  if (parsed.hazards.length > 0 || parsed.commands.length !== 1) return null;
  const [command] = parsed.commands;
  if (parsed.connectors.length > 0 || command.redirects.length > 0 || !isPlain(command)) {
    return null;
  }
  return command.words.map((w) => w.text);
}

/** A small seeded generator, so a failure names a line that reproduces. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "a",
  "b",
  "ab",
  "x",
  "-x",
  "..",
  "/",
  ".",
  "=",
  ":",
  ",",
  "%",
  "^",
  "é",
  "HEAD~1",
  "a~",
  "a#",
  " ",
  " ",
  " ",
  "\t",
  "\n",
  "'",
  "'",
  '"',
  '"',
  "\\",
  "\\",
  "$",
  "`",
  "{",
  "}",
  "{a,b}",
  "{a..b}",
  "*",
  "?",
  "[",
  "]",
  "[ab]",
  "~",
  "!",
  "#",
  "&",
  "|",
  ";",
  "<",
  ">",
  "(",
  ")",
  "id",
  "$'x'",
];

/** Quoted and escaped forms of the special characters: what a plain word may legitimately hold. */
const QUOTED = [
  "'*'",
  '"{a,b}"',
  "\\*",
  '"~"',
  "'$x'",
  '"a b"',
  "\\{",
  "\\~",
  '"\\$"',
  '"\\\\"',
  "'\\'",
  '"!"',
  "\\!",
  '"#"',
  "\\#",
  "'\"'",
  '"\'"',
  '"\\`"',
  "\\ ",
  "'\n'",
  '"a\\\nb"',
  "\\\n",
  '"\\x"',
  "\\\\",
  "\\'",
  '""',
  "''",
  "\\;",
  "'&&'",
  '"|"',
  "\\>",
  "'<'",
  "2\\>x",
  '"2">x',
];

Deno.test("generated lines: whenever the lexer claims plain words, bash expands to exactly them", {
  sanitizeResources: true,
}, async () => {
  await using box = await scratch();
  const random = generator(20261205);
  const claims: { line: string; claimed: string[] }[] = [];
  const lines = 3000;
  const pick = (list: readonly string[]) => list[Math.floor(random() * list.length)];
  for (let n = 0; n < lines; n++) {
    const length = 1 + Math.floor(random() * 8);
    let line = "";
    // Every other line mixes in quoted specials, so plain claims are frequent and varied.
    for (let k = 0; k < length; k++) {
      line += n % 2 === 0 ? pick(PIECES) : pick(random() < 0.5 ? QUOTED : ["a", " ", "b", "-x"]);
    }
    const claimed = claimedWords(line);
    if (claimed !== null) claims.push({ line, claimed });
  }
  // A line ending in a backslash would join the next one in a script: those run on their own.
  const alone = claims.filter((c) => c.line.endsWith("\\"));
  const batched = claims.filter((c) => !c.line.endsWith("\\"));
  for (const { line, claimed } of alone) {
    assert.deepEqual(claimed, await bashWords(line, box.dir, box.home), JSON.stringify(line));
  }
  const all = await bashWordsOfAll(batched.map((c) => c.line), box.dir, box.home);
  const agrees = all !== null && all.length === batched.length &&
    batched.every((c, i) => JSON.stringify(c.claimed) === JSON.stringify(all[i]));
  if (!agrees) {
    // Line by line, to name the one that differs.
    for (const { line, claimed } of batched) {
      assert.deepEqual(claimed, await bashWords(line, box.dir, box.home), JSON.stringify(line));
    }
    assert.fail("bash disagreed on the batch but on no single line");
  }
  // The property must have been exercised, not vacuously true.
  assert.ok(claims.length >= 300, `only ${claims.length} of ${lines} lines made a claim`);
});

/** Lines written to slip something past a judge that looks at words before bash expands them. */
const HOSTILE = [
  `find . -maxdepth 0 {-exec,bash,-c,"id",\\;}`,
  "cat {..,.}/outside/secret.txt",
  "git diff {--output,f}",
  'cat "`touch x`"',
  "cat `touch x`",
  'cat "$(touch x)"',
  "cat $HOME/x",
  "cat ${HOME}",
  "cat $'\\x2e\\x2e/secret'",
  'cat $"x"',
  "cat ~/secret",
  "cat ~root/x",
  "git diff a=~/x",
  "ls .*",
  "cat [.][.]/secret",
  "cat ?",
  "cat *",
  "ls !(x)",
  "! cat x",
  "FOO=1 cat x",
  "ls > out",
  "ls 2>err",
  "cat <(id)",
  "ls >(id)",
  "ls | id",
  "ls && id",
  "ls; id",
  "ls\nid",
  "ls & id",
  "(ls)",
  "{ ls; }",
  "ls # hidden",
  "cat <<EOF\nx\nEOF",
  "ls \\\n{a,b}",
  "cat a\x00b",
  "ls \x1b[2K\x1b[1G",
  "echo $((1+1))",
  "cat 'unterminated",
  "cat {a,b",
];

Deno.test("hostile lines are never safe, and any plain-word claim about them matches bash", async () => {
  await using box = await scratch();
  for (const line of HOSTILE) {
    assert.notEqual(unsafeLine(parseCommandLine(line)), null, `safe: ${JSON.stringify(line)}`);
    assert.equal(safeInvocation(parseCommandLine(line)), null, JSON.stringify(line));
    const claimed = claimedWords(line);
    if (claimed === null || line.includes("\x00")) continue;
    assert.deepEqual(claimed, await bashWords(line, box.dir, box.home), JSON.stringify(line));
  }
});

Deno.test("safe lines run exactly the words bash would have passed", async () => {
  await using box = await scratch();
  const safe = [
    "ls -la sub",
    "cat 'c d'",
    'cat "c d" a\\ b',
    "grep -rn 'TODO|FIXME' .",
    "find . -name '*.ts' -type f",
    "git diff HEAD~1",
    "git log --format='%h %s' -n 3",
    "echo 'it''s' \"a\\\"b\" x\\$y",
    "cat ''",
    "echo a# b",
  ];
  for (const line of safe) {
    const invocation = safeInvocation(parseCommandLine(line));
    assert.ok(invocation !== null, `not safe: ${line}`);
    const bash = await bashWords(line, box.dir, box.home);
    assert.ok(bash !== null, line);
    // git gets Pixir's hardening options around the judged words, nothing else.
    const expected = bash[0] === "git" ? hardenedGit(bash).argv : bash;
    assert.deepEqual(invocation.argv, expected, line);
  }
});
