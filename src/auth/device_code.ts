/**
 * Device-code sign-in, the default because it works over SSH and in containers: ask the issuer
 * for a user code, poll until the user approves it in a browser anywhere, then trade the
 * authorization for tokens. Each step returns its own AuthResult; nothing here touches the disk.
 */

import { isRecord, type JsonRecord, parseJson, stringField } from "../util/json.ts";
import { readErrorBody } from "./error_body.ts";
import { type AuthError, type AuthResult, CLIENT_ID, type Fetch, type TokenSet } from "./oauth.ts";
import type { exchangeAuthorizationCode } from "./token_endpoint.ts";

/** How long a user code stays worth polling for, counted from the first poll. */
export const DEVICE_CODE_TIMEOUT_MS = 15 * 60_000;

/** Used when the issuer names no interval. */
const DEFAULT_INTERVAL_MS = 5_000;
/** A floor, so a zero or tiny interval cannot turn polling into a busy loop. */
const MIN_INTERVAL_MS = 1_000;
/** How much `slow_down` widens the interval (as in RFC 8628). */
const SLOW_DOWN_STEP_MS = 5_000;

/** What the issuer handed out for one device sign-in. */
export interface DeviceCode {
  /** Opaque; identifies this sign-in when polling. */
  deviceAuthId: string;
  /** The code the user types on the verification page, e.g. `ABCD-EFGH`. */
  userCode: string;
  /** The wait between polls. */
  intervalMs: number;
  /** The page where the user enters the code: `<issuer>/codex/device`. */
  verificationUrl: string;
}

/** The approved sign-in; the issuer generated the PKCE pair, so it returns the verifier. */
export interface DeviceAuthorization {
  authorizationCode: string;
  codeVerifier: string;
}

/** What every call to the issuer needs. */
export interface IssuerDeps {
  fetch: Fetch;
  /** The issuer origin, without a trailing slash. */
  issuer: string;
  /** Ends the flow promptly with an `aborted` error (Ctrl+C). */
  signal: AbortSignal;
}

/** What polling needs besides the issuer: time, to wait between polls and to keep the deadline. */
export interface PollDeps extends IssuerDeps {
  /** Waits `ms`; settles early when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The current time in milliseconds. */
  now: () => number;
}

/** Everything the whole device-code sign-in needs. */
export interface DeviceCodeLoginDeps extends PollDeps {
  /** The token-endpoint exchange (`exchangeAuthorizationCode` in production). */
  exchange: typeof exchangeAuthorizationCode;
  /** Shows the user the verification URL and code, before polling starts. */
  onCode: (code: DeviceCode) => void | Promise<void>;
}

/** The redirect URI the device flow's exchange must name. */
export function deviceRedirectUri(issuer: string): string {
  return `${issuer}/deviceauth/callback`;
}

/** The whole device-code sign-in: user code → `onCode` → poll → exchange → tokens. */
export async function deviceCodeLogin(deps: DeviceCodeLoginDeps): Promise<AuthResult<TokenSet>> {
  const code = await requestUserCode(deps);
  if (!code.ok) return code;
  await deps.onCode(code.value);
  const authorization = await pollForAuthorization(deps, code.value);
  if (!authorization.ok) return authorization;
  return await deps.exchange(
    { fetch: deps.fetch, issuer: deps.issuer, signal: deps.signal },
    {
      code: authorization.value.authorizationCode,
      codeVerifier: authorization.value.codeVerifier,
      redirectUri: deviceRedirectUri(deps.issuer),
    },
  );
}

/** Asks the issuer for a user code. A 404 means the account has device-code sign-in turned off. */
export async function requestUserCode(deps: IssuerDeps): Promise<AuthResult<DeviceCode>> {
  const reply = await postJson(deps, "/api/accounts/deviceauth/usercode", {
    client_id: CLIENT_ID,
  });
  if (!reply.ok) return reply;
  const { status, text } = reply.value;
  if (status === 404) {
    return failure({
      kind: "not_enabled",
      status,
      message: "device-code sign-in is not enabled for this ChatGPT account. Enable it in " +
        "ChatGPT → Settings → Security → “Enable device code authorization for Codex” (or ask " +
        "your workspace admin), or sign in with `pixir login --browser`",
    });
  }
  if (!isSuccess(status)) return failure(httpFailure("the device code request", status, text));
  const body = jsonObject(text);
  const deviceAuthId = nonEmpty(body, "device_auth_id");
  // The issuer has been seen to name the code either way.
  const userCode = nonEmpty(body, "user_code") ?? nonEmpty(body, "usercode");
  if (deviceAuthId === undefined || userCode === undefined) {
    return failure({
      kind: "invalid_response",
      status,
      message: "the device code reply lacks device_auth_id or user_code",
    });
  }
  return {
    ok: true,
    value: {
      deviceAuthId,
      userCode,
      intervalMs: intervalMs(body.interval),
      verificationUrl: `${deps.issuer}/codex/device`,
    },
  };
}

/**
 * Polls until the user approves or declines `code`, the 15-minute deadline passes, or the signal
 * aborts. 403, 404 and `deviceauth_authorization_pending` mean "not yet"; `slow_down` (or a 429)
 * widens the interval; any other 4xx means declined or expired.
 */
