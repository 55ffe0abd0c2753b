/** `pixir acp`: serve the Agent Client Protocol on stdin/stdout for an editor. */

import { ndJsonStream } from "@agentclientprotocol/sdk";
import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { credentialsFrom, pathsFrom, resolveWorkspace, settingsFrom } from "./inputs.ts";
import { Failure } from "../app/failure.ts";
import { openSessionHost } from "../app/session_host.ts";
import { signInWithChatgpt } from "../app/sign_in.ts";
import { envApiKey } from "../auth/api_key.ts";
import { acpAgent, type AuthMethodId } from "../ui/acp/agent.ts";
import type { Io } from "../util/io.ts";
import { VERSION } from "../version.ts";
import { mcpEnvironment } from "../app/turn_wiring.ts";
import { launchMcpServers, type McpServers } from "../mcp/mcp_servers.ts";
import { sessionMcpServers } from "../ui/acp/mcp_servers.ts";

/** The `acp` command. */
export const acpCommand: Command = {
  name: "acp",
  summary: "serve the Agent Client Protocol on stdin/stdout (for Zed, JetBrains, Neovim)",
  help: `Usage: pixir acp

Runs Pixir as an Agent Client Protocol (ACP) agent: an editor starts it and speaks JSON-RPC over
stdin and stdout, one JSON message per line. stdout carries only the protocol; Pixir's own log goes
to stderr. Each editor session is an ordinary Pixir session (see \`pixir sessions\`, \`pixir resume\`).

Modes (the editor's mode menu):
  read-only   nothing is written; only read-only shell commands run
  ask         files change inside the workspace; other shell commands are asked about (default)
  auto        every shell command and MCP tool runs without asking; file tools stay in the
              workspace

MCP servers: the session starts config.toml's [mcp_servers] and the editor's own (session/new's
mcpServers: stdio and streamable HTTP; an editor's server replaces a configured one of the same
name). Their tools are asked about through the editor like shell commands; the auto mode runs them
without asking, the read-only mode only those their server marks read-only.

Sign-in: the stored \`pixir login\`, else OPENAI_API_KEY. Without either, the editor is offered
"chatgpt" (sign in in the browser) and "openai-api-key" (OPENAI_API_KEY in the agent's environment).

Zed (settings.json):
  "agent_servers": { "Pixir": { "command": "pixir", "args": ["acp"] } }

Exit codes: 0 when the editor closes stdin.
`,
  async run(argv, io) {
    const { positionals } = parseFlags(acpCommand, argv, {}, { max: Infinity });
    if (positionals.length > 0) {
      throw new CliFailure("usage", "acp: takes no arguments");
    }
    if (io.stdin.isTerminal) {
      throw new CliFailure("usage", "acp: speaks JSON-RPC on stdin; it is started by an editor", {
        hint: 'add it to the editor\'s agent servers: {"command": "pixir", "args": ["acp"]}',
      });
    }
    const settings = await settingsFrom(io);
    const paths = pathsFrom(io);
    const log = (message: string) => void io.stderr.write(`pixir acp: ${message}\n`);
    // Every session's MCP servers, stopped before the process ends whatever the editor did.
    const running = new Set<McpServers>();
    const app = acpAgent({
      version: VERSION,
      log,
      defaultChoice: () => ({ model: settings.model, effort: settings.effort }),
      async openHost(cwd, reporters, editorServers) {
        const workspace = await resolveWorkspace(cwd, io.cwd);
        const credentials = await credentialsFrom(io, undefined, paths, settings);
        // Started in the background: the session is ready at once and its first prompt waits for
        // servers still starting; a failure goes to the log.
        const mcp = launchMcpServers(
          sessionMcpServers(settings.mcpServers, editorServers),
          mcpEnvironment(io, workspace),
          (message) => log(`warning: ${message}`),
        );
        const host = await openSessionHost({
          io,
          paths,
          settings,
          credentials,
          workspace,
          withContext: true,
          patch: {},
          ...reporters,
          mcp,
        }).catch(async (error) => {
          await mcp.close();
          throw error;
        });
        running.add(mcp);
        return {
          host,
          stop: () => {
            running.delete(mcp);
            return mcp.close();
          },
        };
      },
      authenticate: (method, signal) => authenticate(io, method, signal, log),
    });
    const { input, output } = io.byteStreams();
    const connection = app.connect(ndJsonStream(output, input));
    await connection.closed;
    await Promise.all([...running].map((mcp) => mcp.close()));
    return EXIT.ok;
  },
};

/** Signs in the way the editor chose; the browser's link goes to the log. */
async function authenticate(
  io: Io,
  method: AuthMethodId,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<void> {
  if (method === "openai-api-key") {
    if (envApiKey(io.env) !== undefined) return;
    throw new Failure("not_authenticated", "OPENAI_API_KEY is not set in the agent's environment", {
      hint: "set it in the editor's agent server settings (env), or run `pixir login`",
    });
  }
  const signedIn = await signInWithChatgpt(
    { kind: "browser", print: log, readPastedLine: () => Promise.resolve(null) },
    {
      fetch: io.fetch,
      os: io.os,
      now: io.now,
      issuer: (await settingsFrom(io)).authIssuer,
      configDir: pathsFrom(io).configDir,
      signal,
    },
  );
  log(`signed in as ${signedIn.who}; credentials saved to ${signedIn.file}`);
}
