/**
 * The stored sign-in: one versioned `auth.json` in Pixir's config folder holding either a ChatGPT
 * login or an API key. Reads validate everything and never repair or replace a bad file; writes
 * happen only under the sidecar lock, atomically, with the file 0600 and new folders 0700.
 *
 * ```json
 * {"version": 1, "method": "chatgpt", "issuer": "https://auth.openai.com",
 *  "tokens": {"id_token": "…", "access_token": "…", "refresh_token": "…", "account_id": "…"},
 *  "last_refresh": "2026-01-28T08:05:37.000Z"}
 * {"version": 1, "method": "api_key", "api_key": "sk-…"}
 * ```
 */

import { dirname, join } from "node:path";
import { CredentialUnavailableError } from "./credential.ts";
import { LockError, type LockWait, withLock } from "./file_lock.ts";
import type { TokenSet } from "./oauth.ts";
import { isRecord, type JsonRecord, parseJson, stringField } from "../util/json.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";

/** Where the stored sign-in lives. */
export interface AuthFileLocation {
  /** Pixir's config folder. */
  dir: string;
  /** `auth.json`. */
  file: string;
  /** `auth.json.lock`, the sidecar every writer of `auth.json` locks. */
  lock: string;
}

/** A ChatGPT login's tokens, with the account id requests must name. */
export interface StoredTokens extends TokenSet {
  account_id: string;
}

/** A ChatGPT subscription login. */
export interface ChatgptAuth {
  method: "chatgpt";
  /** The issuer that minted the tokens; refreshes go back to it. */
  issuer: string;
  tokens: StoredTokens;
  /** When the tokens were obtained or last refreshed (ISO 8601). */
  last_refresh: string;
}

/** An OpenAI API key saved with `pixir login --with-api-key`. */
export interface ApiKeyAuth {
  method: "api_key";
  api_key: string;
}

/** What `auth.json` holds. */
export type StoredAuth = ChatgptAuth | ApiKeyAuth;

/** The read-modify-write view of `auth.json` that exists only while its lock is held. */
export interface LockedAuthFile {
  /** The current content, or null when there is no file. */
  read(): Promise<StoredAuth | null>;
  /** Replaces the file atomically (mode 0600). */
  write(auth: StoredAuth): Promise<void>;
  /** Deletes the file; false when there was none. */
  remove(): Promise<boolean>;
}

/** `auth.json` could not be read, understood, or written; the message names the file. */
export class AuthFileError extends CredentialUnavailableError {
  /** The file in question. */
  readonly path: string;
  constructor(path: string, problem: string) {
    super(
      `${path}: ${problem}`,
      `fix or delete ${path}, or run \`pixir login\` to replace it`,
    );
    this.name = "AuthFileError";
    this.path = path;
  }
}

const VERSION = 1;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/** The stored sign-in's files inside `configDir`. */
export function authFileLocation(configDir: string): AuthFileLocation {
  const file = join(configDir, "auth.json");
  return { dir: configDir, file, lock: `${file}.lock` };
}

/**
 * Reads and validates `auth.json` without the lock (writers replace it by rename, so a reader sees
 * one whole version); null when there is none. Throws AuthFileError for anything else.
 */
export async function readAuthFile(location: AuthFileLocation): Promise<StoredAuth | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(location.file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new AuthFileError(location.file, `cannot be read (${describe(error)})`);
  }
  return parseAuthFile(text, location.file);
}

/**
 * Runs `fn` with read/write access to `auth.json` while holding its lock, so no other Pixir
 * process reads a login and writes over a newer one in between. Creates the config folder (0700)
 * if needed. A lock that cannot be had becomes a CredentialUnavailableError.
 */
export async function withAuthFile<T>(
  location: AuthFileLocation,
  fn: (file: LockedAuthFile) => Promise<T>,
  wait?: LockWait,
): Promise<T> {
  await guard(location.dir, "cannot be created", () => ensureDir(location.dir));
  const file: LockedAuthFile = {
    read: () => readAuthFile(location),
    write: (auth) =>
      guard(
        location.file,
        "cannot be written",
        async () => {
          const text = serialize(auth);
          // Never save what would not read back: it would lock the person out at the next run.
          parseAuthFile(text, location.file);
          await writeFileAtomic(location.file, text, { mode: FILE_MODE });
        },
      ),
    remove: () => guard(location.file, "cannot be deleted", () => removeFile(location.file)),
  };
  try {
    return await withLock(location.lock, () => fn(file), wait);
  } catch (error) {
    if (error instanceof LockError) throw new CredentialUnavailableError(error.message);
    throw error;
  }
}

/** A ChatGPT login for `tokens` from `issuer`, stamped as refreshed at `now` (Unix ms). */
export function chatgptAuth(tokens: StoredTokens, issuer: string, now: number): ChatgptAuth {
  return { method: "chatgpt", issuer, tokens, last_refresh: new Date(now).toISOString() };
}

function serialize(auth: StoredAuth): string {
  return `${JSON.stringify({ version: VERSION, ...auth }, null, 2)}\n`;
}

/** Validates the file's text; AuthFileError naming `path` and the first problem found. */
function parseAuthFile(text: string, path: string): StoredAuth {
  const fail = (problem: string): never => {
    throw new AuthFileError(path, problem);
  };
  const body = parseJson(text);
  if (!isRecord(body)) return fail("is not a JSON object");
  if (body.version !== VERSION) {
    return typeof body.version === "number" && body.version > VERSION
      ? fail(`has version ${body.version}, written by a newer Pixir`)
      : fail("has no known version");
  }
  const field = (record: JsonRecord, key: string, where: string): string => {
    const value = stringField(record, key);
    return value === undefined || value.trim() === ""
      ? fail(`${where}${key} is missing or not a non-empty string`)
      : value;
  };
  switch (body.method) {
    case "api_key":
      return { method: "api_key", api_key: field(body, "api_key", "") };
    case "chatgpt": {
      const issuer = field(body, "issuer", "");
      if (!isHttpUrl(issuer)) fail("issuer is not an http(s) URL");
      const lastRefresh = field(body, "last_refresh", "");
      if (Number.isNaN(Date.parse(lastRefresh))) fail("last_refresh is not a date");
      const tokens = isRecord(body.tokens) ? body.tokens : fail("tokens is missing");
      return {
        method: "chatgpt",
        issuer,
        tokens: {
          id_token: field(tokens, "id_token", "tokens."),
          access_token: field(tokens, "access_token", "tokens."),
          refresh_token: field(tokens, "refresh_token", "tokens."),
          account_id: field(tokens, "account_id", "tokens."),
        },
        last_refresh: lastRefresh,
      };
    }
    default:
      return fail(`has an unknown method ${JSON.stringify(body.method) ?? "(none)"}`);
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

async function removeFile(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Creates `dir` and any missing parents, each 0700 whatever the umask. */
async function ensureDir(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; !(await exists(d)); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      await Deno.mkdir(d, { mode: DIR_MODE });
    } catch (error) {
      // Another process made it first; it is that process's folder to have moded.
      if (error instanceof Deno.errors.AlreadyExists) continue;
      throw error;
    }
    await Deno.chmod(d, DIR_MODE);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Runs a filesystem step, turning its failure into an AuthFileError about `path`. */
async function guard<T>(path: string, problem: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new AuthFileError(path, `${problem} (${describe(error)})`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
