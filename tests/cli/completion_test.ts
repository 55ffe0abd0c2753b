/**
 * `pixir completion`, each script run by its real shell: bash's function called as bash calls it
 * on Tab (COMP_WORDS/COMP_CWORD set, COMPREPLY read back); fish asked with `complete -C` with the
 * script installed in its completions folder; zsh driven in a tmux pane, the script installed on
 * `$fpath` with compinit, keys typed and Tab pressed, the line and the listing read back.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { denoDir, pixirArgv } from "../harness/cli.ts";
import { quote } from "../harness/shell_quote.ts";
import { startPane } from "../harness/tmux.ts";
import { hintedSessionId, type Sandbox, sandbox } from "./helpers.ts";
import { EFFORTS } from "../../src/provider/request.ts";
import { MODEL_TABLE } from "../../src/provider/models.ts";

/**
 * A bash with the completion loaded and `pixir` on PATH (running this checkout in the sandbox),
 * that completes each line and prints `line → candidates`, after `complete -p pixir`.
 */
async function completeInBash(box: Sandbox, lines: readonly string[]): Promise<string> {
  const script = await box.run(["completion", "bash"]);
  assert.equal(script.code, 0, script.stderr);
  const scriptFile = join(box.root, "pixir.bash");
  await Deno.writeTextFile(scriptFile, script.stdout);
  const calls = lines.map((line) => {
    // A trailing space means the word being completed is empty.
    const words = line.split(" ");
    return `COMP_WORDS=(${words.map(quote).join(" ")}); COMP_CWORD=${words.length - 1}; ` +
      `_pixir; echo ${quote(line)} "→" "\${COMPREPLY[*]}"`;
  });
  const { code, stdout, stderr } = await new Deno.Command("bash", {
    args: [
      "--norc",
      "--noprofile",
      "-c",
      [`source ${quote(scriptFile)}`, "complete -p pixir", ...calls].join("\n"),
    ],
    cwd: box.workspace,
    clearEnv: true,
    env: await pixirOnPath(box),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return text;
}

/** The candidates bash offered for `line`. */
function offered(output: string, line: string): string[] {
  const found = output.split("\n").find((row) => row.startsWith(`${line} → `));
  assert.ok(found !== undefined, `no completion of "${line}" in:\n${output}`);
  return found.slice(line.length + 3).split(" ").filter((word) => word !== "");
}

Deno.test("bash completes commands, flags, flag values and session ids", async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.workspace, "subdir"));
  const [first, second] = await twoSessions(box);

  const lines = [
    "pixir ru",
    "pixir ",
    "pixir run --eff",
    "pixir run --effort ",
    "pixir run --effort h",
    "pixir chat -m gpt-5.4",
    "pixir run --auth ",
    "pixir export --format ",
    "pixir export ",
    "pixir resume " + first.slice(0, 8),
    "pixir chat --resume ",
    "pixir run --cwd sub",
    "pixir run --output-sch",
    "pixir completion ",
    "pixir help us",
  ];
  const output = await completeInBash(box, lines);

  assert.match(output, /^complete -F _pixir pixir$/m);
  assert.deepEqual(offered(output, "pixir ru"), ["run"]);
  assert.ok(offered(output, "pixir ").includes("completion"));
  assert.ok(!offered(output, "pixir ").includes("__session-ids"), "the hidden command is hidden");
  assert.deepEqual(offered(output, "pixir run --eff"), ["--effort"]);
  assert.deepEqual(offered(output, "pixir run --effort "), [...EFFORTS]);
  assert.deepEqual(offered(output, "pixir run --effort h"), ["high"]);
  assert.deepEqual(
    offered(output, "pixir chat -m gpt-5.4"),
    MODEL_TABLE.map((m) => m.slug).filter((slug) => slug.startsWith("gpt-5.4")),
  );
  assert.deepEqual(offered(output, "pixir run --auth "), ["subscription", "api-key"]);
  assert.deepEqual(offered(output, "pixir export --format "), ["md", "json"]);
  assert.deepEqual(offered(output, "pixir export "), [second, first], "newest first");
  assert.deepEqual(
    offered(output, "pixir resume " + first.slice(0, 8)).sort(),
    [first, second].sort(),
  );
  assert.deepEqual(offered(output, "pixir chat --resume "), [second, first]);
  assert.deepEqual(offered(output, "pixir run --cwd sub"), ["subdir"]);
  assert.deepEqual(offered(output, "pixir run --output-sch"), ["--output-schema"]);
  assert.deepEqual(offered(output, "pixir completion "), ["bash", "zsh", "fish"]);
  assert.deepEqual(offered(output, "pixir help us"), ["usage"]);
});

