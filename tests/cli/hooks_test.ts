/**
 * Hooks end to end: the person's `hooks.json` and a trusted project's `.pixir/hooks.json`, run by
 * the real program around scripted tool calls of the loopback stand-in.
 */
// deno-lint-ignore-file no-console

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { probeSandbox, runProgram } from "../../src/sandbox/os_sandbox.ts";
import {
  assertNoStackTrace,
  hintedSessionId,
  inputOf,
  jsonObject,
  type Sandbox,
  sandbox,
} from "./helpers.ts";

/** A hooks file running `command` at `event` (for tools matching `matcher`). */
function hooksFile(
  entries: { event: string; command: string; matcher?: string; timeout?: number }[],
): string {
  const hooks: Record<string, unknown[]> = {};
  for (const { event, command, matcher, timeout } of entries) {
    (hooks[event] ??= []).push({
      ...(matcher === undefined ? {} : { matcher }),
      hooks: [{ type: "command", command, ...(timeout === undefined ? {} : { timeout }) }],
    });
  }
  return JSON.stringify({ hooks });
}

async function userHooks(box: Sandbox, text: string): Promise<void> {
  await Deno.writeTextFile(join(box.home, "hooks.json"), text);
}

/** A model that runs `command` in bash once, then answers "Done.". */
function bashThenDone(command: string) {
  const call = toolCallAnswer({
    name: "bash",
    arguments: JSON.stringify({ command }),
    callId: "call_bash",
  });
  return startResponsesServer({
    script: [{ sse: call }, { sse: textAnswer("Done.", { responseId: "resp_done" }) }],
  });
}

/** What the model received as the output of `callId`. */
function outputOf(request: Parameters<typeof inputOf>[0], callId: string): string {
  const item = inputOf(request).find((i) =>
    i.type === "function_call_output" && i.call_id === callId
  );
  assert.ok(item, `no output for ${callId}`);
  return String(item.output);
}

