/**
 * The gate in front of every MCP tool: each call gets a decision from the MCP policy, recorded as
 * a `permission_decision` naming the server and the tool; a refusal is the result the model reads.
 */

import { decideMcp, type McpApprovalContext, mcpRule } from "../policy/mcp_approval.ts";
import { decisionData, type PermissionDecisionData } from "../policy/permission_decision.ts";
import { fail } from "../tools/failure.ts";
import { qualifiedToolName } from "./mcp_tool.ts";
import type { McpGate } from "./mcp_servers.ts";

/** What the gate needs; every effect is injected. */
export interface McpGateOptions {
  approval: McpApprovalContext;
  /** Records a decision (the session log and the renderers). */
  record(decision: PermissionDecisionData): Promise<void>;
}

/** An McpGate applying the MCP policy. */
export function createMcpGate(options: McpGateOptions): McpGate {
  return async (call, ctx) => {
    const decision = await decideMcp(call, options.approval, ctx.signal);
    const base = {
      ...(ctx.callId === undefined ? {} : { call_id: ctx.callId }),
      tool: qualifiedToolName(call.server, call.tool) ?? call.tool,
      command: mcpRule(call.server, call.tool),
      server: call.server,
      mcp_tool: call.tool,
      source: decision.source,
    };
    await options.record(decisionData(decision, base));
    if (decision.allow) return undefined;
    const message = decision.userReason
      ? `${decision.reason} Their reason: ${decision.userReason}`
      : decision.reason;
    return fail("denied", message, {
      server: call.server,
      tool: call.tool,
      source: decision.source,
      ...(decision.userReason ? { user_reason: decision.userReason } : {}),
    });
  };
}
