/**
 * The issuer's OAuth token and revoke endpoints: exchanging an authorization code, refreshing,
 * and revoking. Requests are form-encoded as RFC 6749 requires; replies are validated before any
 * caller can store them; every failure is an `AuthError` whose kind says what to do next.
 */

import { type AuthError, type AuthResult, CLIENT_ID, type Fetch, type TokenSet } from "./oauth.ts";
import { quoteBody, readErrorBody } from "./error_body.ts";
import { readClaims } from "./jwt.ts";
import { describeConnectionFailure } from "../util/connection_cause.ts";
import { isRecord, type JsonRecord, parseJson } from "../util/json.ts";

/** How to reach the issuer for one call. */
export interface TokenEndpoint {
  fetch: Fetch;
  /** The issuer's base URL, e.g. `https://auth.openai.com` (a trailing slash is ignored). */
  issuer: string;
  /** Cancels the call (Ctrl+C); the result is then an `aborted` error. */
  signal?: AbortSignal;
  /** Overrides the call's time limit: 15 s for the token endpoint, 10 s for revocation. */
  timeoutMs?: number;
}

/** The proof of a finished sign-in that the issuer trades for tokens. */
export interface AuthorizationGrant {
  code: string;
  /** The PKCE verifier whose challenge went into the authorization request. */
  codeVerifier: string;
  /** Exactly the redirect URI the authorization request named. */
  redirectUri: string;
}

/**
 * A refresh's reply. The access token is always new; the id and refresh tokens are present only
 * when the issuer sent them, and the caller keeps its old ones otherwise. (The issuer normally
 * rotates the refresh token on every refresh, but a reply without one is valid OAuth.)
 */
export interface RefreshedTokens {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
}

/** Which kind of token a revocation names. */
export type TokenTypeHint = "refresh_token" | "access_token";

/** Codes in an error reply that mean the grant is dead and only a new sign-in helps. */
const DEAD_GRANT_MESSAGES: Readonly<Record<string, string>> = {
  refresh_token_expired: "your ChatGPT sign-in has expired",
  refresh_token_reused:
    "your ChatGPT sign-in was used elsewhere: its refresh token had already been spent",
  refresh_token_invalidated: "your ChatGPT sign-in was revoked",
  invalid_grant: "the sign-in server no longer accepts this sign-in",
};

const TOKEN_TIMEOUT_MS = 15_000;
const REVOKE_TIMEOUT_MS = 10_000;

/** Trades an authorization code (browser or device-code sign-in) for a full set of tokens. */
export async function exchangeAuthorizationCode(
  endpoint: TokenEndpoint,
  grant: AuthorizationGrant,
): Promise<AuthResult<TokenSet>> {
  const what = "sign-in code exchange";
  const reply = await postForm(endpoint, "/oauth/token", what, TOKEN_TIMEOUT_MS, {
    grant_type: "authorization_code",
    code: grant.code,
    redirect_uri: grant.redirectUri,
    client_id: CLIENT_ID,
    code_verifier: grant.codeVerifier,
  });
  if (!reply.ok) return reply;
  return validated(what, reply.value, (body) => ({
    id_token: requiredToken(body, "id_token"),
    access_token: requiredToken(body, "access_token"),
    refresh_token: requiredToken(body, "refresh_token"),
  }));
}

/** Trades a refresh token for a new access token (and, usually, a rotated refresh token). */
export async function refreshTokens(
  endpoint: TokenEndpoint,
  refreshToken: string,
): Promise<AuthResult<RefreshedTokens>> {
  const what = "token refresh";
  const reply = await postForm(endpoint, "/oauth/token", what, TOKEN_TIMEOUT_MS, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: CLIENT_ID,
  });
  if (!reply.ok) return reply;
  return validated(what, reply.value, (body) => {
    const idToken = optionalToken(body, "id_token");
    const rotated = optionalToken(body, "refresh_token");
    return {
      access_token: requiredToken(body, "access_token"),
      ...(idToken === undefined ? {} : { id_token: idToken }),
      ...(rotated === undefined ? {} : { refresh_token: rotated }),
    };
  });
}

