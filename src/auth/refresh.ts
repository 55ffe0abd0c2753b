/**
 * Keeping the stored ChatGPT login's tokens fresh without ever racing another Pixir process.
 * Refresh tokens are single-use: two processes spending the same one get the second rejected as
 * `refresh_token_reused`, which kills the login. So every refresh takes the `auth.json` lock,
 * re-reads the file inside it, skips the network when another process already refreshed, and
 * writes the rotated tokens to disk before anyone uses them.
 *
 * A token is refreshed ahead of expiry by a five-minute margin — unless it is one this process
 * saw rotate in (its own refresh, or a change found under the lock): that one is used until it is
 * about to expire, so an issuer whose tokens live less than the margin costs one refresh per run,
 * not one per request.
 */

import { CredentialUnavailableError, NotAuthenticatedError } from "./credential.ts";
import {
  type AuthFileLocation,
  type ChatgptAuth,
  chatgptAuth,
  readAuthFile,
  type StoredAuth,
  withAuthFile,
} from "./auth_file.ts";
import { accountIdOf, readClaims } from "./jwt.ts";
import type { Fetch } from "./oauth.ts";
import { type RefreshedTokens, refreshTokens } from "./token_endpoint.ts";

/** What refreshing takes from the outside world. */
export interface RefreshDeps {
  location: AuthFileLocation;
  fetch: Fetch;
  /** The current time, Unix milliseconds; decides whether a token is fresh. */
  now: () => number;
  /** Pauses between tries of a failed refresh and between looks at a busy lock. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * The longest wait for another process's refresh to finish; default 60 s. Measured in real
   * time, not with `now`, so a test's frozen clock cannot make it endless.
   */
  lockTimeoutMs?: number;
  /**
   * Access tokens this process saw rotate in; one set per process (the provider's), so they are
   * kept to their expiry instead of being refreshed again at the margin.
   */
  rotated?: Set<string>;
}

/** The fix for a dead login. */
const LOGIN_HINT = "run `pixir login` to sign in again";

/** Refresh when the access token has less than this left, so no request goes out expiring. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** A rotated-in token is used until it has less than this left (clock skew, a request's flight). */
const EXPIRY_SKEW_MS = 30_000;

/**
 * Pauses before the retries of a refresh that failed transiently (three tries in all). With the
 * token endpoint's 15 s limit per try, a refresh holds the lock for under 50 s at worst, inside
 * the 60 s other processes wait for it.
 */
const RETRY_DELAYS_MS = [1_000, 2_000];

/**
 * The stored login with an access token good for at least `minValidMs` more (five minutes unless
 * told), refreshing first if it is not (or its expiry cannot be read). If a refresh fails for now (network, 5xx) while the
 * current token has not yet expired, the current token is used: the next call tries again.
 */
export async function ensureFreshTokens(
  deps: RefreshDeps,
  signal?: AbortSignal,
  minValidMs?: number,
): Promise<ChatgptAuth> {
  const login = requireChatgptLogin(await readAuthFile(deps.location));
  if (isFresh(login, deps, minValidMs)) return login;
  try {
    return await refreshUnlessDone(deps, login.tokens.access_token, signal, minValidMs);
  } catch (error) {
    if (error instanceof CredentialUnavailableError && !signal?.aborted) {
      const exp = readClaims(login.tokens.access_token)?.exp;
      if (exp !== undefined && exp * 1000 > deps.now()) return login;
    }
    throw error;
  }
}

/**
 * The login to retry with after the server refused `rejectedAccessToken` (HTTP 401): the stored
 * one when another process has already replaced that token, otherwise a refreshed one.
 */
export async function recoverFromUnauthorized(
  deps: RefreshDeps,
  rejectedAccessToken: string,
  signal?: AbortSignal,
): Promise<ChatgptAuth> {
  const login = requireChatgptLogin(await readAuthFile(deps.location));
  if (
    login.tokens.access_token !== rejectedAccessToken &&
    lastsPast(login, deps.now(), EXPIRY_SKEW_MS)
  ) {
    deps.rotated?.add(login.tokens.access_token);
    return login;
  }
  return await refreshUnlessDone(deps, login.tokens.access_token, signal);
}

