/**
 * A loopback stand-in of the ChatGPT sign-in issuer (auth.openai.com) that speaks its protocol as
 * clients see it: device-code login, the browser flow's authorize step, the OAuth token endpoint
 * with single-use rotating refresh tokens, and revocation. It is stricter than the real issuer
 * where strictness keeps Pixir honest: the token and revoke endpoints take only form-encoded
 * bodies (RFC 6749, RFC 7009). Serve it alone with `startAuthServer`, or beside the Responses
 * stand-in by passing `issuer.routes` as that server's `routes`.
 */

import { isRecord, type JsonRecord } from "../../src/util/json.ts";
import { base64url, fakeAccessToken } from "./jwt.ts";
import {
  type LoopbackServer,
  type RecordedRequest,
  type Route,
  startLoopbackServer,
} from "./loopback_server.ts";
import type { HttpReply } from "./reply.ts";

/** The OAuth client id the issuer knows Codex-compatible clients by. */
export const ISSUER_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

/** How the device-code endpoints behave. */
export interface DeviceCodeOptions {
  /** False: the user-code endpoint answers 404, as when device login is off. Default true. */
  enabled?: boolean;
  /** `interval` as sent: a string (like the issuer), a number, or null for none. Default `"5"`. */
  interval?: string | number | null;
  /** Polls answered 403 (still pending) before the user acts. Default 0. */
  pendingPolls?: number;
  /** What the user then does. Default `"approve"`. */
  outcome?: "approve" | "decline";
}

/** Options of `createAuthIssuer`. */
export interface AuthIssuerOptions {
  deviceCode?: DeviceCodeOptions;
  /** The current time in Unix ms; issued tokens expire relative to it. Default `Date.now`. */
  now?: () => number;
  /** Lifetime of issued access tokens, in seconds. Default 3600. */
  accessTokenSeconds?: number;
  /** Who signs in. Defaults: `acct_fx`, `plus`, `dev@example.com`. */
  account?: { accountId?: string; plan?: string; email?: string };
  /**
   * Milliseconds a refresh waits before it is answered, after its refresh token was checked and
   * spent, so that concurrent refreshers overlap. Default 0.
   */
  refreshDelayMs?: number;
}

