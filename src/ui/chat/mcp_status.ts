/**
 * The MCP servers in the chat: `/mcp`'s report (each server's state, its tool count or why it
 * failed) and the footer's compact indicator.
 */

import type { McpServerState } from "../../mcp/mcp_servers.ts";
import { counted, oneLine } from "../tool_summary.ts";
import { terminalLine } from "../terminal_text.ts";

/** What the chat learns about the MCP servers as they start. */
export interface McpFeed {
  /** The servers' states now. */
  states(): readonly McpServerState[];
  /**
   * Calls `changed` after each change of state and `warning` with each problem (a server that
   * failed, a tool left out); warnings given before the call are passed at once.
   */
  subscribe(listener: { changed(): void; warning(message: string): void }): void;
}

/** `/mcp`'s text: one line per server, or how to add one when none is configured. */
export function mcpReport(states: readonly McpServerState[]): string {
  if (states.length === 0) {
    return "no MCP servers configured; add one with `pixir mcp add NAME -- COMMAND …`";
  }
  const width = Math.max(...states.map((s) => terminalLine(s.name).length));
  const lines = states.map((s) => {
    const head = `${terminalLine(s.name).padEnd(width)}  ${s.transport.padEnd(5)}`;
    switch (s.state) {
      case "starting":
        return `${head}  starting…`;
      case "ready":
        return `${head}  ready     ${counted(s.tools.length, "tool")}`;
      case "failed":
        return `${head}  failed    ${oneLine(s.error)}`;
    }
  });
  return ["MCP servers:", ...lines.map((line) => `  ${line}`)].join("\n");
}

/**
 * The footer's indicator: `mcp 2/3` (servers ready of those configured), `…` while some still
 * start, `!` when one failed; undefined without servers.
 */
export function mcpFooterText(states: readonly McpServerState[]): string | undefined {
  if (states.length === 0) return undefined;
  const ready = states.filter((s) => s.state === "ready").length;
  const starting = states.some((s) => s.state === "starting") ? "…" : "";
  const failed = states.some((s) => s.state === "failed") ? "!" : "";
  return `mcp ${ready}/${states.length}${starting}${failed}`;
}
