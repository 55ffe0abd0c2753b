import assert from "node:assert/strict";
import { mcpServers } from "../../src/config/mcp_servers.ts";
import { SettingsError } from "../../src/config/settings_error.ts";

Deno.test("stdio and HTTP servers are read with Codex's keys and defaults", () => {
  assert.deepEqual(
    mcpServers({
      local: {
        command: "node",
        args: ["server.js"],
        env: { TOKEN: "t" },
        tool_timeout_sec: 5,
        enabled_tools: ["echo"],
      },
      remote: {
        url: "https://mcp.example.com/mcp",
        bearer_token_env_var: "REMOTE_TOKEN",
        http_headers: { "X-Team": "core" },
      },
    }),
    [
      {
        name: "local",
        transport: "stdio",
        command: "node",
        args: ["server.js"],
        env: { TOKEN: "t" },
        startupTimeoutSec: 10,
        toolTimeoutSec: 5,
        enabledTools: ["echo"],
        disabledTools: [],
      },
      {
        name: "remote",
        transport: "http",
        url: "https://mcp.example.com/mcp",
        bearerTokenEnvVar: "REMOTE_TOKEN",
        headers: { "X-Team": "core" },
        startupTimeoutSec: 10,
        toolTimeoutSec: 60,
        disabledTools: [],
      },
    ],
  );
});

Deno.test("bad server tables are refused naming the key and the fix", () => {
  const refused = (tables: Record<string, Record<string, unknown>>, pattern: RegExp) =>
    assert.throws(
      () => mcpServers(tables),
      (e) => e instanceof SettingsError && pattern.test(e.message),
    );
  refused({ x: {} }, /\[mcp_servers\.x\] needs exactly one of command .* or url/);
  refused({ x: { command: "a", url: "http://b" } }, /exactly one/);
  refused({ x: { command: "a", url_typo: 1 } }, /mcp_servers\.x\.url_typo is not a setting/);
  refused({ x: { command: "a", args: "b" } }, /args must be a list of strings/);
  refused({ x: { command: "a", env: { A: 1 } } }, /env must be a table of strings/);
  refused({ x: { url: "ftp://b" } }, /url must be an http\(s\) URL/);
  refused({ x: { url: "http://b", http_headers: ["A"] } }, /http_headers must be a table/);
  refused({ x: { command: "a", http_headers: {} } }, /http_headers is not a setting of a stdio/);
  refused({ x: { command: "a", tool_timeout_sec: 0 } }, /positive number of seconds/);
  refused({ "a.b": { command: "a" } }, /letters, digits/);
});