/** The token endpoint's success body. */
export interface TokenResponse {
  id_token: string;
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

/** A revocation request, as received. */
export interface Revocation {
  token: string;
  token_type_hint?: string;
  client_id?: string;
}

/** The issuer's endpoints and what it has seen. */
export interface AuthIssuer {
  /** The issuer's endpoints, to serve alone or beside the Responses stand-in. */
  routes: readonly Route[];
  /**
   * Mints a token set as a finished login would (its refresh token valid once), to seed a stored
   * login; `accessTokenSeconds` may be negative for an access token that already expired.
   */
  issueTokens(options?: { accessTokenSeconds?: number }): TokenResponse;
  /** Refresh-grant requests received, accepted or refused. */
  readonly refreshRequests: number;
  /** Refresh grants refused because their refresh token had already been used. */
  readonly reusedRefreshes: number;
  /** Polls of the device-token endpoint. */
  readonly devicePolls: number;
  /** Every revocation received, in order. */
  readonly revocations: readonly Revocation[];
}

/** A running issuer stand-in. */
export interface AuthServer {
  /** The issuer URL to use as `PIXIR_AUTH_ISSUER`: `http://127.0.0.1:<port>`. */
  url: string;
  issuer: AuthIssuer;
  /** Every request received, in arrival order. */
  requests: readonly RecordedRequest[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** An authorization code waiting to be exchanged, and what its exchange must prove. */
interface PendingCode {
  redirectUri: string;
  /** The device flow's server-made verifier, sent back verbatim. */
  verifier?: string;
  /** The browser flow's S256 challenge, which the verifier must hash to. */
  challenge?: string;
}

/** One device login in progress. */
interface DeviceLogin {
  userCode: string;
  polls: number;
  /** Set once the user approved: the same grant answers every later poll. */
  grant?: { code: string; verifier: string; challenge: string };
}

/** Creates the issuer's routes and state; nothing listens until they are served. */
export function createAuthIssuer(options: AuthIssuerOptions = {}): AuthIssuer {
  const now = options.now ?? Date.now;
  const device = {
    enabled: true,
    interval: "5" as string | number | null,
    pendingPolls: 0,
    outcome: "approve" as "approve" | "decline",
    ...options.deviceCode,
  };
  const deviceLogins = new Map<string, DeviceLogin>();
  const codes = new Map<string, PendingCode>();
  const refreshTokens = {
    valid: new Set<string>(),
    spent: new Set<string>(),
    revoked: new Set<string>(),
  };
  const revocations: Revocation[] = [];
  let minted = 0;
  let refreshRequests = 0;
  let reusedRefreshes = 0;
  let devicePolls = 0;

  const mint = (lifetime = options.accessTokenSeconds ?? 3600): TokenResponse => {
    const n = ++minted;
    const account = options.account ?? {};
    const claims = {
      exp: Math.floor(now() / 1000) + lifetime,
      accountId: account.accountId,
      plan: account.plan,
      email: account.email,
    };
    const refreshToken = `rt_fx_${n}`;
    refreshTokens.valid.add(refreshToken);
    return {
      id_token: fakeAccessToken({ ...claims, tokenId: `id_fx_${n}` }),
      access_token: fakeAccessToken({ ...claims, tokenId: `at_fx_${n}` }),
      refresh_token: refreshToken,
      expires_in: lifetime,
    };
  };

  const userCode: Route = {
    method: "POST",
    path: "/api/accounts/deviceauth/usercode",
    handle(request) {
      // The issuer's body for this 404 is not known; clients must go by the status alone.
      if (!device.enabled) return { status: 404, body: { detail: "Not Found" } };
      const body = jsonBody(request);
      if (body === null) return oauthError(400, "invalid_request", "expected a JSON body");
      if (body.client_id !== ISSUER_CLIENT_ID) {
        return oauthError(400, "invalid_request", "unknown client_id");
      }
      const n = deviceLogins.size + 1;
      const deviceAuthId = `deviceauth_fx_${n}`;
      const login = { userCode: `FAKE-${String(n).padStart(4, "0")}`, polls: 0 };
      deviceLogins.set(deviceAuthId, login);
      return {
        status: 200,
        body: {
          device_auth_id: deviceAuthId,
          user_code: login.userCode,
          ...(device.interval === null ? {} : { interval: device.interval }),
        },
      };
    },
  };

  const deviceToken: Route = {
    method: "POST",
    path: "/api/accounts/deviceauth/token",
    async handle(request) {
      devicePolls++;
      const body = jsonBody(request);
      const id = typeof body?.device_auth_id === "string" ? body.device_auth_id : "";
      const login = deviceLogins.get(id);
      // Deliberately not a 404, which clients read as "still pending" and would poll forever.
      if (login === undefined || body?.user_code !== login.userCode) {
        return oauthError(400, "invalid_request", "unknown device_auth_id or user_code");
      }
      login.polls++;
      if (login.polls <= device.pendingPolls) {
        return {
          status: 403,
          body: {
            error: {
              message: "Device authorization is pending",
              code: "deviceauth_authorization_pending",
            },
          },
        };
      }
      if (device.outcome === "decline") {
        return {
          status: 400,
          body: { error: "authorization_declined", error_description: "Denied" },
        };
      }
      if (login.grant === undefined) {
        const verifier = randomToken();
        login.grant = { code: `ac_fx_${id}`, verifier, challenge: await s256(verifier) };
        const redirectUri = `${issuerOf(request)}/deviceauth/callback`;
        codes.set(login.grant.code, { redirectUri, verifier });
      }
      const { code, challenge, verifier } = login.grant;
      return {
        status: 200,
        body: { authorization_code: code, code_challenge: challenge, code_verifier: verifier },
      };
    },
  };

  const authorize: Route = {
    method: "GET",
    path: "/oauth/authorize",
    handle(request) {
      const query = new URLSearchParams(request.search);
      const missing = ["redirect_uri", "code_challenge", "state"].find((name) => !query.get(name));
      if (missing !== undefined) return oauthError(400, "invalid_request", `${missing} is missing`);
      if (query.get("response_type") !== "code") {
        return oauthError(400, "unsupported_response_type", "response_type must be code");
      }
      if (query.get("client_id") !== ISSUER_CLIENT_ID) {
        return oauthError(400, "invalid_client", "unknown client_id");
      }
      if (query.get("code_challenge_method") !== "S256") {
        return oauthError(400, "invalid_request", "code_challenge_method must be S256");
      }
      const redirectUri = query.get("redirect_uri")!;
      const code = `ac_fx_browser_${codes.size + 1}`;
      codes.set(code, { redirectUri, challenge: query.get("code_challenge")! });
      const callback = new URL(redirectUri);
      callback.searchParams.set("code", code);
      callback.searchParams.set("scope", query.get("scope") ?? "");
      callback.searchParams.set("state", query.get("state")!);
      return { status: 302, headers: { location: callback.href }, body: "" };
    },
  };

  const token: Route = {
    method: "POST",
    path: "/oauth/token",
    async handle(request) {
      const form = formBody(request);
      if (form === null) {
        return oauthError(400, "invalid_request", "expected application/x-www-form-urlencoded");
      }
      const grant = form.get("grant_type");
      if (grant === "refresh_token") refreshRequests++;
      if (form.get("client_id") !== ISSUER_CLIENT_ID) {
        return oauthError(401, "invalid_client", "unknown client_id");
      }
      if (grant === "authorization_code") return await exchangeCode(form);
      if (grant === "refresh_token") return await refresh(form.get("refresh_token") ?? "");
      return oauthError(400, "unsupported_grant_type", `unsupported grant_type: ${grant}`);
    },
  };

  const exchangeCode = async (form: URLSearchParams): Promise<HttpReply> => {
    const code = form.get("code") ?? "";
    const pending = codes.get(code);
    if (pending === undefined) {
      return oauthError(400, "invalid_grant", "unknown or already used authorization code");
    }
    if (form.get("redirect_uri") !== pending.redirectUri) {
      return oauthError(400, "invalid_grant", "redirect_uri does not match the authorization");
    }
    const verifier = form.get("code_verifier") ?? "";
    const proven = pending.verifier !== undefined
      ? verifier === pending.verifier
      : await s256(verifier) === pending.challenge;
    if (!proven) return oauthError(400, "invalid_grant", "code_verifier does not match");
    codes.delete(code);
    return { status: 200, body: { ...mint() } };
  };

  const refresh = async (presented: string): Promise<HttpReply> => {
    if (refreshTokens.spent.has(presented)) {
      reusedRefreshes++;
      return refreshRejected(
        "refresh_token_reused",
        "Your refresh token has already been used to generate a new access token. " +
          "Please try signing in again.",
      );
    }
    if (refreshTokens.revoked.has(presented)) {
      return refreshRejected(
        "refresh_token_invalidated",
        "Your refresh token has been invalidated. Please try signing in again.",
      );
    }
    if (!refreshTokens.valid.delete(presented)) {
      return oauthError(400, "invalid_grant", "unknown refresh token");
    }
    // Spent before the delay, so a refresher that arrives meanwhile sees the reuse.
    refreshTokens.spent.add(presented);
    const tokens = mint();
    if (options.refreshDelayMs) await delay(options.refreshDelayMs);
    return { status: 200, body: { ...tokens } };
  };

  const revoke: Route = {
    method: "POST",
    path: "/oauth/revoke",
    handle(request) {
      const form = formBody(request);
      if (form === null) {
        return oauthError(400, "invalid_request", "expected application/x-www-form-urlencoded");
      }
      const revocation: Revocation = {
        token: form.get("token") ?? "",
        ...optionalParam(form, "token_type_hint"),
        ...optionalParam(form, "client_id"),
      };
      revocations.push(revocation);
      if (refreshTokens.valid.delete(revocation.token)) {
        refreshTokens.revoked.add(revocation.token);
      }
      return { status: 200, body: {} };
    },
  };

  return {
    routes: [userCode, deviceToken, authorize, token, revoke],
    issueTokens: (issue) => mint(issue?.accessTokenSeconds),
    get refreshRequests() {
      return refreshRequests;
    },
    get reusedRefreshes() {
      return reusedRefreshes;
    },
    get devicePolls() {
      return devicePolls;
    },
    revocations,
  };
}

/** Starts the issuer stand-in alone on 127.0.0.1 with an OS-chosen port. */
export function startAuthServer(options: AuthIssuerOptions = {}): AuthServer {
  const issuer = createAuthIssuer(options);
  const server: LoopbackServer = startLoopbackServer(issuer.routes);
  return {
    url: server.origin,
    issuer,
    requests: server.requests,
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

/** An OAuth error body (RFC 6749 §5.2). */
function oauthError(status: number, error: string, description: string): HttpReply {
  return { status, body: { error, error_description: description } };
}

/** A refused refresh as the issuer words it: 401 with the code under `error`. */
function refreshRejected(code: string, message: string): HttpReply {
  return {
    status: 401,
    body: { error: { message, type: "invalid_request_error", param: null, code } },
  };
}

/** The JSON object body of a request sent as JSON, or null. */
function jsonBody(request: RecordedRequest): JsonRecord | null {
  if (!request.headers["content-type"]?.startsWith("application/json")) return null;
  return isRecord(request.body) ? request.body : null;
}

/** The form of a request sent form-encoded, or null for any other encoding. */
function formBody(request: RecordedRequest): URLSearchParams | null {
  const type = request.headers["content-type"] ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded")) return null;
  return new URLSearchParams(request.text);
}

function optionalParam(form: URLSearchParams, name: string): Record<string, string> {
  const value = form.get(name);
  return value === null ? {} : { [name]: value };
}

/** The issuer URL as the client addressed it, from the `Host` header. */
function issuerOf(request: RecordedRequest): string {
  return `http://${request.headers["host"]}`;
}

/** A PKCE verifier: 32 random bytes in base64url (43 characters). */
function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The PKCE S256 challenge of `verifier`. */
async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
