/**
 * One running MCP server: started over stdio or streamable HTTP with the SDK's client, its tools
 * listed, and calls made with a time limit. Every failure (a server that cannot start, exits, or
 * takes too long) becomes an error with a message for the user or the model; nothing waits forever.
 */

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import type { McpServerConfig } from "../config/mcp_servers.ts";
import { MAX_TOOL_TIMEOUT_FACTOR, type McpToolInfo } from "./mcp_tool.ts";
import type { ToolProgress } from "../tools/tool.ts";
import { StdioTransport } from "./stdio_transport.ts";
import { authorizedFetch, mcpTokenSource } from "./mcp_oauth.ts";
import { mcpCredentialsLocation } from "./mcp_credentials.ts";
import { VERSION } from "../version.ts";

/** What starting a server needs from its surroundings. */
export interface McpEnvironment {
  /** Reads a variable of Pixir's own environment (PATH, HOME, a bearer token's variable). */
  env(name: string): string | undefined;
  /** The working directory of a stdio server: the workspace. */
  cwd: string;
  fetch: typeof fetch;
  now?: () => number;
  /** Pixir's config folder: where `pixir mcp login` keeps sign-ins (none used without it). */
  configDir?: string;
}

/** A server that started and listed its tools. */
export interface McpConnection {
  config: McpServerConfig;
  /** Every tool the server lists, before the config's filters. */
  tools: McpToolInfo[];
  /**
   * Calls `tool`; rejects when the server fails, exits, or passes `tool_timeout_sec` without a
   * progress notification (each one, passed to `onProgress`, starts the clock again, up to
   * `MAX_TOOL_TIMEOUT_FACTOR` times the limit in all).
   */
  call(
    tool: string,
    args: Record<string, unknown>,
    signal: AbortSignal,
    onProgress?: (update: ToolProgress) => void,
  ): Promise<unknown>;
  close(): Promise<void>;
}

/** Why a server could not be used; the message says what to fix. */
export class McpStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "McpStartError";
  }
}

/**
 * The environment of a stdio server: PATH and HOME from Pixir's, plus what its `env` table names;
 * never Pixir's credentials or other variables.
 */
export function serverEnvironment(
  config: McpServerConfig & { transport: "stdio" },
  env: (name: string) => string | undefined,
): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const name of ["PATH", "HOME"]) {
    const value = env(name);
    if (value !== undefined) inherited[name] = value;
  }
  return { ...inherited, ...config.env };
}

/**
 * Starts `config`'s server and lists its tools within `startup_timeout_sec`; `cancel` gives up
 * sooner (the chat closing while a server starts).
 */
export async function connectMcpServer(
  config: McpServerConfig,
  environment: McpEnvironment,
  cancel?: AbortSignal,
): Promise<McpConnection> {
  const transport = transportFor(config, environment);
  const client = new Client({ name: "pixir", version: VERSION });
  const startup = AbortSignal.timeout(config.startupTimeoutSec * 1000);
  const signal = cancel === undefined ? startup : AbortSignal.any([startup, cancel]);
  const options = { signal, timeout: config.startupTimeoutSec * 1000 };
  let tools: McpToolInfo[];
  try {
    await client.connect(transport, options);
    tools = await listAllTools(client, options);
  } catch (error) {
    await client.close().catch(() => {});
    throw new McpStartError(startFailure(config, transport, error, startup.aborted));
  }
  return {
    config,
    tools,
    call: async (tool, args, signal, onProgress) => {
      const limit = config.toolTimeoutSec * 1000;
      return await client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout: limit,
        // The specification lets progress restart the clock but asks for a ceiling all the same.
        resetTimeoutOnProgress: true,
        maxTotalTimeout: limit * MAX_TOOL_TIMEOUT_FACTOR,
        onprogress: (p: Progress) =>
          onProgress?.({
            progress: p.progress,
            ...(p.total === undefined ? {} : { total: p.total }),
            ...(p.message === undefined ? {} : { message: p.message }),
          }),
      });
    },
    close: () => client.close(),
  };
}

function transportFor(config: McpServerConfig, environment: McpEnvironment): Transport {
  if (config.transport === "stdio") {
    return new StdioTransport({
      command: config.command,
      args: config.args,
      env: serverEnvironment(config, environment.env),
      cwd: environment.cwd,
    });
  }
  const headers: Record<string, string> = { ...config.headers };
  if (config.bearerTokenEnvVar !== undefined) {
    const token = environment.env(config.bearerTokenEnvVar);
    if (token === undefined || token.trim() === "") {
      throw new McpStartError(
        `${config.bearerTokenEnvVar} is not set (bearer_token_env_var of ` +
          `[mcp_servers.${config.name}]): set it to the server's token`,
      );
    }
    headers.Authorization = `Bearer ${token.trim()}`;
  }
  // A server with its own bearer token does not use an OAuth sign-in.
  const fetchFn = config.bearerTokenEnvVar !== undefined || environment.configDir === undefined
    ? environment.fetch
    : authorizedFetch(
      config.name,
      mcpTokenSource(
        config.name,
        config.url,
        mcpCredentialsLocation(environment.configDir, config.name),
        { fetch: environment.fetch, now: environment.now ?? Date.now },
      ),
      environment.fetch,
    );
  return new StreamableHTTPClientTransport(new URL(config.url), {
    requestInit: { headers },
    fetch: fetchFn,
  });
}

/** Every page of `tools/list`, with the parts Pixir uses. */
async function listAllTools(
  client: Client,
  options: { signal: AbortSignal; timeout: number },
): Promise<McpToolInfo[]> {
  const tools: McpToolInfo[] = [];
  let cursor: string | undefined;
  // A server that keeps returning cursors is cut off by the startup timeout.
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor }, options);
    for (const tool of page.tools) {
      tools.push({
        name: tool.name,
        ...(tool.description === undefined ? {} : { description: tool.description }),
        inputSchema: tool.inputSchema,
        readOnlyHint: tool.annotations?.readOnlyHint === true,
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

function startFailure(
  config: McpServerConfig,
  transport: Transport,
  error: unknown,
  timedOut: boolean,
): string {
  if (timedOut) {
    return `did not start within ${config.startupTimeoutSec} s (startup_timeout_sec)`;
  }
  if (error instanceof Deno.errors.NotFound && config.transport === "stdio") {
    return `cannot start "${config.command}": command not found`;
  }
  const reason = error instanceof Error ? error.message : String(error);
  const stderr = transport instanceof StdioTransport ? transport.stderrTail : "";
  const exit = transport instanceof StdioTransport ? transport.exitStatus : undefined;
  const exited = exit === undefined ? "" : ` (the server exited with code ${exit.code})`;
  return `${reason}${exited}${stderr === "" ? "" : `; its stderr ends with: ${lastLine(stderr)}`}`;
}

function lastLine(text: string): string {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  return lines.at(-1) ?? "";
}
