/**
 * The record of one permission decision: whether a tool call that needed permission went ahead and
 * what decided it. The policy makes it; the session log keeps it as a `permission_decision` event.
 */

import type { Decision, DecisionSource } from "./approval.ts";

/** Whether a tool call that needed permission went ahead, and what decided it. */
export interface PermissionDecisionData {
  /** The call it was made for, when known. */
  call_id?: string;
  tool: string;
  /** The shell command as the model wrote it; for an MCP tool, `SERVER/TOOL`. */
  command: string;
  /** For an MCP tool call: the server's name. */
  server?: string;
  /** For an MCP tool call: the tool's name on its server. */
  mcp_tool?: string;
  decision: "allow" | "deny";
  source: DecisionSource;
  /** For a person's yes: this call only, or saved as the rules in `rules`. */
  scope?: "once" | "always";
  /** Saved rules (one-command shell lines) that allowed it, or that an "always" answer saved. */
  rules?: string[];
  /** Why it was denied, as told to the model. */
  reason?: string;
  /** The reason a person gave with their no. */
  user_reason?: string;
}

/** The logged data of `decision`, with what was decided about (`base`: call, tool, command…). */
export function decisionData(
  decision: Decision,
  base: Omit<PermissionDecisionData, "decision">,
): PermissionDecisionData {
  if (decision.allow) {
    return {
      ...base,
      decision: "allow",
      ...(decision.scope ? { scope: decision.scope } : {}),
      ...(decision.rules ? { rules: decision.rules } : {}),
    };
  }
  return {
    ...base,
    decision: "deny",
    reason: decision.reason,
    ...(decision.userReason ? { user_reason: decision.userReason } : {}),
  };
}
