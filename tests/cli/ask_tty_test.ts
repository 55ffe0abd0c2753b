// deno-lint-ignore-file no-console
/**
 * The interactive approval at a real terminal: Pixir runs in a pseudo-terminal made by `script`,
 * and the test answers its questions as a person would.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { KEYS_PROMPT } from "../../src/ui/terminal_ask.ts";
import { type ResponsesServer, startResponsesServer } from "../fakes/responses_server.ts";
import { denoDir, pixirArgv } from "../harness/cli.ts";
import { API_KEY, hintedSessionId, inputOf, type Sandbox, sandbox } from "./helpers.ts";

const REASON = "reason for the model (optional, Enter to skip): ";

/** Text typed once the screen shows `after` as often as the steps so far expect it. */
interface Step {
  after: string;
  send: string;
}

function bash(command: string, callId: string) {
  return { sse: toolCallAnswer({ name: "bash", arguments: JSON.stringify({ command }), callId }) };
}

/** Single-quotes a word for `script -c`, which hands the line to a shell. */
function quote(word: string): string {
  return `'${word.replaceAll("'", `'"'"'`)}'`;
}

async function hasScript(): Promise<boolean> {
  try {
    return (await new Deno.Command("script", { args: ["--version"], stdout: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

/**
 * Runs `pixir <args>` in a pseudo-terminal in the sandbox against `server`, typing each step's
 * text once its prompt has appeared; the screen is everything the terminal received.
 */
async function runAtTerminal(
  box: Sandbox,
  server: ResponsesServer,
  args: readonly string[],
  steps: readonly Step[],
): Promise<{ status: Deno.CommandStatus; screen: string }> {
  const line = pixirArgv(args).map(quote).join(" ");
  const child = new Deno.Command("script", {
    args: ["-qefc", line, "/dev/null"],
    cwd: box.workspace,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: box.root,
      PIXIR_HOME: box.home,
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: API_KEY,
      DENO_DIR: await denoDir(),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      TERM: "dumb",
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  let screen = "";
  let done = 0;
  const shown = (prompt: string) => screen.split(prompt).length - 1;
  const expected = (index: number) =>
    steps.slice(0, index + 1).filter((step) => step.after === steps[index].after).length;
  const timeout = setTimeout(() => child.kill("SIGKILL"), 60_000);
  for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
    screen += text;
    while (done < steps.length && shown(steps[done].after) >= expected(done)) {
      await writer.write(new TextEncoder().encode(steps[done++].send));
    }
  }
  const status = await child.status;
  clearTimeout(timeout);
  await writer.close().catch(() => {});
  return { status, screen };
}

Deno.test("at a terminal: always saves the whole argv, a saved prefix is not asked again, no passes the reason", async () => {
  if (Deno.build.os !== "linux" || !(await hasScript())) {
    console.log("skipped: needs util-linux `script` to make a pseudo-terminal");
    return;
  }
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      bash("touch one.txt", "c1"),
      bash("touch one.txt two.txt", "c2"),
      bash("rm one.txt", "c3"),
      { sse: textAnswer("Done.") },
    ],
  });
  // Single keys, no Enter: the run must answer on the key itself.
  const { status, screen } = await runAtTerminal(box, server, ["run", "make and remove files"], [
    { after: KEYS_PROMPT, send: "a" },
    { after: KEYS_PROMPT, send: "n" },
    { after: REASON, send: "keep it\n" },
  ]);
  assert.equal(status.code, 0, screen);
  assert.equal(screen.split(KEYS_PROMPT).length - 1, 2, "asked for touch once and for rm once");
  assert.match(screen, /pixir wants to run a shell command:\r?\n {2}touch one\.txt/);
  assert.ok((await Deno.stat(join(box.workspace, "two.txt"))).isFile);
  assert.ok((await Deno.stat(join(box.workspace, "one.txt"))).isFile, "rm was refused");

  const saved = JSON.parse(await Deno.readTextFile(join(box.home, "permissions.json")));
  assert.deepEqual(saved.workspaces[box.workspace].always, ["touch one.txt"]);
  assert.match(screen, /always = allow commands starting with "touch one\.txt" in this workspace/);

  const refusal = inputOf(server.requests[3]).find((i) =>
    i.type === "function_call_output" && i.call_id === "c3"
  );
  assert.match(String(refusal?.output), /declined.*Their reason: keep it/);

  const log = await box.log(hintedSessionId(screen.replaceAll("\r", "")));
  const decisions = log.flatMap((e) =>
    e.type === "permission_decision"
      ? [[e.data.call_id, e.data.decision, e.data.source, e.data.scope ?? "-"]]
      : []
  );
  assert.deepEqual(decisions, [
    ["c1", "allow", "user", "always"],
    ["c2", "allow", "rule", "-"],
    ["c3", "deny", "user", "-"],
  ]);
});

Deno.test("at a terminal: the question shows each rule always saves; rm -rf important is asked again", async () => {
  if (Deno.build.os !== "linux" || !(await hasScript())) {
    console.log("skipped: needs util-linux `script` to make a pseudo-terminal");
    return;
  }
  await using box = await sandbox();
  await Deno.mkdir(join(box.workspace, "important"));
  await using server = startResponsesServer({
    script: [
      bash("rm -rf build && mkdir build && echo done > build/out.log", "c1"),
      bash("rm -rf important", "c2"),
      { sse: textAnswer("Done.") },
    ],
  });
  const { status, screen } = await runAtTerminal(box, server, ["run", "rebuild"], [
    { after: KEYS_PROMPT, send: "a" },
    { after: KEYS_PROMPT, send: "n" },
    { after: REASON, send: "\n" },
  ]);
  assert.equal(status.code, 0, screen);
  assert.match(
    screen,
    /always = allow commands starting with "rm -rf build", "mkdir build", "echo done > build\/out\.log"/,
  );
  assert.equal(screen.split(KEYS_PROMPT).length - 1, 2, "rm -rf important was asked about");
  assert.ok((await Deno.stat(join(box.workspace, "important"))).isDirectory);
  assert.equal(await Deno.readTextFile(join(box.workspace, "build", "out.log")), "done\n");
});

Deno.test("at a terminal: a command hiding itself with escapes is shown whole, the escapes visible", async () => {
  if (Deno.build.os !== "linux" || !(await hasScript())) {
    console.log("skipped: needs util-linux `script` to make a pseudo-terminal");
    return;
  }
  await using box = await sandbox();
  // Shown raw, ESC[2K ESC[1G would erase the line and leave only "  ls -la" on the screen.
  const hostile = "touch pwned # \x1b[2K\x1b[1G  ls -la";
  await using server = startResponsesServer({
    script: [bash(hostile, "c1"), { sse: textAnswer("Done.") }],
  });
  const { status, screen } = await runAtTerminal(box, server, ["run", "list files"], [
    { after: KEYS_PROMPT, send: "\x1b" },
  ]);

  assert.equal(status.code, 0, screen);
  assert.match(
    screen,
    /pixir wants to run a shell command:\r?\n {2}touch pwned # \^\[\[2K\^\[\[1G {2}ls -la\r?\n/,
  );
  assert.ok(!screen.includes("\x1b[2K"), "the erase-line sequence reached the terminal");
  await assert.rejects(Deno.stat(join(box.workspace, "pwned")), Deno.errors.NotFound);
});
