/**
 * `pixir mcp add` and `remove` as edits of config.toml's text: a server is one
 * `[mcp_servers.NAME]` section appended at the end or cut out, and every other line (comments,
 * order, formatting) stays as the user wrote it. The result is parsed and validated before it is
 * written, atomically, so a failed edit never leaves a broken or half-written file.
 */

import { writeFileAtomic } from "../util/atomic_write.ts";
import { parseConfigText } from "./config_file.ts";
import { mcpServers } from "./mcp_servers.ts";
import { SettingsError } from "./settings_error.ts";

/** A server as `add` writes it. */
export type NewMcpServer =
  | {
    name: string;
    command: string;
    args: readonly string[];
    env: Readonly<Record<string, string>>;
  }
  | { name: string; url: string; bearerTokenEnvVar?: string };

/** The section text of a new server. */
export function serverSection(server: NewMcpServer): string {
  const lines = [`[mcp_servers.${server.name}]`];
  if ("command" in server) {
    lines.push(`command = ${JSON.stringify(server.command)}`);
    if (server.args.length > 0) lines.push(`args = ${JSON.stringify(server.args)}`);
    const env = Object.entries(server.env);
    if (env.length > 0) {
      lines.push(
        `env = { ${
          env.map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`).join(", ")
        } }`,
      );
    }
  } else {
    lines.push(`url = ${JSON.stringify(server.url)}`);
    if (server.bearerTokenEnvVar !== undefined) {
      lines.push(`bearer_token_env_var = ${JSON.stringify(server.bearerTokenEnvVar)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** Adds `server` to the config file at `path` (created when missing); refuses an existing name. */
export async function addMcpServer(path: string, server: NewMcpServer): Promise<void> {
  const text = await readOrEmpty(path);
  const current = (await parseConfigText(path, text)).layer.mcp_servers ?? {};
  if (Object.hasOwn(current, server.name)) {
    throw new SettingsError(
      `an MCP server named "${server.name}" is already in ${path}; remove it first ` +
        `(pixir mcp remove ${server.name}) or choose another name`,
    );
  }
  const separator = text === ""
    ? ""
    : text.endsWith("\n\n")
    ? ""
    : text.endsWith("\n")
    ? "\n"
    : "\n\n";
  await writeChecked(path, `${text}${separator}${serverSection(server)}`);
}

/** Removes the server `name` from the config file at `path`; false when it is not there. */
export async function removeMcpServer(path: string, name: string): Promise<boolean> {
  const text = await readOrEmpty(path);
  const current = (await parseConfigText(path, text)).layer.mcp_servers ?? {};
  if (!Object.hasOwn(current, name)) return false;
  const lines = text.split("\n");
  const header = (line: string) => /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line)?.[1];
  const ours = (table: string) =>
    table.replace(/["']/g, "") === `mcp_servers.${name}` ||
    table.replace(/["']/g, "").startsWith(`mcp_servers.${name}.`);
  const kept: string[] = [];
  let skipping = false;
  for (const line of lines) {
    const table = header(line);
    if (table !== undefined) skipping = ours(table);
    if (!skipping) kept.push(line);
  }
  const next = kept.join("\n");
  const after = (await parseConfigText(path, next)).layer.mcp_servers ?? {};
  if (Object.hasOwn(after, name)) {
    throw new SettingsError(
      `the server "${name}" is not written as a [mcp_servers.${name}] section in ${path}; ` +
        `edit the file to remove it`,
    );
  }
  await writeChecked(path, next);
  return true;
}

async function writeChecked(path: string, text: string): Promise<void> {
  mcpServers((await parseConfigText(path, text)).layer.mcp_servers);
  await writeFileAtomic(path, text, { mode: 0o600 });
}

async function readOrEmpty(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "";
    throw error;
  }
}
