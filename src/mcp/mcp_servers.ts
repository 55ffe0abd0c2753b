/**
 * The MCP servers of a run or chat: all started in parallel, each one that fails reported and
 * left out, and the tools of the others offered to the model as `mcp__<server>__<tool>` tools
 * behind a permission gate.
 */

import type { McpServerConfig } from "../config/mcp_servers.ts";
import type { McpCall } from "../policy/mcp_approval.ts";
import { fail } from "../tools/failure.ts";
import type { Tool, ToolContext, ToolResult } from "../tools/tool.ts";
import type { McpConnection, McpEnvironment } from "./mcp_connection.ts";
import { type McpToolInfo, modelSchema, qualifiedToolName, resultText } from "./mcp_tool.ts";

/** How one server ended up. */
export type McpServerState =
  | { name: string; transport: "stdio" | "http"; state: "ready"; tools: string[] }
  | { name: string; transport: "stdio" | "http"; state: "failed"; error: string };

/** A tool of a running server as the model sees it. */
export interface McpToolEntry {
  /** `mcp__<server>__<tool>`. */
  name: string;
  server: string;
  info: McpToolInfo;
  connection: McpConnection;
}

/** The started servers, their states and tools. */
export interface McpServers {
  states: McpServerState[];
  tools: McpToolEntry[];
  close(): Promise<void>;
}

/** No servers: what a run without `[mcp_servers]` gets, at no cost. */
export const NO_MCP_SERVERS: McpServers = { states: [], tools: [], close: () => Promise.resolve() };

/**
 * Starts every server of `configs` in parallel. A server that fails or times out, and a tool whose
 * name is too long or collides with another, is reported through `warn` and left out.
 */
export async function startMcpServers(
  configs: readonly McpServerConfig[],
  environment: McpEnvironment,
  warn: (message: string) => void | Promise<void>,
): Promise<McpServers> {
  if (configs.length === 0) return NO_MCP_SERVERS;
  // The MCP SDK (and the schema libraries it brings) is loaded only when a server is configured:
  // a run without one pays nothing for it in start-up time or memory.
  const { connectMcpServer, McpStartError } = await import("./mcp_connection.ts");
  const outcomes = await Promise.all(configs.map(async (config) => {
    try {
      return { config, connection: await connectMcpServer(config, environment) };
    } catch (error) {
      const reason = error instanceof McpStartError || error instanceof Error
        ? error.message
        : String(error);
      return { config, error: reason };
    }
  }));
  const states: McpServerState[] = [];
  const tools: McpToolEntry[] = [];
  const reserved = new Set<string>();
  for (const outcome of outcomes) {
    const { name, transport } = outcome.config;
    if (outcome.connection === undefined) {
      states.push({ name, transport, state: "failed", error: outcome.error });
      await warn(`MCP server "${name}" is not available: ${outcome.error}`);
      continue;
    }
    const offered: string[] = [];
    for (const info of outcome.connection.tools.filter((t) => wanted(outcome.config, t.name))) {
      const qualified = qualifiedToolName(name, info.name);
      if (qualified === undefined) {
        await warn(`MCP tool "${info.name}" of "${name}" left out: its name is over 64 characters`);
      } else if (reserved.has(qualified)) {
        await warn(
          `MCP tool "${info.name}" of "${name}" left out: its name ${qualified} is already taken`,
        );
      } else {
        reserved.add(qualified);
        offered.push(info.name);
        tools.push({ name: qualified, server: name, info, connection: outcome.connection });
      }
    }
    states.push({ name, transport, state: "ready", tools: offered });
  }
  const connections = outcomes.flatMap((o) => o.connection === undefined ? [] : [o.connection]);
  return {
    states,
    tools,
    close: async () => {
      await Promise.all(connections.map((c) => c.close().catch(() => {})));
    },
  };
}

function wanted(config: McpServerConfig, tool: string): boolean {
  if (config.enabledTools !== undefined && !config.enabledTools.includes(tool)) return false;
  return !config.disabledTools.includes(tool);
}

/**
 * Decides an MCP call before it is made: undefined lets it through, a failure is what the model
 * reads instead of the call's result.
 */
export type McpGate = (
  call: McpCall,
  ctx: ToolContext,
) => Promise<(ToolResult & { ok: false }) | undefined>;

/** The tools of `servers` for the model, each call decided by `gate` first. */
export function mcpTools(servers: McpServers, gate: McpGate): Tool[] {
  return servers.tools.map((entry) => ({
    name: entry.name,
    description: entry.info.description ??
      `The tool "${entry.info.name}" of the MCP server "${entry.server}".`,
    parameters: modelSchema(entry.info.inputSchema),
    run: (args, ctx) => callTool(entry, args, ctx, gate),
  }));
}

/**
 * The JSON-RPC error code of an MCP request that timed out (the SDK's `ErrorCode.RequestTimeout`,
 * a protocol constant, spelled here so this module does not load the SDK).
 */
const REQUEST_TIMEOUT = -32001;

async function callTool(
  entry: McpToolEntry,
  args: unknown,
  ctx: ToolContext,
  gate: McpGate,
): Promise<ToolResult> {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return fail("invalid_arguments", "The arguments must be a JSON object.");
  }
  const refused = await gate({
    server: entry.server,
    tool: entry.info.name,
    readOnlyHint: entry.info.readOnlyHint,
    argumentsJson: JSON.stringify(args),
  }, ctx);
  if (refused !== undefined) return refused;
  const where = { server: entry.server, tool: entry.info.name };
  let result: unknown;
  try {
    result = await entry.connection.call(
      entry.info.name,
      args as Record<string, unknown>,
      ctx.signal,
    );
  } catch (error) {
    if (ctx.signal.aborted) return fail("aborted", "The MCP tool call was interrupted.", where);
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && "code" in error && error.code === REQUEST_TIMEOUT) {
      return fail(
        "timeout",
        `The MCP server "${entry.server}" did not answer within ` +
          `${entry.connection.config.toolTimeoutSec} s (tool_timeout_sec); the call was abandoned.`,
        where,
      );
    }
    return fail("io", `The MCP server "${entry.server}" failed during the call: ${reason}`, where);
  }
  const { text, isError } = resultText(result);
  return isError ? fail("tool_error", text, where) : { ok: true, output: text };
}
