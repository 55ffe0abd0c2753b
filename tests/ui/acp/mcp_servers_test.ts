import assert from "node:assert/strict";
import { editorMcpServers, sessionMcpServers } from "../../../src/ui/acp/mcp_servers.ts";
import { mcpServers } from "../../../src/config/mcp_servers.ts";

Deno.test("an editor's stdio and http servers become Pixir's configuration", () => {
  const { configs, refused } = editorMcpServers([
    { name: "files", command: "node", args: ["fs.js"], env: [{ name: "A", value: "b" }] },
    {
      type: "http",
      name: "web search",
      url: "https://mcp.example/mcp",
      headers: [{ name: "X", value: "y" }],
    },
  ]);
  assert.deepEqual(refused, []);
  assert.deepEqual(configs.map((c) => [c.name, c.transport]), [
    ["files", "stdio"],
    ["web_search", "http"],
  ]);
  assert.deepEqual(configs[0].transport === "stdio" && configs[0].env, { A: "b" });
  assert.deepEqual(configs[1].transport === "http" && configs[1].headers, { X: "y" });
});

Deno.test("SSE servers, bad URLs and taken names are left out with a reason", () => {
  const { configs, refused } = editorMcpServers([
    { type: "sse", name: "old", url: "https://x/sse", headers: [] },
    { type: "http", name: "bad", url: "file:///etc/passwd", headers: [] },
    { name: "a b", command: "x", args: [], env: [] },
    { name: "a_b", command: "y", args: [], env: [] },
  ]);
  assert.deepEqual(configs.map((c) => c.name), ["a_b"]);
  assert.equal(refused.length, 3);
  assert.match(refused[0], /"old".*not SSE/);
  assert.match(refused[1], /"bad".*not an http\(s\) URL/);
  assert.match(refused[2], /"a_b".*taken/);
});

Deno.test("an editor's server takes the place of config.toml's server of the same name", () => {
  const configured = mcpServers({ a: { command: "from-config" }, b: { command: "kept" } });
  const editor = editorMcpServers([{ name: "a", command: "from-editor", args: [], env: [] }]);
  const merged = sessionMcpServers(configured, editor.configs);
  assert.deepEqual(
    merged.map((c) => c.transport === "stdio" ? c.command : c.url),
    ["kept", "from-editor"],
  );
});