/** The stored ChatGPT login, or a NotAuthenticatedError saying why there is none. */
export function requireChatgptLogin(stored: StoredAuth | null): ChatgptAuth {
  if (stored === null) {
    throw new NotAuthenticatedError("not signed in to ChatGPT", "run `pixir login`");
  }
  if (stored.method !== "chatgpt") {
    throw new NotAuthenticatedError(
      "the saved sign-in is an API key, not a ChatGPT login",
      "run `pixir login` to sign in with ChatGPT",
    );
  }
  return stored;
}

/**
 * Under the lock: the stored login if it no longer holds `staleAccessToken` (another process
 * refreshed while we waited: it counts as rotated in) and is not about to expire, else a refresh
 * against the issuer recorded in the file, persisted before it is returned.
 */
function refreshUnlessDone(
  deps: RefreshDeps,
  staleAccessToken: string,
  signal: AbortSignal | undefined,
  minValidMs?: number,
): Promise<ChatgptAuth> {
  return withAuthFile(deps.location, async (file) => {
    const current = requireChatgptLogin(await file.read());
    const rotatedIn = current.tokens.access_token !== staleAccessToken;
    if (rotatedIn && lastsPast(current, deps.now(), minValidMs ?? EXPIRY_SKEW_MS)) {
      deps.rotated?.add(current.tokens.access_token);
      return current;
    }
    const refreshed = await refreshWithRetries(deps, current, signal);
    const next = merged(current, refreshed, deps.now());
    await file.write(next);
    deps.rotated?.add(next.tokens.access_token);
    return next;
  }, { timeoutMs: deps.lockTimeoutMs, signal, sleep: deps.sleep });
}

/**
 * One refresh, tried again after transient failures. A rejected grant is a NotAuthenticatedError
 * at once (retrying a dead refresh token cannot help); anything else, once the tries run out, is
 * a CredentialUnavailableError.
 */
async function refreshWithRetries(
  deps: RefreshDeps,
  login: ChatgptAuth,
  signal: AbortSignal | undefined,
): Promise<RefreshedTokens> {
  const endpoint = { fetch: deps.fetch, issuer: login.issuer, signal };
  for (let attempt = 0;; attempt++) {
    const result = await refreshTokens(endpoint, login.tokens.refresh_token);
    if (result.ok) return result.value;
    const { error } = result;
    if (error.kind === "rejected") throw new NotAuthenticatedError(error.message, LOGIN_HINT);
    const delay = RETRY_DELAYS_MS[attempt];
    if (error.kind !== "transient" || delay === undefined) {
      throw new CredentialUnavailableError(error.message);
    }
    await deps.sleep(delay, signal);
  }
}

/** The login after a refresh: tokens the issuer did not resend are kept from before. */
function merged(current: ChatgptAuth, refreshed: RefreshedTokens, now: number): ChatgptAuth {
  const tokens = {
    id_token: refreshed.id_token ?? current.tokens.id_token,
    access_token: refreshed.access_token,
    refresh_token: refreshed.refresh_token ?? current.tokens.refresh_token,
  };
  const accountId = accountIdOf(tokens) ?? current.tokens.account_id;
  return chatgptAuth({ ...tokens, account_id: accountId }, current.issuer, now);
}

/**
 * Whether the access token needs no refresh: good for `minValidMs` when asked for (an export's
 * window), else for the refresh margin or — one this process saw rotate in — for the expiry skew.
 * Unreadable → not fresh.
 */
function isFresh(
  login: ChatgptAuth,
  deps: Pick<RefreshDeps, "now" | "rotated">,
  minValidMs?: number,
): boolean {
  const token = login.tokens.access_token;
  const margin = minValidMs ??
    (deps.rotated?.has(token) ? EXPIRY_SKEW_MS : REFRESH_MARGIN_MS);
  return lastsPast(login, deps.now(), margin);
}

/** Whether the access token is good for at least `ms` more; unreadable → no. */
function lastsPast(login: ChatgptAuth, now: number, ms: number): boolean {
  const exp = readClaims(login.tokens.access_token)?.exp;
  return exp !== undefined && exp * 1000 - now >= ms;
}
