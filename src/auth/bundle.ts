/**
 * Access-only credential bundles: how one machine that holds the ChatGPT sign-in lends it to any
 * number of workers without ever handing out the refresh token. A bundle carries an access token
 * and what requests need with it (account id, plan, expiry); a worker keeps it in memory, never
 * refreshes it, and ends with "re-export on the holder" once it expires or is refused. Refresh
 * tokens are single-use, so a copied refresh token would sign out every machine but the first.
 */

import type { Credential, CredentialProvider } from "./credential.ts";
import { NotAuthenticatedError } from "./credential.ts";
import type { ChatgptAuth } from "./auth_file.ts";
import { readClaims } from "./jwt.ts";
import { isRecord, numberField, stringField } from "../util/json.ts";

/** What every bundle's text starts with; the number is the format's version. */
export const BUNDLE_PREFIX = "pixir-bundle-v1.";

/** The variable a worker reads its bundle from. */
export const BUNDLE_ENV = "PIXIR_ACCESS_BUNDLE";

/** The variable naming a file that holds the bundle (a secret mounted as a file). */
export const BUNDLE_FILE_ENV = "PIXIR_ACCESS_BUNDLE_FILE";

/** The fix every bundle failure names. */
export const REEXPORT_HINT =
  "run `pixir auth export --access-only` on the machine holding the sign-in and hand the new bundle to this worker";

/** The decoded content of a bundle (version 1). */
export interface AccessBundle {
  v: 1;
  access_token: string;
  account_id: string;
  plan: string | null;
  /** When the access token expires, Unix seconds. */
  expires_at: number;
}

/** The bundle for `login`; null when its access token carries no readable expiry. */
export function bundleOf(login: ChatgptAuth): AccessBundle | null {
  const claims = readClaims(login.tokens.access_token);
  if (claims?.exp === undefined) return null;
  return {
    v: 1,
    access_token: login.tokens.access_token,
    account_id: login.tokens.account_id,
    plan: readClaims(login.tokens.id_token)?.plan ?? claims.plan ?? null,
    expires_at: claims.exp,
  };
}

/** The bundle as the text a holder prints and a worker reads. */
export function encodeBundle(bundle: AccessBundle): string {
  const bytes = new TextEncoder().encode(JSON.stringify(bundle));
  return BUNDLE_PREFIX + bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

/**
 * The bundle in `text` (surrounding blanks ignored). Throws NotAuthenticatedError (fix: re-export)
 * when it is not one; the message names `origin`, never the text, so no error repeats a token.
 */
export function decodeBundle(text: string, origin: string): AccessBundle {
  const trimmed = text.trim();
  if (!trimmed.startsWith(BUNDLE_PREFIX)) {
    const other = /^pixir-bundle-v\d+\./.test(trimmed);
    throw malformed(
      origin,
      other ? "a bundle version this Pixir does not read" : `no ${BUNDLE_PREFIX} prefix`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.fromBase64(trimmed.slice(BUNDLE_PREFIX.length), { alphabet: "base64url" }),
      ),
    );
  } catch {
    throw malformed(origin, "its body is not base64url JSON");
  }
  if (!isRecord(value) || value.v !== 1) throw malformed(origin, "not a version 1 bundle");
  const access_token = stringField(value, "access_token");
  const account_id = stringField(value, "account_id");
  const expires_at = numberField(value, "expires_at");
  const plan = value.plan === null ? null : stringField(value, "plan");
  if (!access_token || !account_id || expires_at === undefined || plan === undefined) {
    throw malformed(origin, "a field is missing (access_token, account_id, plan, expires_at)");
  }
  return { v: 1, access_token, account_id, plan, expires_at };
}

function malformed(origin: string, why: string): NotAuthenticatedError {
  return new NotAuthenticatedError(
    `${origin} does not hold a valid access bundle: ${why}`,
    REEXPORT_HINT,
    "reexport",
  );
}

/** Where a worker's bundle came from, for `pixir status`. */
export type BundleOrigin = { variable: typeof BUNDLE_ENV } | {
  variable: typeof BUNDLE_FILE_ENV;
  path: string;
};

/** A bundle found in the environment, with where it came from. */
export interface FoundBundle {
  bundle: AccessBundle;
  origin: BundleOrigin;
}

/**
 * The worker's bundle: `PIXIR_ACCESS_BUNDLE`, else the file `PIXIR_ACCESS_BUNDLE_FILE` names;
 * null when neither is set. A set variable that holds no valid bundle throws (fix: re-export).
 */
export async function findBundle(
  env: (name: string) => string | undefined,
  readTextFile: (path: string) => Promise<string>,
): Promise<FoundBundle | null> {
  const text = env(BUNDLE_ENV);
  if (text !== undefined && text.trim() !== "") {
    return { bundle: decodeBundle(text, BUNDLE_ENV), origin: { variable: BUNDLE_ENV } };
  }
  const path = env(BUNDLE_FILE_ENV)?.trim();
  if (!path) return null;
  let content: string;
  try {
    content = await readTextFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "no such file" : "it cannot be read";
    throw new NotAuthenticatedError(
      `${BUNDLE_FILE_ENV} names ${path}: ${why}`,
      REEXPORT_HINT,
      "reexport",
    );
  }
  return {
    bundle: decodeBundle(content, `${BUNDLE_FILE_ENV} (${path})`),
    origin: { variable: BUNDLE_FILE_ENV, path },
  };
}

/**
 * Credentials from a bundle: its token until it expires, then a NotAuthenticatedError (fix:
 * re-export). A 401 is final — a worker has nothing to refresh with, and retrying spends quota.
 */
export function bundleCredentials(bundle: AccessBundle, now: () => number): CredentialProvider {
  const credential: Credential = {
    kind: "chatgpt",
    access_token: bundle.access_token,
    account_id: bundle.account_id,
  };
  return {
    get() {
      if (bundle.expires_at * 1000 <= now()) {
        const at = new Date(bundle.expires_at * 1000).toISOString();
        return Promise.reject(
          new NotAuthenticatedError(
            `the access bundle expired at ${at}`,
            REEXPORT_HINT,
            "reexport",
          ),
        );
      }
      return Promise.resolve(credential);
    },
    renew() {
      return Promise.reject(
        new NotAuthenticatedError(
          "the server refused the access bundle (401): it was revoked or replaced",
          REEXPORT_HINT,
          "reexport",
        ),
      );
    },
  };
}