Deno.test("a PreToolUse hook (exit 2) denies a call with a reason the model reads; it gets the event on stdin", async () => {
  await using box = await sandbox();
  const seen = join(box.root, "seen.json");
  await userHooks(
    box,
    hooksFile([{
      event: "PreToolUse",
      matcher: "Bash",
      command: `cat > '${seen}'; echo 'no touching today' >&2; exit 2`,
    }]),
  );
  await using server = bashThenDone("touch ran.txt");

  const result = await box.run(["run", "--allow-run=touch", "touch it"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.match(
    outputOf(server.requests[1], "call_bash"),
    /denied.*A PreToolUse hook denied this call: no touching today/,
  );
  await assert.rejects(Deno.stat(join(box.workspace, "ran.txt")), "the command did not run");
  const input = jsonObject(await Deno.readTextFile(seen));
  assert.equal(input.hook_event_name, "PreToolUse");
  assert.equal(input.tool_name, "bash");
  assert.deepEqual(input.tool_input, { command: "touch ran.txt" });
  assert.equal(input.tool_use_id, "call_bash");
  assert.equal(input.cwd, box.workspace);
  const id = hintedSessionId(result.stderr);
  assert.equal(input.session_id, id);
  const hook = (await box.log(id)).find((event) => event.type === "hook");
  assert.ok(hook?.type === "hook");
  assert.equal(hook.data.outcome, "blocked");
  assert.equal(hook.data.call_id, "call_bash");
  const exported = await box.run(["export", id]);
  assert.match(exported.stdout, /_Hook PreToolUse `cat > .*`: blocked — no touching today_/);
});

Deno.test("a PreToolUse hook denies with JSON, and only the tools its matcher names", async () => {
  await using box = await sandbox({ "a.txt": "alpha\n" });
  const deny = JSON.stringify({
    hookSpecificOutput: {
      hookEventName: "PreToolUse",
      permissionDecision: "deny",
      permissionDecisionReason: "reads are audited",
    },
  });
  await userHooks(
    box,
    hooksFile([
      { event: "PreToolUse", matcher: "Read", command: `echo '${deny}'` },
      { event: "PreToolUse", matcher: "edit|write", command: "exit 2" },
    ]),
  );
  const read = toolCallAnswer({ name: "read", arguments: `{"path":"a.txt"}`, callId: "call_r" });
  const ls = toolCallAnswer({ name: "ls", arguments: `{}`, callId: "call_ls", responseId: "r2" });
  await using server = startResponsesServer({
    script: [{ sse: read }, { sse: ls }, { sse: textAnswer("Done.", { responseId: "r3" }) }],
  });

  const result = await box.run(["run", "look"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.match(outputOf(server.requests[1], "call_r"), /reads are audited/);
  assert.match(outputOf(server.requests[2], "call_ls"), /a\.txt/, "ls matches no hook and runs");
});

Deno.test("a PostToolUse hook adds context to the output the model reads", async () => {
  await using box = await sandbox();
  const context = JSON.stringify({
    hookSpecificOutput: { hookEventName: "PostToolUse", additionalContext: "LINT: 2 warnings" },
  });
  const seen = join(box.root, "post.json");
  await userHooks(
    box,
    hooksFile([{ event: "PostToolUse", command: `cat > '${seen}'; echo '${context}'` }]),
  );
  await using server = bashThenDone("echo hello");

  const result = await box.run(["run", "--allow-run=echo", "say hello"], { server });

  assert.equal(result.code, 0, result.stderr);
  const output = outputOf(server.requests[1], "call_bash");
  assert.match(output, /^hello\n/);
  assert.match(output, /<hook_context event="PostToolUse">\nLINT: 2 warnings\n<\/hook_context>/);
  const input = jsonObject(await Deno.readTextFile(seen));
  assert.equal(input.hook_event_name, "PostToolUse");
  assert.match(JSON.stringify(input.tool_response), /hello/);
});

Deno.test("SessionStart and UserPromptSubmit hooks add context; a blocked prompt is never sent", async () => {
  await using box = await sandbox();
  await userHooks(
    box,
    hooksFile([
      { event: "SessionStart", command: "echo 'branch: main'" },
      {
        event: "UserPromptSubmit",
        command:
          `input=$(cat); case "$input" in *secret*) echo 'prompt mentions a secret' >&2; exit 2;; esac; echo 'ticket PX-1'`,
      },
    ]),
  );
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Hi.") }] });

  const result = await box.run(["run", "hello"], { server });

  assert.equal(result.code, 0, result.stderr);
  const input = JSON.stringify(inputOf(server.requests[0]));
  assert.ok(input.includes(`<hook_context event=\\"SessionStart\\">\\nbranch: main`), input);
  assert.ok(input.includes(`<hook_context event=\\"UserPromptSubmit\\">\\nticket PX-1`), input);

  const blocked = await box.run(["run", "--json", "print the secret"], { server });
  assert.equal(blocked.code, 3, blocked.stderr);
  const error = jsonObject(blocked.stdout).error as Record<string, unknown>;
  assert.equal(error.kind, "permission_denied");
  assert.match(
    String(error.message),
    /UserPromptSubmit hook blocked the prompt: prompt mentions a secret/,
  );
  assert.equal(server.requests.length, 1, "the blocked prompt was not sent");
  assertNoStackTrace(blocked.stderr);
});

Deno.test("a Stop hook sends the model back to work once, with its reason", async () => {
  await using box = await sandbox();
  await userHooks(
    box,
    hooksFile([{
      event: "Stop",
      command:
        `grep -q '"stop_hook_active":false' && { echo 'run the tests first' >&2; exit 2; }; exit 0`,
    }]),
  );
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer("Done early.") },
      { sse: textAnswer("Tests pass.", { responseId: "resp_2" }) },
    ],
  });

  const result = await box.run(["run", "--json", "fix it"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(jsonObject(result.stdout).answer, "Tests pass.");
  assert.equal(server.requests.length, 2);
  assert.ok(
    JSON.stringify(inputOf(server.requests[1])).includes("[Stop hook] run the tests first"),
  );
});

Deno.test("hooks that fail, hang, print garbage or leave children behind are reported and never hold the run", async () => {
  await using box = await sandbox();
  await userHooks(
    box,
    hooksFile([
      { event: "PreToolUse", command: "sleep 30", timeout: 1 },
      { event: "PreToolUse", command: "echo '{not json'" },
      { event: "PreToolUse", command: "echo broken >&2; exit 1" },
      { event: "PreToolUse", command: "sleep 30 & echo started" },
      { event: "PreToolUse", command: "no-such-program-xyz" },
      { event: "PostToolUse", command: "head -c 300000 /dev/zero | tr '\\0' x" },
    ]),
  );
  await using server = bashThenDone("echo still-works");
  const started = Date.now();

  const result = await box.run(["run", "--allow-run=echo", "go"], { server, timeoutMs: 25_000 });

  assert.equal(result.code, 0, result.stderr);
  assert.ok(Date.now() - started < 20_000, "no hook held the run");
  assert.match(outputOf(server.requests[1], "call_bash"), /^still-works\n/);
  assert.match(result.stderr, /PreToolUse hook `sleep 30` timed out/);
  assert.match(
    result.stderr,
    /PreToolUse hook `echo '\{not json'` failed: it printed JSON that does not parse/,
  );
  assert.match(result.stderr, /PreToolUse hook `echo broken >&2; exit 1` failed: broken/);
  assert.match(result.stderr, /PreToolUse hook `no-such-program-xyz` failed: .*not found/);
  assertNoStackTrace(result.stderr);
  const runs = (await box.log(hintedSessionId(result.stderr))).flatMap((event) =>
    event.type === "hook" ? [event.data] : []
  );
  assert.deepEqual(runs.map((run) => run.outcome).sort(), [
    "failed",
    "failed",
    "failed",
    "ok",
    "ok",
    "timeout",
  ]);
});

Deno.test("a malformed hooks file is a warning naming it, and the run goes on", async () => {
  await using box = await sandbox();
  await userHooks(box, `{"hooks": {"PreToolUse": [{"matcher": "(", "hooks": []}], "Nope": []}}`);
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Hi.") }] });

  const result = await box.run(["run", "hello"], { server });

  assert.equal(result.code, 0, result.stderr);
  const file = join(box.home, "hooks.json");
  assert.ok(
    result.stderr.includes(
      `${file}: hooks.PreToolUse[0].matcher: not a string holding a valid regular expression`,
    ),
    result.stderr,
  );
  assert.ok(
    result.stderr.includes(`${file}: hooks.Nope: not an event Pixir runs hooks at`),
    result.stderr,
  );
});

Deno.test("a project's hooks run only once the workspace is trusted, headless too", async () => {
  await using box = await sandbox();
  const marker = join(box.workspace, "hook-ran");
  await Deno.mkdir(join(box.workspace, ".pixir"));
  await Deno.writeTextFile(
    join(box.workspace, ".pixir", "hooks.json"),
    hooksFile([{ event: "UserPromptSubmit", command: `touch '${marker}'` }]),
  );
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("One.") }, { sse: textAnswer("Two.", { responseId: "r2" }) }],
  });

  const untrusted = await box.run(["run", "hello"], { server, env: { CI: "1" } });
  assert.equal(untrusted.code, 0, untrusted.stderr);
  await assert.rejects(Deno.stat(marker), "an untrusted checkout's hook never runs");
  assert.match(
    untrusted.stderr,
    /hooks\.json: not run, the workspace is not trusted \(run `pixir trust`/,
  );

  const trust = await box.run(["trust"]);
  assert.equal(trust.code, 0, trust.stderr);
  assert.match(trust.stdout, /its \.pixir\/hooks\.json, as it is now, runs/);
  const trusted = await box.run(["run", "hello"], { server, env: { CI: "1" } });
  assert.equal(trusted.code, 0, trusted.stderr);
  await Deno.stat(marker);
});

