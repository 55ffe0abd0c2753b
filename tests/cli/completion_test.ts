/**
 * `pixir completion`: the bash script is loaded into a real bash and its function called as bash
 * calls it on Tab (COMP_WORDS/COMP_CWORD set, COMPREPLY read back); zsh and fish scripts are
 * checked for what they complete, since neither shell is installed here.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { denoDir, pixirArgv } from "../harness/cli.ts";
import { quote } from "../harness/shell_quote.ts";
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
  const bin = join(box.root, "bin");
  await Deno.mkdir(bin, { recursive: true });
  await Deno.writeTextFile(
    join(bin, "pixir"),
    `#!/bin/sh\nexec ${pixirArgv([]).map(quote).join(" ")} "$@"\n`,
    { mode: 0o755 },
  );
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
    env: {
      PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`,
      HOME: box.root,
      PIXIR_HOME: box.home,
      DENO_DIR: await denoDir(),
      DENO_NO_UPDATE_CHECK: "1",
    },
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
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("one") }, { sse: textAnswer("two", { responseId: "resp_2" }) }],
  });
  const first = hintedSessionId((await box.run(["run", "first"], { server })).stderr);
  // Ids carry the second they were made in: wait for the next one so the order is certain.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const second = hintedSessionId((await box.run(["run", "second"], { server })).stderr);

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

Deno.test("the zsh and fish scripts complete the same commands, flags and values", async () => {
  await using box = await sandbox();
  const zsh = await box.run(["completion", "zsh"]);
  assert.equal(zsh.code, 0, zsh.stderr);
  assert.match(zsh.stdout, /^#compdef pixir\n/);
  assert.match(zsh.stdout, /compdef _pixir pixir/);
  assert.match(zsh.stdout, new RegExp(`--effort\\) compadd -- ${EFFORTS.join(" ")}; return ;;`));
  assert.match(
    zsh.stdout,
    /resume\|export\|undo\|compact\)\n\s+compadd -- \$\{\(f\)"\$\(\$\{words\[1\]\} __session-ids/,
  );
  assert.match(zsh.stdout, /run\) compadd -- .*--output-schema/);

  const fish = await box.run(["completion", "fish"]);
  assert.equal(fish.code, 0, fish.stderr);
  assert.match(fish.stdout, /complete -c pixir -n __fish_use_subcommand -a "chat run resume/);
  assert.match(
    fish.stdout,
    new RegExp(`-n "__fish_seen_subcommand_from run" -l effort -x -a "${EFFORTS.join(" ")}"`),
  );
  assert.match(fish.stdout, /-n "__fish_seen_subcommand_from run" -l model -s m -x -a "gpt-/);
  assert.match(fish.stdout, /-n "__fish_seen_subcommand_from export" -l format -x -a "md json"/);
  assert.match(fish.stdout, /-l output-schema -r -F/);
  assert.match(
    fish.stdout,
    /-n "__fish_seen_subcommand_from resume export undo compact" -a "\(pixir __session-ids 2>\/dev\/null\)"/,
  );
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
