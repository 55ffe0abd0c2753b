/**
 * `pixir mcp`: the MCP servers of config.toml — listed with their state and tools (each is started
 * to find out), shown one at a time, added and removed (config.toml edited in place, atomically).
 */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom, resolveWorkspace, settingsFrom } from "./inputs.ts";
import type { Io } from "../util/io.ts";
import { userConfigPath } from "../config/config_file.ts";
import { addMcpServer, type NewMcpServer, removeMcpServer } from "../config/mcp_config_edit.ts";
import type { McpServerConfig } from "../config/mcp_servers.ts";
import { SettingsError } from "../config/settings_error.ts";
import { type McpServerState, startMcpServers } from "../mcp/mcp_servers.ts";
import { mcpEnvironment } from "../app/turn_wiring.ts";
import {
  mcpCredentialsLocation,
  readMcpCredentials,
  removeMcpCredentials,
  withMcpCredentials,
} from "../mcp/mcp_credentials.ts";
import { mcpLogin, revokeMcpTokens } from "../mcp/mcp_oauth.ts";
import { secureRandomBytes } from "../auth/pkce.ts";
import { openBrowser, spawnDetached } from "../auth/open_browser.ts";

const LIST_FLAGS = { json: { type: "boolean" }, cwd: { type: "string", short: "C" } } as const;
const ADD_FLAGS = {
  url: { type: "string" },
  "bearer-token-env-var": { type: "string" },
  env: { type: "string", multiple: true },
} as const;

/** The `mcp` command. */
export const mcpCommand: Command = {
  name: "mcp",
  summary: "list, show, add or remove MCP servers (config.toml); sign in to remote ones",
  help: `Usage: pixir mcp list [--json]
       pixir mcp get NAME [--json]
       pixir mcp add NAME [--env KEY=VALUE]… -- COMMAND [ARGS…]
       pixir mcp add NAME --url URL [--bearer-token-env-var VAR]
       pixir mcp remove NAME
       pixir mcp login NAME
       pixir mcp logout NAME

MCP servers give the model more tools, named mcp__NAME__TOOL. They are configured in config.toml
under [mcp_servers.NAME] (see "MCP servers" in the README). \`list\` and \`get\` start each server
to report its state and tools; \`add\` and \`remove\` edit config.toml, keeping the rest of it.

\`login\` signs in to a remote (url) server that asks for OAuth: Pixir finds its authorization
server, registers itself there when the server allows it, and prints a URL to open in a browser
(opened for you when it can). The browser comes back to a port on this machine; on another machine
(SSH), paste the address the browser ends up on. The token is kept in mcp_auth/NAME.json in
Pixir's config folder (0600) and refreshed when it expires; \`logout\` deletes it.

Flags:
      --json                      print JSON
      --url URL                   a streamable HTTP server
      --bearer-token-env-var VAR  send the token in VAR as "Authorization: Bearer …"
      --env KEY=VALUE             a variable for a stdio server (repeatable)
  -h, --help                      show this help

Examples:
  pixir mcp add files -- npx -y @modelcontextprotocol/server-filesystem /srv/docs
  pixir mcp add remote --url https://mcp.example.com/mcp --bearer-token-env-var REMOTE_TOKEN
  pixir mcp list
  pixir mcp login remote
`,
  async run(argv, io) {
    const [action, ...rest] = argv;
    try {
      switch (action) {
        case "list":
          return await list(rest, io, undefined);
        case "get":
          return await get(rest, io);
        case "add":
          return await add(rest, io);
        case "remove":
          return await remove(rest, io);
        case "login":
          return await login(rest, io);
        case "logout":
          return await logout(rest, io);
        default:
          throw new CliFailure(
            "usage",
            action === undefined ? "mcp: missing action" : `mcp: unknown action "${action}"`,
            { hint: "use one of: list, get, add, remove, login, logout (see `pixir mcp --help`)" },
          );
      }
    } catch (error) {
      if (error instanceof SettingsError) throw new CliFailure("usage", error.message);
      throw error;
    }
  },
};

/** One server as `list --json` and `get --json` print it. */
interface ServerReport {
  name: string;
  transport: "stdio" | "http";
  /** The command line or URL. */
  target: string;
  state: "ready" | "failed";
  error?: string;
  tools: string[];
  /**
   * How a remote server is authorized: `bearer` (bearer_token_env_var), `oauth` (a sign-in stored
   * by `pixir mcp login`) or `none`; absent for stdio servers.
   */
  auth?: "bearer" | "oauth" | "none";
}

