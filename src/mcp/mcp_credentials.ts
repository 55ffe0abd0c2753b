/**
 * The OAuth sign-in to one remote MCP server, kept like Pixir's own: one file per server in
 * `<config>/mcp_auth/NAME.json` (folder 0700, file 0600), replaced atomically, written only under
 * its sidecar lock, validated on every read and never repaired or replaced by one.
 *
 * ```json
 * {"version": 1, "server_url": "https://mcp.example.com/mcp",
 *  "redirect_uri": "http://localhost:41234/auth/callback",
 *  "client": {"client_id": "…", "issuer": "https://auth.example.com"},
 *  "discovery": {"authorizationServerUrl": "https://auth.example.com", …},
 *  "tokens": {"access_token": "…", "token_type": "Bearer", "refresh_token": "…", …},
 *  "expires_at": 1796490000000, "saved_at": "2026-12-05T15:00:00.000Z"}
 * ```
 */

import { join } from "node:path";
import {
  type OAuthClientInformationMixed,
  OAuthClientInformationSchema,
  type OAuthTokens,
  OAuthTokensSchema,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import type { OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
import { type LockWait, withLock } from "../auth/file_lock.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import { isRecord, parseJson } from "../util/json.ts";

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** A stored sign-in to one MCP server. */
export interface McpCredentials {
  version: 1;
  /** The MCP endpoint signed in to; a config whose url differs does not use these tokens. */
  server_url: string;
  /** The loopback redirect the client was registered with, repeated when refreshing. */
  redirect_uri: string;
  /** The registration (dynamic or not), stamped with its authorization server. */
  client: OAuthClientInformationMixed;
  /** Where the authorization server is and what it offers, so a refresh needs no discovery. */
  discovery?: OAuthDiscoveryState;
  tokens: OAuthTokens;
  /** When the access token stops working (Unix ms), when the server said. */
  expires_at?: number;
  saved_at: string;
}

/** A credentials file that cannot be used; the message names it and what to do. */
export class McpCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "McpCredentialsError";
  }
}

/** Where one server's sign-in lives. */
export interface McpCredentialsLocation {
  dir: string;
  file: string;
  lock: string;
}

/** The files of server `name`'s sign-in inside Pixir's config folder. */
export function mcpCredentialsLocation(configDir: string, name: string): McpCredentialsLocation {
  const dir = join(configDir, "mcp_auth");
  const file = join(dir, `${name}.json`);
  return { dir, file, lock: `${file}.lock` };
}

/**
 * Reads and validates the stored sign-in without the lock (writers replace it by rename, so a
 * reader sees one whole version); null when there is none.
 */
export async function readMcpCredentials(
  location: McpCredentialsLocation,
): Promise<McpCredentials | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(location.file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new McpCredentialsError(`${location.file} cannot be read: ${describe(error)}`);
  }
  return parseMcpCredentials(text, location.file);
}

/** The stored sign-in in `text`, validated; throws McpCredentialsError naming `file`. */
export function parseMcpCredentials(text: string, file: string): McpCredentials {
  const bad = (what: string) =>
    new McpCredentialsError(
      `${file} is not a valid MCP sign-in (${what}); remove it with \`pixir mcp logout\` and ` +
        `sign in again with \`pixir mcp login\``,
    );
  const data = parseJson(text);
  if (data === undefined) throw bad("not JSON");
  if (!isRecord(data) || data.version !== 1) throw bad("unknown version");
  for (const key of ["server_url", "redirect_uri", "saved_at"]) {
    if (typeof data[key] !== "string") throw bad(`${key} missing`);
  }
  const client = OAuthClientInformationSchema.safeParse(data.client);
  if (!client.success) throw bad("client missing");
  const tokens = OAuthTokensSchema.safeParse(data.tokens);
  if (!tokens.success) throw bad("tokens missing");
  if (data.expires_at !== undefined && typeof data.expires_at !== "number") {
    throw bad("expires_at is not a number");
  }
  if (
    data.discovery !== undefined &&
    (!isRecord(data.discovery) || typeof data.discovery.authorizationServerUrl !== "string")
  ) {
    throw bad("discovery is not an object");
  }
  // The client and token schemas strip fields they do not know; keep them as written.
  return data as unknown as McpCredentials;
}

/**
 * Runs `fn` holding the lock of the server's sign-in, so no other Pixir process refreshes or signs
 * in between a read and a write; creates the folder (0700) when needed.
 */
export async function withMcpCredentials<T>(
  location: McpCredentialsLocation,
  fn: () => Promise<T>,
  wait?: LockWait,
): Promise<T> {
  await Deno.mkdir(location.dir, { recursive: true, mode: DIR_MODE });
  await Deno.chmod(location.dir, DIR_MODE).catch(() => {});
  return await withLock(location.lock, fn, wait);
}

/** Replaces the stored sign-in atomically (0600); call it holding the lock. */
export async function writeMcpCredentials(
  location: McpCredentialsLocation,
  credentials: McpCredentials,
): Promise<void> {
  const text = `${JSON.stringify(credentials, null, 2)}\n`;
  // Never save what would not read back: the next run would be locked out.
  parseMcpCredentials(text, location.file);
  await writeFileAtomic(location.file, text, { mode: FILE_MODE });
}

/** Deletes the stored sign-in; false when there was none. Call it holding the lock. */
export async function removeMcpCredentials(location: McpCredentialsLocation): Promise<boolean> {
  try {
    await Deno.remove(location.file);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new McpCredentialsError(`${location.file} cannot be deleted: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
