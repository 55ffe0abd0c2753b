import assert from "node:assert/strict";
import type { Answer, ApprovalRequest } from "../../src/policy/approval.ts";
import { decideMcp, type McpApprovalContext, type McpCall } from "../../src/policy/mcp_approval.ts";

const CALL: McpCall = { server: "srv", tool: "write-it", readOnlyHint: false, argumentsJson: "{}" };
const signal = new AbortController().signal;

function ctx(overrides: Partial<McpApprovalContext>): McpApprovalContext {
  return { readOnly: false, grant: [], rules: [], ...overrides };
}

Deno.test("--allow-mcp grants a whole server, one tool, or everything", async () => {
  for (const grant of ["all", ["srv"], ["srv/write-it"]] as const) {
    const decision = await decideMcp(CALL, ctx({ grant }), signal);
    assert.deepEqual(decision, { allow: true, source: "allow_mcp" });
  }
  const other = await decideMcp(CALL, ctx({ grant: ["srv/other", "srv2"] }), signal);
  assert.equal(other.allow, false);
});

Deno.test("without anyone to ask the call is refused naming the flag", async () => {
  const decision = await decideMcp(CALL, ctx({}), signal);
  assert.ok(!decision.allow);
  assert.equal(decision.source, "non_interactive");
  assert.match(decision.reason, /--allow-mcp=srv\/write-it/);
});

Deno.test("read-only refuses tools not marked read-only even with --allow-mcp", async () => {
  const refused = await decideMcp(CALL, ctx({ readOnly: true, grant: "all" }), signal);
  assert.ok(!refused.allow);
  assert.equal(refused.source, "read_only");
  assert.match(refused.reason, /server's own claim/);
  const allowed = await decideMcp(
    { ...CALL, readOnlyHint: true },
    ctx({ readOnly: true, grant: "all" }),
    signal,
  );
  assert.equal(allowed.allow, true);
});

Deno.test("a person's always is saved as SERVER/TOOL and a saved rule allows later calls", async () => {
  const asked: ApprovalRequest[] = [];
  const saved: string[] = [];
  const ask = (request: ApprovalRequest): Promise<Answer> => {
    asked.push(request);
    return Promise.resolve({ kind: "always" });
  };
  const first = await decideMcp(
    CALL,
    ctx({ ask, remember: (rule) => Promise.resolve(void saved.push(rule)) }),
    signal,
  );
  assert.deepEqual(first, {
    allow: true,
    source: "user",
    scope: "always",
    rules: ["srv/write-it"],
  });
  assert.deepEqual(saved, ["srv/write-it"]);
  assert.equal(asked[0].mcp, true);
  const later = await decideMcp(CALL, ctx({ rules: saved }), signal);
  assert.deepEqual(later, { allow: true, source: "rule", rules: ["srv/write-it"] });
});

Deno.test("a person's no carries their reason", async () => {
  const decision = await decideMcp(
    CALL,
    ctx({ ask: () => Promise.resolve({ kind: "deny", reason: "not now" }) }),
    signal,
  );
  assert.deepEqual(decision, {
    allow: false,
    source: "user",
    reason: "The user declined this MCP tool call.",
    userReason: "not now",
  });
});
