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
import type * as Connection from "./mcp_connection.ts";
import {
  MAX_TOOL_TIMEOUT_FACTOR,
  type McpToolInfo,
  modelSchema,
  qualifiedToolName,
  resultText,
} from "./mcp_tool.ts";

/**
 * The JSON-RPC error code of a request the SDK gave up on (its `ErrorCode.RequestTimeout`), written
 * here so a run or chat without MCP servers does not load the SDK (tests keep the two equal).
 */
export const MCP_REQUEST_TIMEOUT = -32001;

/**
 * The SDK's side, named by a constant: Deno reads the module graph of a literal `import()` with
 * the module that holds it, even when it is never called. The build includes it by name.
 */
const MCP_CONNECTION_MODULE = "./mcp_connection.ts";

/** Where one server is: starting, ready with the tools it offers, or failed and why. */
export type McpServerState =
  | { name: string; transport: "stdio" | "http"; state: "starting" }
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

/**
 * The servers of a run or chat. `states` and `tools` change as servers start; once `ready` has
 * settled every server is ready or failed and `tools` is final.
 */
export interface McpServers {
  readonly states: readonly McpServerState[];
  readonly tools: readonly McpToolEntry[];
  /** Settles (never rejects) when every server has started or failed. */
  ready: Promise<void>;
  /** Calls `listener` after each change of `states`; returns how to stop. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}

/** No servers: what a run without `[mcp_servers]` gets, at no cost. */
export const NO_MCP_SERVERS: McpServers = {
  states: [],
  tools: [],
  ready: Promise.resolve(),
  onChange: () => () => {},
  close: () => Promise.resolve(),
};

/**
 * Starts every server of `configs` in parallel and waits for all of them. A server that fails or
 * times out, and a tool whose name is too long or collides with another, is reported through
 * `warn` and left out.
 */
export async function startMcpServers(
  configs: readonly McpServerConfig[],
  environment: McpEnvironment,
  warn: (message: string) => void | Promise<void>,
): Promise<McpServers> {
  const servers = launchMcpServers(configs, environment, warn);
  await servers.ready;
  return servers;
}

/**
 * Starts every server of `configs` in parallel without waiting: each is `starting` until it is
 * ready or failed (reported through `warn`). Tools are named once all have settled, in the
 * order of `configs`, so which of two colliding names wins never depends on timing.
 */
export function launchMcpServers(
  configs: readonly McpServerConfig[],
  environment: McpEnvironment,
  warn: (message: string) => void | Promise<void>,
): McpServers {
  if (configs.length === 0) return NO_MCP_SERVERS;
  const states: McpServerState[] = configs.map(({ name, transport }) => ({
    name,
    transport,
    state: "starting",
  }));
  const tools: McpToolEntry[] = [];
  const connections: McpConnection[] = [];
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const closing = new AbortController();
  // The MCP SDK (and the schema libraries it brings) is loaded only when a server is configured:
  // a run without one pays nothing for it in start-up time or memory (nor reads its modules: the
  // specifier is a constant, see MCP_CONNECTION_MODULE).
  const sdk: Promise<typeof Connection> = import(MCP_CONNECTION_MODULE);
  const started = configs.map(async (config, index) => {
    const { name, transport } = config;
    try {
      const { connectMcpServer } = await sdk;
      const connection = await connectMcpServer(config, environment, closing.signal);
      if (closing.signal.aborted) {
        await connection.close().catch(() => {});
        return undefined;
      }
      connections.push(connection);
      const offered = connection.tools.filter((t) => wanted(config, t.name)).map((t) => t.name);
      states[index] = { name, transport, state: "ready", tools: offered };
      changed();
      return connection;
    } catch (error) {
      if (closing.signal.aborted) return undefined;
      const reason = error instanceof Error ? error.message : String(error);
      states[index] = { name, transport, state: "failed", error: reason };
      changed();
      await warn(`MCP server "${name}" is not available: ${reason}`);
      return undefined;
    }
  });
  const ready = (async () => {
    const outcomes = await Promise.all(started);
    const reserved = new Set<string>();
    for (const [index, connection] of outcomes.entries()) {
      if (connection === undefined) continue;
      const { name, transport } = configs[index];
      const offered: string[] = [];
      for (const info of connection.tools.filter((t) => wanted(configs[index], t.name))) {
        const qualified = qualifiedToolName(name, info.name);
        if (qualified === undefined) {
          await warn(
            `MCP tool "${info.name}" of "${name}" left out: its name is over 64 characters`,
          );
        } else if (reserved.has(qualified)) {
          await warn(
            `MCP tool "${info.name}" of "${name}" left out: its name ${qualified} is already taken`,
          );
        } else {
          reserved.add(qualified);
          offered.push(info.name);
          tools.push({ name: qualified, server: name, info, connection });
        }
      }
      states[index] = { name, transport, state: "ready", tools: offered };
    }
    changed();
  })();
  return {
    states,
    tools,
    ready,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      closing.abort();
      listeners.clear();
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
      ctx.progress,
    );
  } catch (error) {
    if (ctx.signal.aborted) return fail("aborted", "The MCP tool call was interrupted.", where);
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && "code" in error && error.code === MCP_REQUEST_TIMEOUT) {
      return fail(
        "timeout",
        `The MCP server "${entry.server}" did not answer within ` +
          `${entry.connection.config.toolTimeoutSec} s (tool_timeout_sec) of its last progress, ` +
          `or within ${MAX_TOOL_TIMEOUT_FACTOR}× that in all; the call was abandoned.`,
        where,
      );
    }
    return fail("io", `The MCP server "${entry.server}" failed during the call: ${reason}`, where);
  }
  const { text, isError } = resultText(result);
  return isError ? fail("tool_error", text, where) : { ok: true, output: text };
}
