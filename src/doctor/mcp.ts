/** Doctor's MCP checks: each configured server started, with its tools or why it failed. */

import type { McpServerConfig } from "../config/mcp_servers.ts";
import type { McpEnvironment } from "../mcp/mcp_connection.ts";
import { startMcpServers } from "../mcp/mcp_servers.ts";
import { check, type CheckResult } from "./check.ts";

/** One check per server in `configs`, after starting them all in parallel and stopping them. */
export async function mcpChecks(
  configs: readonly McpServerConfig[],
  environment: McpEnvironment,
): Promise<CheckResult[]> {
  const started = await startMcpServers(configs, environment, () => {});
  await started.close();
  return started.states.map((state) =>
    state.state === "ready"
      ? check(
        `mcp.${state.name}`,
        "mcp",
        "ok",
        `${state.name} (${state.transport}): ${state.tools.length} tools`,
        { details: { tools: state.tools } },
      )
      : check(
        `mcp.${state.name}`,
        "mcp",
        "warn",
        `${state.name} (${state.transport}): ${
          state.state === "failed" ? state.error : "not started"
        }`,
        {
          fix: state.state === "failed" && state.error.includes("pixir mcp login")
            ? `sign in with \`pixir mcp login ${state.name}\`; runs go on without this server`
            : `correct [mcp_servers.${state.name}] in config.toml, or remove it with ` +
              `\`pixir mcp remove ${state.name}\`; runs go on without this server`,
        },
      )
  );
}