Deno.test("a trusted project's hooks file that changed after trust (say, written by the model) does not run", async () => {
  await using box = await sandbox();
  const marker = join(box.workspace, "planted-ran");
  const hooksPath = join(box.workspace, ".pixir", "hooks.json");
  await Deno.mkdir(join(box.workspace, ".pixir"));
  await Deno.writeTextFile(hooksPath, hooksFile([{ event: "Stop", command: "true" }]));
  assert.equal((await box.run(["trust"])).code, 0);
  const planted = hooksFile([{ event: "UserPromptSubmit", command: `touch '${marker}'` }]);
  const write = toolCallAnswer({
    name: "write",
    arguments: JSON.stringify({ path: ".pixir/hooks.json", content: planted }),
    callId: "call_plant",
  });
  await using server = startResponsesServer({
    script: [
      { sse: write },
      { sse: textAnswer("Planted.", { responseId: "r2" }) },
      { sse: textAnswer("Next.", { responseId: "r3" }) },
      { sse: textAnswer("Approved.", { responseId: "r4" }) },
    ],
  });

  const first = await box.run(["run", "plant a hook"], { server });
  assert.equal(first.code, 0, first.stderr);
  const next = await box.run(["run", "hello"], { server });
  assert.equal(next.code, 0, next.stderr);
  await assert.rejects(Deno.stat(marker), "the changed file did not run");
  assert.match(next.stderr, /hooks\.json: not run, it changed since you trusted the workspace/);

  assert.equal((await box.run(["trust"])).code, 0, "the person reviews it and trusts again");
  const approved = await box.run(["run", "hello"], { server });
  assert.equal(approved.code, 0, approved.stderr);
  await Deno.stat(marker);
});

Deno.test("a project's hook runs in the OS sandbox; the person's own does not", async () => {
  const status = await probeSandbox(Deno.build.os, runProgram, Deno.cwd());
  if (!status.active || status.kind !== "bubblewrap") {
    console.log(
      `skipped: no working bubblewrap here (${status.active ? status.kind : status.reason})`,
    );
    return;
  }
  await using box = await sandbox();
  const outside = join(box.root, "outside");
  await Deno.mkdir(outside);
  await Deno.mkdir(join(box.workspace, ".pixir"));
  await Deno.writeTextFile(
    join(box.workspace, ".pixir", "hooks.json"),
    hooksFile([{
      event: "UserPromptSubmit",
      command:
        `touch '${outside}/project' 2>/dev/null; touch inside-project; cat '${box.home}/hooks.json' >/dev/null 2>&1 && touch saw-home; true`,
    }]),
  );
  await userHooks(
    box,
    hooksFile([{ event: "UserPromptSubmit", command: `touch '${outside}/user'` }]),
  );
  assert.equal((await box.run(["trust"])).code, 0);
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Hi.") }] });
  // The temp dir is writable in the sandbox, and the test's folders live in it: use another.
  const tmp = join(box.root, "tmp");
  await Deno.mkdir(tmp);

  const result = await box.run(["run", "hello"], { server, env: { TMPDIR: tmp } });

  assert.equal(result.code, 0, result.stderr);
  await Deno.stat(join(box.workspace, "inside-project"));
  await assert.rejects(Deno.stat(join(outside, "project")), "outside the workspace is read-only");
  await assert.rejects(Deno.stat(join(box.workspace, "saw-home")), "Pixir's home is hidden");
  await Deno.stat(join(outside, "user"));
});
