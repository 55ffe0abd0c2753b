/**
 * Who is signed in and with what, read without touching the network: the one view of the stored
 * credentials that `pixir status` and `pixir doctor` both report. It follows the order in which a
 * run picks credentials (see resolve.ts): the ChatGPT login, then OPENAI_API_KEY, then a saved key.
 */

import { AuthFileError, authFileLocation, readAuthFile, type StoredAuth } from "./auth_file.ts";
import { envApiKey } from "./api_key.ts";
import { readClaims } from "./jwt.ts";
import { fileMode } from "../util/file_mode.ts";
import { type BundleOrigin, findBundle } from "./bundle.ts";

/** The sign-in as a report shows it. */
export interface SignInState {
  signed_in: boolean;
  /** "chatgpt" (subscription) or "api_key"; null when signed out. */
  method: "chatgpt" | "api_key" | null;
  /**
   * Where the credential in use comes from: the sign-in file, an environment variable (an API
   * key), or an access-only bundle (a worker: it never refreshes, and ends at `expires_at`).
   */
  source: "auth_file" | "env" | "bundle" | null;
  /** For a bundle: the variable (and file) it was read from. */
  bundle?: BundleOrigin;
  email: string | null;
  plan: string | null;
  account_id: string | null;
  /** Access-token expiry (ISO 8601); refreshed automatically before it passes. */
  expires_at: string | null;
  issuer: string | null;
  /** `problem`: why an existing file cannot be used (only with `tolerateBadFile`). */
  auth_file: { path: string; exists: boolean; mode: string | null; problem?: string };
}

/**
 * Reads the sign-in stored in `configDir` and the environment. Throws AuthFileError when
 * `auth.json` exists but cannot be read or understood, unless `tolerateBadFile`: then the file
 * counts as absent (as a run with OPENAI_API_KEY treats it) and `auth_file.problem` says why.
 * A bundle variable set to something that is not a bundle is a NotAuthenticatedError (fix:
 * re-export).
 */
export async function readSignInState(
  configDir: string,
  env: (name: string) => string | undefined,
  options: {
    tolerateBadFile?: boolean;
    readTextFile?: (path: string) => Promise<string>;
  } = {},
): Promise<SignInState> {
  const location = authFileLocation(configDir);
  const found = await findBundle(env, options.readTextFile ?? Deno.readTextFile);
  let stored: StoredAuth | null = null;
  let problem: string | undefined;
  try {
    stored = await readAuthFile(location);
  } catch (error) {
    if (!(error instanceof AuthFileError) || !options.tolerateBadFile) throw error;
    problem = error.message;
  }
  const mode = await fileMode(location.file);
  const state: SignInState = {
    signed_in: false,
    method: null,
    source: null,
    email: null,
    plan: null,
    account_id: null,
    expires_at: null,
    issuer: null,
    auth_file: {
      path: location.file,
      exists: mode !== null,
      mode,
      ...(problem === undefined ? {} : { problem }),
    },
  };
  if (found !== null) {
    const { bundle, origin } = found;
    return {
      ...state,
      signed_in: true,
      method: "chatgpt",
      source: "bundle",
      bundle: origin,
      plan: bundle.plan,
      account_id: bundle.account_id,
      expires_at: new Date(bundle.expires_at * 1000).toISOString(),
    };
  }
  if (stored?.method === "chatgpt") {
    const access = readClaims(stored.tokens.access_token);
    const id = readClaims(stored.tokens.id_token);
    return {
      ...state,
      signed_in: true,
      method: "chatgpt",
      source: "auth_file",
      email: id?.email ?? access?.email ?? null,
      plan: id?.plan ?? access?.plan ?? null,
      account_id: stored.tokens.account_id,
      expires_at: access?.exp === undefined ? null : new Date(access.exp * 1000).toISOString(),
      issuer: stored.issuer,
    };
  }
  if (envApiKey(env) !== undefined) {
    return { ...state, signed_in: true, method: "api_key", source: "env" };
  }
  if (stored?.method === "api_key") {
    return { ...state, signed_in: true, method: "api_key", source: "auth_file" };
  }
  return state;
}
