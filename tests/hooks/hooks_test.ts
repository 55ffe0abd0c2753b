import assert from "node:assert/strict";
import type { HookProcessEnd } from "../../src/hooks/hook_process.ts";
import { parseHooks } from "../../src/hooks/hook_config.ts";
import { MAX_HOOK_CONTEXT, runHooks } from "../../src/hooks/hooks.ts";
import type { HookEventName } from "../../src/hooks/hook.ts";

/** Runs one hook of `event` whose process ends as `end`; returns the verdict. */
async function verdictFor(event: HookEventName, end: HookProcessEnd) {
  const { hooks } = parseHooks(
    JSON.stringify({ hooks: { [event]: [{ hooks: [{ type: "command", command: "h" }] }] } }),
    "hooks.json",
    "user",
  );
  let stdin = "";
  const verdict = await runHooks(hooks, event, "bash", { tool_use_id: "c1" }, {
    cwd: "/ws",
    run: (_command, input) => {
      stdin = input;
      return Promise.resolve(end);
    },
    launcher: () => Promise.resolve(undefined),
    now: () => 0,
  });
  assert.equal(JSON.parse(stdin).hook_event_name, event);
  return verdict;
}

const exited = (code: number, stdout = "", stderr = ""): HookProcessEnd => ({
  kind: "exited",
  code,
  stdout,
  stderr,
});

Deno.test("exit 2 blocks the events that can be blocked; SessionStart's is a failure", async () => {
  assert.equal((await verdictFor("PreToolUse", exited(2, "", "nope\n"))).block, "nope");
  assert.equal((await verdictFor("Stop", exited(2))).block, "blocked by a Stop hook");
  const start = await verdictFor("SessionStart", exited(2, "", "x"));
  assert.equal(start.block, undefined);
  assert.equal(start.runs[0].outcome, "failed");
});

Deno.test("plain stdout is context only for SessionStart and UserPromptSubmit", async () => {
  assert.deepEqual((await verdictFor("SessionStart", exited(0, "hello\n"))).context, ["hello"]);
  const pre = await verdictFor("PreToolUse", exited(0, "hello\n"));
  assert.deepEqual(pre.context, []);
  assert.equal(pre.runs[0].outcome, "ok");
});

Deno.test("JSON answers: deny, block with context, allow ignored, wrong shapes are failures", async () => {
  const deny = await verdictFor(
    "PreToolUse",
    exited(0, JSON.stringify({ hookSpecificOutput: { permissionDecision: "deny" } })),
  );
  assert.equal(deny.block, "blocked by a PreToolUse hook");
  assert.equal(deny.runs[0].call_id, "c1");
  const allow = await verdictFor(
    "PreToolUse",
    exited(0, JSON.stringify({ hookSpecificOutput: { permissionDecision: "allow" } })),
  );
  assert.equal(allow.block, undefined, "a hook never allows past the policy");
  const post = await verdictFor(
    "PostToolUse",
    exited(0, JSON.stringify({ decision: "block", reason: "fix lint", hookSpecificOutput: {} })),
  );
  assert.equal(post.block, "fix lint");
  const wrong = await verdictFor(
    "PostToolUse",
    exited(0, JSON.stringify({ hookSpecificOutput: { additionalContext: 5 } })),
  );
  assert.equal(wrong.runs[0].outcome, "failed");
  assert.match(String(wrong.runs[0].message), /additionalContext/);
  const array = await verdictFor("PostToolUse", exited(0, "[1]"));
  assert.match(String(array.runs[0].message), /expected an object/);
});

Deno.test("long context is cut with a note; timeouts and spawn failures are recorded", async () => {
  const long = await verdictFor("UserPromptSubmit", exited(0, "x".repeat(MAX_HOOK_CONTEXT + 10)));
  assert.match(long.context[0], /\[hook context cut: 10010 characters\]$/);
  const timeout = await verdictFor("Stop", { kind: "timeout", stdout: "", stderr: "" });
  assert.equal(timeout.runs[0].outcome, "timeout");
  assert.equal(timeout.block, undefined);
  const spawn = await verdictFor("Stop", { kind: "spawn_failed", message: "no bash" });
  assert.deepEqual([spawn.runs[0].outcome, spawn.runs[0].message], ["error", "no bash"]);
});

Deno.test("hooks files: timeouts bounded, non-command hooks and bad entries warned by place", () => {
  const { hooks, warnings } = parseHooks(
    JSON.stringify({
      hooks: {
        PreToolUse: [
          { matcher: "Edit|Write", hooks: [{ type: "command", command: "a", timeout: 5 }] },
          {
            hooks: [{ type: "prompt", prompt: "x" }, { type: "command", command: "b", timeout: 0 }],
          },
        ],
        Stop: "nope",
      },
    }),
    "f.json",
    "project",
  );
  assert.equal(hooks.length, 1);
  assert.ok(hooks[0].matcher?.test("edit") && hooks[0].matcher.test("WRITE"));
  assert.ok(!hooks[0].matcher?.test("editor"), "the whole name must match");
  assert.equal(hooks[0].timeoutMs, 5000);
  assert.deepEqual(warnings, [
    'f.json: hooks.PreToolUse[1].hooks[0]: only {"type": "command", "command": ...} hooks are run',
    "f.json: hooks.PreToolUse[1].hooks[1].timeout: expected seconds, more than 0, at most 600",
    "f.json: hooks.Stop: expected a list of {matcher, hooks}",
  ]);
  assert.match(parseHooks("{", "g.json", "user").warnings[0], /^g\.json: not valid JSON/);
});
