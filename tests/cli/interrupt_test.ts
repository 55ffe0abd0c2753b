import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  assistantItem,
  finalResult,
  hintedSessionId,
  inputOf,
  jsonOutput,
  justAfter,
  replayedItem,
  sandbox,
  typesOf,
  userItem,
} from "./helpers.ts";

/** How long an interrupted run may take to exit after the signal. */
const PROMPT_EXIT_MS = 5_000;

/** An answer that stops mid-text and never continues. */
function stalledAnswer() {
  const events = textAnswer("Hello there!", { deltas: ["Hello", " there!"] });
  return { sse: events, end: { stallAfter: justAfter(events, "response.output_text.delta") } };
}

Deno.test("Ctrl+C during a stalled stream is exit 130 and the session stays resumable", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [stalledAnswer(), { sse: textAnswer("Resumed.") }],
  });

  const result = await box.run(["run", "--jsonl", "say hello"], {
    server,
    signalAfter: { signal: "SIGINT", when: (_stderr, stdout) => stdout.includes('"text_delta"') },
    timeoutMs: 20_000,
  });

  assert.equal(result.code, 130, result.stderr);
  const final = finalResult(result.stdout.trim().split("\n").at(-1) ?? "");
  assert.equal(final.error?.kind, "interrupted");
  assert.equal(final.status, "failed");
  // What arrived before Ctrl+C is the answer, and is kept as an interrupted assistant message.
  assert.equal(final.answer, "Hello");
  const id = String(final.session_id);
  const log = await box.log(id);
  assert.deepEqual(log.at(-2)?.data, { model: "gpt-5.5", text: "Hello", interrupted: true });
  const last = log.at(-1);
  assert.equal(last?.type, "interrupted");
  assert.deepEqual(last?.data, { turn: 1, reason: "sigint" });

  const exported = await box.run(["export", id]);
  assert.match(exported.stdout, /## Assistant \(interrupted\)\n\nHello\n/);

  const resumed = await box.run(["resume", id, "go on"], { server });

  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.stdout, "Resumed.\n");
  // The partial answer goes back as what the model said, between the two prompts.
  assert.deepEqual(inputOf(server.requests[1]), [
    userItem("say hello"),
    assistantItem("Hello"),
    userItem("go on"),
  ]);
});

Deno.test("Ctrl+C mid-answer into a pipe prints the text received and says it was interrupted", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [stalledAnswer()] });

  const result = await box.run(["run", "say hello"], {
    server,
    signalAfter: { signal: "SIGINT", when: (_stderr, stdout) => stdout.includes("Hello") },
    timeoutMs: 20_000,
  });

  assert.equal(result.code, 130, result.stderr);
  assert.equal(result.stdout, "Hello\n");
  assert.match(result.stderr, /pixir: interrupted/);
  assert.match(result.stderr, /continue with: pixir resume/);
});

Deno.test("Ctrl+C during a long bash call kills it at once and leaves a resumable log", async () => {
  await using box = await sandbox();
  const pidFile = join(box.workspace, "sleeper.pid");
  // `exec` keeps the pid: the file names the sleeping process itself.
  const command = "echo $$ > sleeper.pid; exec sleep 30";
  const call = toolCallAnswer({
    name: "bash",
    arguments: JSON.stringify({ command }),
    callId: "call_sleep",
  });
  await using server = startResponsesServer({
    script: [{ sse: call }, { sse: textAnswer("Resumed.") }],
  });
  let signalledAt = 0;

  // The command uses `$$`, which only a bare --allow-run lets through.
  const result = await box.run(["run", "--allow-run", "wait a while"], {
    server,
    signalAfter: {
      signal: "SIGINT",
      when: (stderr) => {
        const running = stderr.includes(`→ bash ${command}\n`) && waitForFileSync(pidFile);
        if (running) signalledAt = performance.now();
        return running;
      },
    },
    timeoutMs: 25_000,
  });
  const exitMs = performance.now() - signalledAt;
  const pid = Number(await Deno.readTextFile(pidFile));

  try {
    assert.equal(result.code, 130, result.stderr);
    assert.ok(exitMs < PROMPT_EXIT_MS, `exited ${Math.round(exitMs)} ms after the signal`);
    assert.equal(isRunning(pid), false, "sleep was killed");
  } finally {
    killLeftover(pid);
  }
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /pixir: interrupted/);
  const id = hintedSessionId(result.stderr);
  const log = await box.log(id);
  assert.deepEqual(typesOf(log).slice(-4), [
    "usage",
    "permission_decision",
    "tool_result",
    "interrupted",
  ]);
  const decision = log.at(-3);
  assert.ok(decision?.type === "permission_decision");
  assert.deepEqual(
    [decision.data.call_id, decision.data.decision, decision.data.source],
    ["call_sleep", "allow", "all"],
  );
  const toolResult = log.at(-2);
  assert.ok(toolResult?.type === "tool_result");
  assert.equal(toolResult.data.call_id, "call_sleep");
  assert.equal(toolResult.data.ok, false);
  assert.equal(toolResult.data.synthetic, true);

  const resumed = await box.run(["resume", id, "go on"], { server });

  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.stdout, "Resumed.\n");
  const input = inputOf(server.requests[1]);
  assert.deepEqual(input.slice(0, 3), [
    userItem("wait a while"),
    replayedItem(call, "reasoning"),
    replayedItem(call, "function_call"),
  ]);
  assert.equal(input[3].type, "function_call_output");
  assert.equal(input[3].call_id, "call_sleep");
  assert.deepEqual(input.slice(4), [userItem("go on")]);
});

/**
 * Blocks until `path` exists (at most 10 s). The signal predicate is synchronous, and the command
 * must be running before Ctrl+C for the test to show that it gets killed; the stand-in server has
 * sent its whole reply by then, so blocking the test's event loop for a moment delays nothing.
 */
function waitForFileSync(path: string): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    try {
      if (Deno.statSync(path).size > 0) return true;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    Atomics.wait(pause, 0, 0, 5);
  }
  return false;
}

/**
 * True while `pid` runs. A killed process whose parent already exited (the OS sandbox's launcher)
 * waits as a zombie until init reaps it, which a minimal container init may never do: on Linux a
 * zombie counts as gone.
 */
function isRunning(pid: number): boolean {
  if (Deno.build.os === "linux") {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
      return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
    } catch {
      return false;
    }
  }
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** Kills a process the program under test should have killed, so a failure leaks nothing. */
function killLeftover(pid: number): void {
  try {
    Deno.kill(pid, "SIGKILL");
  } catch {
    // Gone, as it should be.
  }
}

Deno.test("--timeout stops a run whose stream hangs: exit 124", async (t) => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [stalledAnswer()] });

  await t.step("plain", async () => {
    const started = performance.now();
    const result = await box.run(["run", "--timeout", "0.5", "say hello"], {
      server,
      timeoutMs: 20_000,
    });
    assert.equal(result.code, 124, result.stderr);
    assert.ok(performance.now() - started >= 500);
    // The words that arrived before the time ran out are printed, not lost.
    assert.equal(result.stdout, "Hello\n");
    assert.match(result.stderr, /pixir: timed out after 0\.5 s/);
    const log = await box.log(hintedSessionId(result.stderr));
    assert.equal(typesOf(log).at(-1), "interrupted");
  });
  await t.step("--json", async () => {
    const result = await box.run(["run", "--json", "--timeout", "0.5", "say hello"], {
      server,
      timeoutMs: 20_000,
    });
    assert.equal(result.code, 124, result.stderr);
    assert.equal(jsonOutput(result.stdout).error?.kind, "timeout");
  });
});
