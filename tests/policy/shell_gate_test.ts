import assert from "node:assert/strict";
import type { PermissionDecisionData } from "../../src/policy/permission_decision.ts";
import { DEFAULT_POLICY } from "../../src/policy/policy.ts";
import { createShellGate } from "../../src/policy/shell_gate.ts";
import type { SandboxStatus } from "../../src/sandbox/os_sandbox.ts";

function gateWith(status: SandboxStatus, answer?: "deny" | "once") {
  const records: PermissionDecisionData[] = [];
  const notices: string[] = [];
  const gate = createShellGate({
    approval: {
      policy: DEFAULT_POLICY,
      rules: [],
      ask: answer === "deny"
        ? () => Promise.resolve({ kind: "deny", reason: "not now" })
        : answer === "once"
        ? () => Promise.resolve({ kind: "once" })
        : undefined,
    },
    record: (data) => {
      records.push(data);
      return Promise.resolve();
    },
    sandbox: () => Promise.resolve(status),
    layout: { workspace: "/ws", writable: ["/ws"], hidden: [], net: true },
    notice: (message) => {
      notices.push(message);
      return Promise.resolve();
    },
  });
  const ctx = { workspace: "/ws", signal: new AbortController().signal, callId: "c1" };
  return { gate, ctx, records, notices };
}

Deno.test("an allowed command runs in the OS sandbox when there is one, and is recorded", async () => {
  const { gate, ctx, records, notices } = gateWith({
    active: true,
    kind: "bubblewrap",
    program: "bwrap",
  });
  const verdict = await gate("ls", ctx);
  assert.ok(verdict.ok);
  assert.equal(verdict.launcher[0], "bwrap");
  assert.equal(verdict.launcher.at(-1), "--");
  assert.deepEqual(verdict.invocation, { kind: "argv", argv: ["ls"], env: {} });
  assert.deepEqual(records, [{
    call_id: "c1",
    tool: "bash",
    command: "ls",
    decision: "allow",
    source: "safe_list",
  }]);
  assert.deepEqual(notices, []);
});

Deno.test("without an OS sandbox, commands run directly and the user is told once", async () => {
  const { gate, ctx, notices } = gateWith({
    active: false,
    kind: "bubblewrap",
    reason: "bwrap is not installed",
  });
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(await gate("pwd", ctx), {
      ok: true,
      launcher: [],
      invocation: { kind: "argv", argv: ["pwd"], env: {} },
    });
  }
  assert.deepEqual(notices, ["shell commands run without an OS sandbox: bwrap is not installed"]);
});

Deno.test("a denial is a `denied` tool error carrying the person's reason, and is recorded", async () => {
  const { gate, ctx, records } = gateWith({ active: false, kind: null, reason: "-" }, "deny");
  const verdict = await gate("rm -rf build", ctx);
  assert.ok(!verdict.ok);
  assert.equal(verdict.error.kind, "denied");
  assert.match(verdict.error.message, /declined.*Their reason: not now/);
  assert.deepEqual(verdict.error.details, {
    command: "rm -rf build",
    source: "user",
    user_reason: "not now",
  });
  assert.equal(records[0].decision, "deny");
  assert.equal(records[0].user_reason, "not now");
});

Deno.test("a command a person approved runs through the shell as typed", async () => {
  const { gate, ctx } = gateWith({ active: false, kind: null, reason: "-" }, "once");
  for (const command of ["ls | cat", "cat {a,b}", "rm -rf build"]) {
    assert.deepEqual(await gate(command, ctx), {
      ok: true,
      launcher: [],
      invocation: { kind: "shell" },
    }, command);
  }
});
