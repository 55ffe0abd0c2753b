/**
 * MCP tool call approval, decided like a shell command: `--read-only` refuses tools their server
 * does not mark read-only, `--allow-mcp[=SERVER[/TOOL],…]` and saved "always" rules allow, and
 * otherwise a person is asked, or, when nobody can answer, the call is refused at once.
 */

import type { Ask, Decision } from "./approval.ts";
import type { Grant } from "./policy.ts";

/** The call to decide. */
export interface McpCall {
  server: string;
  tool: string;
  /** The server's own claim that the tool changes nothing. */
  readOnlyHint: boolean;
  /** The arguments as the model wrote them, shown to the person asked. */
  argumentsJson: string;
}

/** Everything an MCP decision depends on. */
export interface McpApprovalContext {
  readOnly: boolean;
  /** `--allow-mcp`: "all", or `SERVER` and `SERVER/TOOL` entries. */
  grant: Grant;
  /** Saved "always" rules for this workspace, `SERVER/TOOL` each. */
  rules: readonly string[];
  ask?: Ask;
  /** Saves the rule of an "always" answer. */
  remember?: (rule: string) => Promise<void>;
}

/** The `SERVER/TOOL` form of a call, as flags and saved rules write it. */
export function mcpRule(server: string, tool: string): string {
  return `${server}/${tool}`;
}

/** Decides whether the MCP tool call may run. */
export async function decideMcp(
  call: McpCall,
  ctx: McpApprovalContext,
  signal: AbortSignal,
): Promise<Decision> {
  const rule = mcpRule(call.server, call.tool);
  if (ctx.readOnly && !call.readOnlyHint) {
    return {
      allow: false,
      source: "read_only",
      reason: `Pixir runs read-only, and the server "${call.server}" does not mark the tool ` +
        `"${call.tool}" read-only (readOnlyHint). Only tools their server declares read-only are ` +
        `called in read-only mode; that hint is the server's own claim, not checked by Pixir.`,
    };
  }
  if (ctx.grant === "all" || ctx.grant.includes(call.server) || ctx.grant.includes(rule)) {
    return { allow: true, source: "allow_mcp" };
  }
  if (ctx.rules.includes(rule)) return { allow: true, source: "rule", rules: [rule] };
  if (ctx.ask === undefined) {
    return {
      allow: false,
      source: "non_interactive",
      reason: `Calling the MCP tool "${call.tool}" of the server "${call.server}" needs approval ` +
        `and nobody can give it (no terminal), so it was not called. The user can allow it with ` +
        `--allow-mcp=${rule}, the whole server with --allow-mcp=${call.server}, or every MCP ` +
        `tool with --allow-mcp.`,
    };
  }
  const answer = await ctx.ask(
    { command: `${rule} ${call.argumentsJson}`, prefixes: [rule], mcp: true },
    signal,
  );
  switch (answer.kind) {
    case "once":
      return { allow: true, source: "user", scope: "once" };
    case "always":
      await ctx.remember?.(rule);
      return { allow: true, source: "user", scope: "always", rules: [rule] };
    case "deny":
      return {
        allow: false,
        source: "user",
        reason: "The user declined this MCP tool call.",
        ...(answer.reason ? { userReason: answer.reason } : {}),
      };
  }
}