/** Whether `shell` can be run here. */
async function installed(shell: string): Promise<boolean> {
  try {
    const out = await new Deno.Command(shell, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

/**
 * Whether the test of `shell` is left out: only where the shell is missing on a user's machine.
 * CI installs both shells (`.ci/run`), so there a missing shell fails the test instead.
 */
async function skipWithout(shell: string): Promise<boolean> {
  return !await installed(shell) && Deno.env.get("CI") === undefined;
}

const ZSH_SKIPPED = await skipWithout("zsh");
const FISH_SKIPPED = await skipWithout("fish");

/** A `pixir` on PATH that runs this checkout, and the variables a shell completing it needs. */
async function pixirOnPath(box: Sandbox): Promise<Record<string, string>> {
  const bin = join(box.root, "bin");
  await Deno.mkdir(bin, { recursive: true });
  await Deno.writeTextFile(
    join(bin, "pixir"),
    `#!/bin/sh\nexec ${pixirArgv([]).map(quote).join(" ")} "$@"\n`,
    { mode: 0o755 },
  );
  return {
    PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`,
    HOME: box.root,
    PIXIR_HOME: box.home,
    DENO_DIR: await denoDir(),
    DENO_NO_UPDATE_CHECK: "1",
  };
}

/** Two sessions in the sandbox, oldest first (ids carry their second: made one second apart, so the order is certain). */
async function twoSessions(box: Sandbox): Promise<[string, string]> {
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("one") }, { sse: textAnswer("two", { responseId: "resp_2" }) }],
  });
  const first = hintedSessionId((await box.run(["run", "first"], { server })).stderr);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const second = hintedSessionId((await box.run(["run", "second"], { server })).stderr);
  return [first, second];
}

Deno.test({
  name: `fish completes commands, flags, flag values and session ids${
    FISH_SKIPPED ? " (skipped: fish is not installed)" : ""
  }`,
  ignore: FISH_SKIPPED,
}, async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.workspace, "subdir"));
  const [first, second] = await twoSessions(box);
  const env = await pixirOnPath(box);
  // Installed where the README says fish looks for it.
  const folder = join(box.root, ".config", "fish", "completions");
  await Deno.mkdir(folder, { recursive: true });
  const script = await box.run(["completion", "fish"]);
  assert.equal(script.code, 0, script.stderr);
  await Deno.writeTextFile(join(folder, "pixir.fish"), script.stdout);

  const lines = [
    "pixir ru",
    "pixir run --eff",
    "pixir run --effort ",
    "pixir chat -m gpt-5.4",
    "pixir run --auth ",
    "pixir export --format ",
    "pixir export ",
    "pixir run --cwd sub",
    "pixir run --output-sch",
    "pixir review --fail-on ",
    "pixir completion ",
  ];
  // `complete -C LINE` prints what Tab would offer for LINE, one candidate a line.
  const commands = lines.map((line) =>
    `echo ${quote(`>> ${line}`)}; complete -C ${quote(line)} | cut -f1`
  );
  const { code, stdout, stderr } = await new Deno.Command("fish", {
    // No --no-config: the script must be found in the completions folder, as installed.
    args: ["-c", commands.join("; ")],
    cwd: box.workspace,
    clearEnv: true,
    env: { ...env, XDG_CONFIG_HOME: join(box.root, ".config") },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  const output = new TextDecoder().decode(stdout);
  const offers = (line: string) => {
    const block = output.split(`>> ${line}\n`)[1];
    assert.ok(block !== undefined, `no completion of "${line}" in:\n${output}`);
    return block.split("\n>> ")[0].split("\n").filter((word) => word !== "");
  };
  assert.deepEqual(offers("pixir ru"), ["run"]);
  assert.deepEqual(offers("pixir run --eff"), ["--effort"]);
  assert.deepEqual(offers("pixir run --effort ").sort(), [...EFFORTS].sort());
  assert.deepEqual(
    offers("pixir chat -m gpt-5.4").sort(),
    MODEL_TABLE.map((m) => m.slug).filter((slug) => slug.startsWith("gpt-5.4")).sort(),
  );
  assert.deepEqual(offers("pixir run --auth ").sort(), ["api-key", "subscription"]);
  assert.deepEqual(offers("pixir export --format ").sort(), ["json", "md"]);
  assert.deepEqual(offers("pixir export ").sort(), [first, second].sort());
  assert.deepEqual(offers("pixir run --cwd sub"), ["subdir/"]);
  assert.deepEqual(offers("pixir run --output-sch"), ["--output-schema"]);
  assert.deepEqual(offers("pixir review --fail-on ").sort(), ["critical", "high", "low", "medium"]);
  assert.deepEqual(offers("pixir completion ").sort(), ["bash", "fish", "zsh"]);
});

Deno.test({
  name: `zsh completes commands, flags, flag values and session ids on Tab${
    ZSH_SKIPPED ? " (skipped: zsh is not installed)" : ""
  }`,
  ignore: ZSH_SKIPPED,
}, async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.workspace, "subdir"));
  const [first, second] = await twoSessions(box);
  const env = await pixirOnPath(box);
  // Installed as the README says: the script as `_pixir` in a folder on $fpath, then compinit.
  const functions = join(box.root, "zfunc");
  await Deno.mkdir(functions);
  const script = await box.run(["completion", "zsh"]);
  assert.equal(script.code, 0, script.stderr);
  await Deno.writeTextFile(join(functions, "_pixir"), script.stdout);
  await Deno.writeTextFile(
    join(box.root, ".zshrc"),
    `fpath=(${quote(functions)} $fpath)\nautoload -U compinit && compinit -u -d ${
      quote(join(box.root, ".zcompdump"))
    }\nPS1='%% '\n# The list shows on the first Tab even when a common start is inserted too.\nunsetopt list_ambiguous\n`,
  );
  await using pane = await startPane({
    command: ["zsh", "-i"],
    cwd: box.workspace,
    columns: 200,
    rows: 30,
    env: { ...env, ZDOTDIR: box.root, TERM: "screen-256color" },
  });
  const prompt = (screen: string) => screen.split("\n").at(-1) === "%";
  await pane.waitFor(prompt);

  /** Types `line`, presses Tab, and returns the screen once it satisfies `done`. */
  const tab = async (line: string, done: (screen: string) => boolean) => {
    await pane.type(line);
    await pane.press("Tab");
    // Wide margins: some completions start pixir, slow on a loaded machine.
    const screen = await pane.waitFor(done, 40_000);
    // A fresh, empty screen for the next line.
    await pane.press("C-u", "C-l");
    await pane.waitFor((s) => s.trim() === "%");
    return screen;
  };
  // The pane's lines lose their trailing spaces.
  const lineIs = (text: string) => (screen: string) =>
    screen.split("\n")[0] === `% ${text}`.trimEnd();
  const lists = (...words: string[]) => (screen: string) =>
    words.every((word) =>
      new RegExp(`(^|\\s)${word.replaceAll(".", "\\.")}(\\s|$)`, "m").test(screen)
    );

  await tab("pixir ru", lineIs("pixir run "));
  await tab("pixir run --eff", lineIs("pixir run --effort "));
  const efforts = await tab("pixir run --effort ", lists(...EFFORTS));
  assert.ok(efforts.split("\n").length > 1, "the efforts are listed below the line");
  await tab("pixir run --effort xh", lineIs("pixir run --effort xhigh "));
  await tab("pixir run --auth s", lineIs("pixir run --auth subscription "));
  await tab("pixir export --format j", lineIs("pixir export --format json "));
  await tab("pixir export ", lists(first, second));
  await tab(`pixir resume ${second.slice(0, 17)}`, (s) => s.includes(second));
  await tab("pixir run --cwd sub", lineIs("pixir run --cwd subdir/"));
  await tab("pixir run --output-sch", lineIs("pixir run --output-schema "));
  await tab("pixir review --fail-on cr", lineIs("pixir review --fail-on critical "));
  await tab("pixir completion f", lineIs("pixir completion fish "));
  const models = MODEL_TABLE.map((m) => m.slug).filter((slug) => slug.startsWith("gpt-5.4"));
  await tab("pixir chat -m gpt-5.4", lists(...models));
});

Deno.test("completion without a known shell is exit 2 naming the shells", async () => {
  await using box = await sandbox();
  for (const args of [["completion"], ["completion", "tcsh"], ["completion", "bash", "zsh"]]) {
    const result = await box.run(args);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /completion: give one shell: bash, zsh, fish/);
  }
  const help = await box.run(["help"]);
  assert.match(help.stdout, /completion/);
  assert.doesNotMatch(help.stdout, /__session-ids/);
});
