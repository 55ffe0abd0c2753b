/**
 * MCP servers as config.toml declares them under `[mcp_servers.NAME]`, with Codex's keys: a stdio
 * server is a `command` (with `args`, `env`), a streamable HTTP server a `url` (with
 * `bearer_token_env_var`); both take timeouts and tool filters. Validated here so a typo is named
 * with its key before any server starts.
 */

import { SettingsError } from "./settings_error.ts";

/** Seconds a server has to start and list its tools, unless `startup_timeout_sec` says otherwise. */
export const DEFAULT_STARTUP_TIMEOUT_SEC = 10;

/** Seconds one tool call may take, unless `tool_timeout_sec` says otherwise. */
export const DEFAULT_TOOL_TIMEOUT_SEC = 60;

/** What every server has, whatever its transport. */
interface McpServerCommon {
  name: string;
  startupTimeoutSec: number;
  toolTimeoutSec: number;
  /** Only these tools reach the model, when given. */
  enabledTools?: readonly string[];
  /** These tools never reach the model. */
  disabledTools: readonly string[];
}

/** One configured MCP server. */
export type McpServerConfig =
  | McpServerCommon & {
    transport: "stdio";
    command: string;
    args: readonly string[];
    /** Variables the server gets beyond PATH and HOME. */
    env: Readonly<Record<string, string>>;
  }
  | McpServerCommon & {
    transport: "http";
    url: string;
    /** The variable holding the bearer token sent to the server, if any. */
    bearerTokenEnvVar?: string;
    /** Headers sent with every request (`http_headers`; an editor's headers over ACP). */
    headers?: Readonly<Record<string, string>>;
  };

const STDIO_KEYS = ["command", "args", "env"];
const HTTP_KEYS = ["url", "bearer_token_env_var", "http_headers"];
const COMMON_KEYS = ["startup_timeout_sec", "tool_timeout_sec", "enabled_tools", "disabled_tools"];

/** A server name usable in tool names and flags: letters, digits, `_` and `-`. */
const NAME = /^[A-Za-z0-9_-]+$/;

/**
 * The servers of the merged `mcp_servers` tables, in the order written. Throws SettingsError naming
 * the key and the fix for a table that is neither stdio nor HTTP, an unknown key or a wrong type.
 */
export function mcpServers(
  tables: Readonly<Record<string, Record<string, unknown>>> | undefined,
): McpServerConfig[] {
  return Object.entries(tables ?? {}).map(([name, table]) => mcpServer(name, table));
}

function mcpServer(name: string, table: Record<string, unknown>): McpServerConfig {
  const where = `mcp_servers.${name}`;
  if (!NAME.test(name)) {
    throw new SettingsError(
      `[${where}]: a server name may hold only letters, digits, "_" and "-"`,
    );
  }
  const hasCommand = table.command !== undefined;
  const hasUrl = table.url !== undefined;
  if (hasCommand === hasUrl) {
    throw new SettingsError(
      `[${where}] needs exactly one of command (a stdio server) or url (a streamable HTTP server)`,
    );
  }
  const allowed = [...COMMON_KEYS, ...(hasCommand ? STDIO_KEYS : HTTP_KEYS)];
  for (const key of Object.keys(table)) {
    if (!allowed.includes(key)) {
      throw new SettingsError(
        `${where}.${key} is not a setting of a ${hasCommand ? "stdio" : "streamable HTTP"} ` +
          `server; use ${allowed.join(", ")}`,
      );
    }
  }
  const common: McpServerCommon = {
    name,
    startupTimeoutSec: seconds(table, "startup_timeout_sec", where, DEFAULT_STARTUP_TIMEOUT_SEC),
    toolTimeoutSec: seconds(table, "tool_timeout_sec", where, DEFAULT_TOOL_TIMEOUT_SEC),
    disabledTools: strings(table, "disabled_tools", where) ?? [],
  };
  const enabled = strings(table, "enabled_tools", where);
  if (enabled !== undefined) common.enabledTools = enabled;
  if (hasCommand) {
    return {
      ...common,
      transport: "stdio",
      command: text(table, "command", where),
      args: strings(table, "args", where) ?? [],
      env: stringTable(table, "env", where) ?? {},
    };
  }
  const url = text(table, "url", where);
  if (!/^https?:\/\/./.test(url) || !URL.canParse(url)) {
    throw new SettingsError(`${where}.url must be an http(s) URL, not "${url}"`);
  }
  const bearer = table.bearer_token_env_var;
  const headers = stringTable(table, "http_headers", where);
  return {
    ...common,
    transport: "http",
    url,
    ...(bearer === undefined
      ? {}
      : { bearerTokenEnvVar: text(table, "bearer_token_env_var", where) }),
    ...(headers === undefined ? {} : { headers }),
  };
}

function stringTable(
  table: Record<string, unknown>,
  key: string,
  where: string,
): Record<string, string> | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (
    typeof value !== "object" || value === null || Array.isArray(value) ||
    Object.values(value).some((v) => typeof v !== "string")
  ) {
    throw new SettingsError(`${where}.${key} must be a table of strings, e.g. { KEY = "value" }`);
  }
  return value as Record<string, string>;
}

function text(table: Record<string, unknown>, key: string, where: string): string {
  const value = table[key];
  if (typeof value !== "string" || value.trim() === "") {
    throw new SettingsError(`${where}.${key} must be a non-empty string`);
  }
  return value;
}

function strings(
  table: Record<string, unknown>,
  key: string,
  where: string,
): string[] | undefined {
  const value = table[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new SettingsError(`${where}.${key} must be a list of strings, e.g. ["a", "b"]`);
  }
  return value;
}

function seconds(
  table: Record<string, unknown>,
  key: string,
  where: string,
  fallback: number,
): number {
  const value = table[key];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new SettingsError(`${where}.${key} must be a positive number of seconds`);
  }
  return value;
}
