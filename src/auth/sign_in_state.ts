/**
 * Who is signed in and with what, read without touching the network: the one view of the stored
 * credentials that `pixir status` and `pixir doctor` both report. It follows the order in which a
 * run picks credentials (see resolve.ts): the ChatGPT login, then OPENAI_API_KEY, then a saved key.
 */

import { authFileLocation, readAuthFile } from "./auth_file.ts";
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
  auth_file: { path: string; exists: boolean; mode: string | null };
}

/**
 * Reads the sign-in stored in `configDir` and the environment. Throws AuthFileError when
 * `auth.json` exists but cannot be read or understood, and NotAuthenticatedError (fix: re-export)
 * when a bundle variable is set to something that is not a bundle.
 */
export async function readSignInState(
  configDir: string,
  env: (name: string) => string | undefined,
  readTextFile: (path: string) => Promise<string> = Deno.readTextFile,
): Promise<SignInState> {
  const location = authFileLocation(configDir);
  const found = await findBundle(env, readTextFile);
  const stored = await readAuthFile(location);
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
    auth_file: { path: location.file, exists: mode !== null, mode },
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
