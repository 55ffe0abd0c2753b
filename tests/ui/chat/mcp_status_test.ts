import assert from "node:assert/strict";
import { mcpFooterText, mcpReport } from "../../../src/ui/chat/mcp_status.ts";
import type { McpServerState } from "../../../src/mcp/mcp_servers.ts";

const STATES: McpServerState[] = [
  { name: "everything", transport: "stdio", state: "ready", tools: ["echo", "get-sum"] },
  { name: "remote", transport: "http", state: "failed", error: "fetch failed:\nrefused" },
  { name: "slow", transport: "stdio", state: "starting" },
];

Deno.test("/mcp reports each server's state, tool count or reason", () => {
  assert.equal(
    mcpReport(STATES),
    [
      "MCP servers:",
      "  everything  stdio  ready     2 tools",
      "  remote      http   failed    fetch failed: refused",
      "  slow        stdio  starting…",
    ].join("\n"),
  );
  assert.match(mcpReport([]), /no MCP servers configured/);
});

Deno.test("the footer counts ready servers and marks starting and failed ones", () => {
  assert.equal(mcpFooterText([]), undefined);
  assert.equal(mcpFooterText(STATES), "mcp 1/3…!");
  assert.equal(mcpFooterText(STATES.slice(0, 1)), "mcp 1/1");
  assert.equal(mcpFooterText(STATES.slice(0, 2)), "mcp 1/2!");
});

Deno.test("a server's name and reason cannot steer the terminal", () => {
  const report = mcpReport([
    { name: "x", transport: "stdio", state: "failed", error: "\x1b[2Jboom" },
  ]);
  assert.ok(!report.includes("\x1b"), JSON.stringify(report));
});