export async function pollForAuthorization(
  deps: PollDeps,
  code: DeviceCode,
): Promise<AuthResult<DeviceAuthorization>> {
  const deadline = deps.now() + DEVICE_CODE_TIMEOUT_MS;
  let interval = code.intervalMs;
  // A user may take minutes to approve; one dropped connection or 5xx must not end the sign-in.
  let hiccups = 0;
  while (true) {
    const reply = await postJson(deps, "/api/accounts/deviceauth/token", {
      device_auth_id: code.deviceAuthId,
      user_code: code.userCode,
    });
    const verdict: PollVerdict = reply.ok
      ? pollVerdict(reply.value)
      : reply.error.kind === "transient"
      ? { type: "hiccup", error: reply.error }
      : done(reply);
    if (verdict.type === "done") return verdict.result;
    if (verdict.type === "hiccup") {
      hiccups += 1;
      if (hiccups > MAX_POLL_HICCUPS) return failure(verdict.error);
    } else {
      hiccups = 0;
    }
    if (verdict.type === "slow_down") interval += SLOW_DOWN_STEP_MS;
    const remaining = deadline - deps.now();
    if (remaining <= 0) {
      return failure({
        kind: "timeout",
        message: "the device code was not approved within 15 minutes; run `pixir login` again",
      });
    }
    await deps.sleep(Math.min(interval, remaining), deps.signal);
    if (deps.signal.aborted) return failure(abortedError());
  }
}

/** What one poll says about the sign-in. */
type PollVerdict =
  | { type: "pending" }
  | { type: "slow_down" }
  /** The poll itself failed for now (network, 5xx): poll again, a few times at most. */
  | { type: "hiccup"; error: AuthError }
  | { type: "done"; result: AuthResult<DeviceAuthorization> };

/** Consecutive failed polls tolerated before the sign-in gives up. */
const MAX_POLL_HICCUPS = 3;

function pollVerdict({ status, text }: IssuerReply): PollVerdict {
  if (isSuccess(status)) {
    const body = jsonObject(text);
    const authorizationCode = nonEmpty(body, "authorization_code");
    const codeVerifier = nonEmpty(body, "code_verifier");
    if (authorizationCode === undefined || codeVerifier === undefined) {
      return done(failure({
        kind: "invalid_response",
        status,
        message: "the approved device sign-in lacks authorization_code or code_verifier",
      }));
    }
    return done({ ok: true, value: { authorizationCode, codeVerifier } });
  }
  const { code } = readErrorBody(text);
  if (status === 403 || status === 404 || code === "deviceauth_authorization_pending") {
    return { type: "pending" };
  }
  // A 429 asks for the same thing as `slow_down`: poll less often, not give up.
  if (code === "slow_down" || status === 429) return { type: "slow_down" };
  if (status >= 400 && status < 500 && status !== 408) {
    return done(failure({
      kind: "denied",
      status,
      ...(code === undefined ? {} : { code }),
      message: `the device sign-in was declined or has expired (${answered(status, text)}); ` +
        "run `pixir login` to start again",
    }));
  }
  const error = httpFailure("the device authorization poll", status, text);
  return error.kind === "transient" ? { type: "hiccup", error } : done(failure(error));
}

function done(result: AuthResult<DeviceAuthorization>): PollVerdict {
  return { type: "done", result };
}

/** The issuer's interval in seconds, as a number or a numeric string, floored at one second. */
function intervalMs(value: unknown): number {
  const seconds = typeof value === "number"
    ? value
    : typeof value === "string" && value.trim() !== ""
    ? Number(value.trim())
    : NaN;
  if (!Number.isFinite(seconds)) return DEFAULT_INTERVAL_MS;
  return Math.max(MIN_INTERVAL_MS, Math.round(seconds * 1000));
}

/** A reply from the issuer, read in full. */
interface IssuerReply {
  status: number;
  text: string;
}

/** POSTs a JSON body; network failures and aborts come back as AuthErrors. */
async function postJson(
  deps: IssuerDeps,
  path: string,
  payload: Record<string, string>,
): Promise<AuthResult<IssuerReply>> {
  if (deps.signal.aborted) return failure(abortedError());
  const url = `${deps.issuer}${path}`;
  try {
    const response = await deps.fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      signal: deps.signal,
    });
    return { ok: true, value: { status: response.status, text: await response.text() } };
  } catch (error) {
    if (deps.signal.aborted) return failure(abortedError());
    const reason = error instanceof Error ? error.message : String(error);
    return failure({ kind: "transient", message: `could not reach ${url}: ${reason}` });
  }
}

/** A non-2xx reply outside the protocol: 5xx, 408 and 429 say "try later", the rest is unexpected. */
function httpFailure(what: string, status: number, text: string): AuthError {
  const { code } = readErrorBody(text);
  return {
    kind: status >= 500 || status === 408 || status === 429 ? "transient" : "invalid_response",
    status,
    ...(code === undefined ? {} : { code }),
    message: `${what} failed (${answered(status, text)})`,
  };
}

/** `HTTP 400, code: description`, as far as the body says. */
function answered(status: number, text: string): string {
  const { code, text: said } = readErrorBody(text);
  const detail = [code, said].filter((part) => part !== undefined).join(": ");
  return `HTTP ${status}${detail === "" ? "" : `, ${detail}`}`;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** The body as a JSON object; an empty one when it is not, so every field reads as missing. */
function jsonObject(text: string): JsonRecord {
  const body = parseJson(text);
  return isRecord(body) ? body : {};
}

function nonEmpty(record: JsonRecord, key: string): string | undefined {
  return stringField(record, key) || undefined;
}

function abortedError(): AuthError {
  return { kind: "aborted", message: "sign-in cancelled" };
}

function failure(error: AuthError): { ok: false; error: AuthError } {
  return { ok: false, error };
}
