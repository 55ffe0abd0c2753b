/**
 * The MCP servers an editor hands over in `session/new` and `session/load`, as Pixir's server
 * configuration: stdio and streamable HTTP servers (the transports Pixir advertises); an SSE
 * server, or one whose name cannot be used, is left out with a reason for the log.
 */

import type { McpServer } from "@agentclientprotocol/sdk";
import {
  DEFAULT_STARTUP_TIMEOUT_SEC,
  DEFAULT_TOOL_TIMEOUT_SEC,
  type McpServerConfig,
} from "../../config/mcp_servers.ts";

/** The editor's servers Pixir can start, and why each of the others is left out. */
export interface EditorMcpServers {
  configs: McpServerConfig[];
  refused: string[];
}

/** Pixir's configuration of the editor's `servers`. */
export function editorMcpServers(servers: readonly McpServer[]): EditorMcpServers {
  const configs: McpServerConfig[] = [];
  const refused: string[] = [];
  for (const server of servers) {
    // Names become part of tool names and "always" rules: the same characters as config.toml's.
    const name = server.name.replace(/[^A-Za-z0-9_-]/g, "_");
    if (name === "" || configs.some((c) => c.name === name)) {
      refused.push(
        `the editor's MCP server "${server.name}" is left out: its name is empty or taken`,
      );
      continue;
    }
    const common = {
      name,
      startupTimeoutSec: DEFAULT_STARTUP_TIMEOUT_SEC,
      toolTimeoutSec: DEFAULT_TOOL_TIMEOUT_SEC,
      disabledTools: [],
    };
    if (!("type" in server)) {
      configs.push({
        ...common,
        transport: "stdio",
        command: server.command,
        args: server.args,
        env: Object.fromEntries(server.env.map((v) => [v.name, v.value])),
      });
    } else if (server.type === "http") {
      if (!/^https?:\/\/./.test(server.url) || !URL.canParse(server.url)) {
        refused.push(
          `the editor's MCP server "${server.name}" is left out: "${server.url}" is not an http(s) URL`,
        );
        continue;
      }
      configs.push({
        ...common,
        transport: "http",
        url: server.url,
        headers: Object.fromEntries(server.headers.map((h) => [h.name, h.value])),
      });
    } else {
      refused.push(
        `the editor's MCP server "${server.name}" is left out: Pixir speaks stdio and streamable ` +
          `HTTP, not SSE`,
      );
    }
  }
  return { configs, refused };
}

/**
 * The servers a session starts: config.toml's, with an editor's server of the same name in place
 * of the configured one (the editor chose it for this session).
 */
export function sessionMcpServers(
  configured: readonly McpServerConfig[],
  editor: readonly McpServerConfig[],
): McpServerConfig[] {
  const names = new Set(editor.map((c) => c.name));
  return [...configured.filter((c) => !names.has(c.name)), ...editor];
}