/** Asks the issuer to revoke a token (logout); any 2xx counts as done, whatever its body. */
export async function revokeToken(
  endpoint: TokenEndpoint,
  token: string,
  hint: TokenTypeHint,
): Promise<AuthResult<void>> {
  const reply = await postForm(endpoint, "/oauth/revoke", "token revocation", REVOKE_TIMEOUT_MS, {
    token,
    token_type_hint: hint,
    client_id: CLIENT_ID,
  });
  return reply.ok ? { ok: true, value: undefined } : reply;
}

/** POSTs `fields` form-encoded; the 2xx body text, or the failure classified. */
async function postForm(
  endpoint: TokenEndpoint,
  path: string,
  what: string,
  defaultTimeoutMs: number,
  fields: Record<string, string>,
): Promise<AuthResult<string>> {
  const url = `${endpoint.issuer.replace(/\/+$/, "")}${path}`;
  const timeoutMs = endpoint.timeoutMs ?? defaultTimeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = endpoint.signal ? AbortSignal.any([endpoint.signal, deadline]) : deadline;
  try {
    const response = await endpoint.fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
      },
      body: new URLSearchParams(fields).toString(),
      signal,
    });
    const text = await response.text();
    if (response.ok) return { ok: true, value: text };
    return { ok: false, error: httpFailure(what, response.status, text) };
  } catch (error) {
    if (endpoint.signal?.aborted) {
      return { ok: false, error: { kind: "aborted", message: `the ${what} was cancelled` } };
    }
    const reason = deadline.aborted
      ? `no answer from ${url} within ${timeoutMs / 1000} s`
      : couldNotReach(url, error);
    return { ok: false, error: { kind: "transient", message: `the ${what} failed: ${reason}` } };
  }
}

/** A non-2xx reply as an AuthError: a dead grant or any 401 is `rejected`, the rest `transient`. */
function httpFailure(what: string, status: number, text: string): AuthError {
  const { code, text: said } = readErrorBody(text);
  const detail = [code, said].filter((part) => part !== undefined).join(": ");
  const answered = `HTTP ${status}${detail === "" ? "" : `, ${detail}`}`;
  const dead = code === undefined ? undefined : DEAD_GRANT_MESSAGES[code];
  const base = { status, ...(code === undefined ? {} : { code }) };
  if (dead !== undefined) return { kind: "rejected", message: `${dead} (${answered})`, ...base };
  if (status === 401) {
    return {
      kind: "rejected",
      message: `the sign-in server refused the ${what} (${answered})`,
      ...base,
    };
  }
  return {
    kind: "transient",
    message: `the ${what} failed: the sign-in server answered ${answered}`,
    ...base,
  };
}

/** Raised inside `validated` when a field of a 2xx reply breaks the protocol. */
class MalformedReply extends Error {}

/** Runs `read` over a 2xx reply's JSON object; an `invalid_response` error if it is malformed. */
function validated<T>(what: string, text: string, read: (body: JsonRecord) => T): AuthResult<T> {
  const body = parseJson(text);
  try {
    if (!isRecord(body)) {
      throw new MalformedReply(`is not a JSON object (${quoteBody(text) ?? "an empty body"})`);
    }
    return { ok: true, value: read(body) };
  } catch (error) {
    if (!(error instanceof MalformedReply)) throw error;
    return {
      ok: false,
      error: {
        kind: "invalid_response",
        message: `the ${what} failed: the sign-in server's reply ${error.message}`,
      },
    };
  }
}

/** A token field that must be present. */
function requiredToken(body: JsonRecord, name: keyof TokenSet): string {
  const value = optionalToken(body, name);
  if (value === undefined) throw new MalformedReply(`has no ${name}`);
  return value;
}

/**
 * A token field that may be absent (or null); when present it must be a non-empty string, and
 * the id and access tokens must be JWTs, because Pixir reads their claims.
 */
function optionalToken(body: JsonRecord, name: keyof TokenSet): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value.trim() === "") {
    throw new MalformedReply(`has a ${name} that is not a non-empty string`);
  }
  if (name !== "refresh_token" && readClaims(value) === null) {
    throw new MalformedReply(`has a ${name} that is not a JWT`);
  }
  return value;
}

/** Why `url` could not be reached, and what to check, from the runtime's error. */
function couldNotReach(url: string, error: unknown): string {
  const { what, check } = describeConnectionFailure(error, "connect");
  return `could not reach ${url}: ${what}; ${check}`;
}