async function list(argv: string[], io: Io, only: string | undefined): Promise<number> {
  const { values, positionals } = parseFlags(mcpCommand, argv, LIST_FLAGS, { max: Infinity });
  if (positionals.length > 0) {
    throw new CliFailure("usage", `mcp list: unexpected argument "${positionals[0]}"`);
  }
  const workspace = await resolveWorkspace(values.cwd ?? ".", io.cwd);
  const settings = await settingsFrom(io, {}, workspace);
  const configs = settings.mcpServers.filter((s) => only === undefined || s.name === only);
  if (only !== undefined && configs.length === 0) {
    throw new CliFailure("usage", `mcp get: there is no MCP server named "${only}"`, {
      hint: "see `pixir mcp list`",
    });
  }
  const started = await startMcpServers(
    configs,
    mcpEnvironment(io, workspace),
    () => {},
  );
  await started.close();
  const { configDir } = pathsFrom(io);
  const reports = await Promise.all(configs.map(async (config) => ({
    ...report(config, started.states),
    ...(config.transport === "http" ? { auth: await authOf(config, configDir) } : {}),
  })));
  if (values.json) {
    const body = only === undefined ? { servers: reports } : reports[0];
    await io.stdout.write(`${JSON.stringify(body)}\n`);
  } else if (reports.length === 0) {
    await io.stdout.write(
      "no MCP servers configured; add one with `pixir mcp add NAME -- COMMAND …`\n",
    );
  } else {
    await io.stdout.write(reports.map(describe).join("\n"));
  }
  return reports.some((r) => r.state === "failed") ? EXIT.runtime : EXIT.ok;
}

async function authOf(
  config: McpServerConfig & { transport: "http" },
  configDir: string,
): Promise<"bearer" | "oauth" | "none"> {
  if (config.bearerTokenEnvVar !== undefined) return "bearer";
  const stored = await readMcpCredentials(mcpCredentialsLocation(configDir, config.name))
    .catch(() => null);
  return stored?.server_url === config.url ? "oauth" : "none";
}

function report(config: McpServerConfig, states: readonly McpServerState[]): ServerReport {
  const state = states.find((s) => s.name === config.name);
  const target = config.transport === "stdio"
    ? [config.command, ...config.args].join(" ")
    : config.url;
  const base = { name: config.name, transport: config.transport, target };
  if (state?.state === "ready") return { ...base, state: "ready", tools: state.tools };
  return {
    ...base,
    state: "failed",
    error: state?.state === "failed" ? state.error : "not started",
    tools: [],
  };
}

function describe(r: ServerReport): string {
  const auth = r.auth === undefined || r.auth === "none" ? "" : `  (${r.auth})`;
  const head = `${r.name}  ${r.transport}  ${r.state}  ${r.target}${auth}\n`;
  if (r.state === "failed") return `${head}  error: ${r.error}\n`;
  return `${head}  tools: ${r.tools.length === 0 ? "(none)" : r.tools.join(", ")}\n`;
}

async function get(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name.startsWith("-")) {
    throw new CliFailure("usage", "mcp get: missing NAME", { hint: "pixir mcp get NAME" });
  }
  return await list(rest, io, name);
}

async function add(argv: string[], io: Io): Promise<number> {
  const dash = argv.indexOf("--");
  const own = dash < 0 ? argv : argv.slice(0, dash);
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  const { values, positionals } = parseFlags(mcpCommand, own, ADD_FLAGS, { max: Infinity });
  const [name, ...extra] = positionals;
  if (name === undefined) {
    throw new CliFailure("usage", "mcp add: missing NAME", {
      hint: "pixir mcp add NAME -- COMMAND [ARGS…]  or  pixir mcp add NAME --url URL",
    });
  }
  if (extra.length > 0) {
    throw new CliFailure("usage", `mcp add: unexpected argument "${extra[0]}"`, {
      hint: "put the server's command after --: pixir mcp add NAME -- COMMAND [ARGS…]",
    });
  }
  if ((values.url === undefined) === (command.length === 0)) {
    throw new CliFailure("usage", "mcp add: give either -- COMMAND [ARGS…] or --url URL", {
      hint: "pixir mcp add NAME -- COMMAND [ARGS…]  or  pixir mcp add NAME --url URL",
    });
  }
  let server: NewMcpServer;
  if (values.url !== undefined) {
    if (values.env !== undefined) {
      throw new CliFailure("usage", "mcp add: --env is for stdio servers (a command after --)");
    }
    const token = values["bearer-token-env-var"];
    server = {
      name,
      url: values.url,
      ...(token === undefined ? {} : { bearerTokenEnvVar: token }),
    };
  } else {
    if (values["bearer-token-env-var"] !== undefined) {
      throw new CliFailure("usage", "mcp add: --bearer-token-env-var is for --url servers");
    }
    server = { name, command: command[0], args: command.slice(1), env: envPairs(values.env ?? []) };
  }
  const path = userConfigPath(pathsFrom(io).configDir);
  await addMcpServer(path, server);
  await io.stdout.write(`added MCP server "${name}" to ${path}\n`);
  return EXIT.ok;
}

function envPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new CliFailure("usage", `mcp add: --env needs KEY=VALUE, not "${pair}"`);
    }
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

async function remove(argv: string[], io: Io): Promise<number> {
  const [name, ...extra] = argv;
  if (name === undefined || extra.length > 0) {
    throw new CliFailure("usage", "mcp remove: give exactly one NAME", {
      hint: "pixir mcp remove NAME",
    });
  }
  const path = userConfigPath(pathsFrom(io).configDir);
  if (!await removeMcpServer(path, name)) {
    throw new CliFailure("usage", `mcp remove: there is no MCP server named "${name}" in ${path}`, {
      hint: "see `pixir mcp list`",
    });
  }
  await io.stdout.write(`removed MCP server "${name}" from ${path}\n`);
  return EXIT.ok;
}

/** The remote server `name` of config.toml, for `login`; a usage failure names what is wrong. */
async function remoteServer(action: string, argv: string[], io: Io) {
  const [name, ...extra] = argv;
  if (name === undefined || name.startsWith("-") || extra.length > 0) {
    throw new CliFailure("usage", `mcp ${action}: give exactly one NAME`, {
      hint: `pixir mcp ${action} NAME`,
    });
  }
  const settings = await settingsFrom(io);
  const config = settings.mcpServers.find((s) => s.name === name);
  if (config === undefined) {
    throw new CliFailure("usage", `mcp ${action}: there is no MCP server named "${name}"`, {
      hint: "see `pixir mcp list`",
    });
  }
  return config;
}

async function login(argv: string[], io: Io): Promise<number> {
  const config = await remoteServer("login", argv, io);
  if (config.transport !== "http") {
    throw new CliFailure("usage", `mcp login: "${config.name}" is a stdio server`, {
      hint: "only remote (url) servers sign in; a stdio server gets what it needs from its env",
    });
  }
  if (config.bearerTokenEnvVar !== undefined) {
    throw new CliFailure(
      "usage",
      `mcp login: "${config.name}" sends the token in ${config.bearerTokenEnvVar} ` +
        "(bearer_token_env_var)",
      { hint: "remove bearer_token_env_var from its [mcp_servers] table to sign in with OAuth" },
    );
  }
  const location = mcpCredentialsLocation(pathsFrom(io).configDir, config.name);
  const controller = new AbortController();
  const off = io.onSignal("SIGINT", () => controller.abort());
  try {
    const signedIn = await mcpLogin(config.name, config.url, location, {
      fetch: io.fetch,
      now: io.now,
      random: secureRandomBytes,
      print: (line) => void io.stderr.write(`${line}\n`),
      openBrowser: (url) => openBrowser(url, { os: io.os, spawn: spawnDetached }),
      readPastedLine: (signal) =>
        io.stdin.isTerminal ? io.stdin.readLine(signal) : Promise.resolve(null),
      signal: controller.signal,
    });
    const expiry = signedIn.expires_at === undefined
      ? ""
      : `; the access token is refreshed after ${new Date(signedIn.expires_at).toISOString()}`;
    await io.stderr.write(
      `Signed in to the MCP server "${config.name}". Token saved to ${location.file}${expiry}\n`,
    );
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliFailure(
      "not_authenticated",
      controller.signal.aborted
        ? `mcp login: cancelled; nothing was saved`
        : `mcp login: ${reason}`,
      { hint: `nothing was saved; run \`pixir mcp login ${config.name}\` to try again` },
    );
  } finally {
    off();
  }
}

async function logout(argv: string[], io: Io): Promise<number> {
  const [name, ...extra] = argv;
  if (name === undefined || name.startsWith("-") || extra.length > 0) {
    throw new CliFailure("usage", "mcp logout: give exactly one NAME", {
      hint: "pixir mcp logout NAME",
    });
  }
  const location = mcpCredentialsLocation(pathsFrom(io).configDir, name);
  // Read before it goes, to revoke what it held; a file that cannot be read is removed all the same.
  const stored = await readMcpCredentials(location).catch(() => null);
  const removed = await withMcpCredentials(location, () => removeMcpCredentials(location));
  if (!removed) {
    await io.stderr.write(`No sign-in is stored for the MCP server "${name}".\n`);
    return EXIT.ok;
  }
  const revocation = stored === null ? "failed" : await revokeMcpTokens(stored, io.fetch);
  const copies = revocation === "revoked"
    ? "its authorization server revoked the tokens"
    : `the tokens could not be revoked${
      revocation === "unsupported" ? " (its authorization server offers no revocation)" : ""
    }, so copies stay valid until they expire`;
  await io.stderr.write(
    `Signed out of the MCP server "${name}": removed ${location.file}; ${copies}.\n`,
  );
  return EXIT.ok;
}
