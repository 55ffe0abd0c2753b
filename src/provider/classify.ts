/**
 * Failure classification: turns what the server said about a failure (an HTTP status and body, or
 * an in-band `response.failed` / `error` event) into a `ProviderError` that decides retry and exit.
 */

import type { ProviderError } from "./error.ts";
import { isRecord, numberField, parseJson, stringField } from "../util/json.ts";
import { describeReset, type UtcOffset } from "../quota/reset_time.ts";

/** The error fields a server reports, from an error body or an in-band failure event. */
export interface ServerErrorFields {
  code?: string;
  type?: string;
  message?: string;
}

/** How much of a non-JSON body a message quotes. */
const EXCERPT_CHARS = 300;

/** Codes (in `code` or `type`) that mean the plan's quota is spent or missing. */
const USAGE_LIMIT_CODES = ["usage_limit_reached", "usage_not_included", "insufficient_quota"];

/** Codes that mean the server is shedding load and a later attempt may pass. */
const OVERLOADED_CODES = ["server_is_overloaded", "slow_down"];

/** Codes for prompts the server refuses on policy grounds; retrying cannot help. */
const REFUSED_PROMPT_CODES = ["invalid_prompt", "cyber_policy"];

/** "Please try again in 11.054s", "try again in 250ms", "try again in 2 seconds". */
const TRY_AGAIN_IN = /try again in\s*(\d+(?:\.\d+)?)\s*(ms|seconds?|s)/i;

/** Messages that describe a context-window overflow when no code says so. */
const CONTEXT_WINDOW_TEXT = /context window|context length|maximum context/i;

/** An HTTP error body, whichever of the known shapes it came in. */
interface ErrorBody extends ServerErrorFields {
  /** `{"detail": "…"}`: how the ChatGPT backend rejects a malformed request. */
  detail?: string;
  plan_type?: string;
  resets_at?: number;
  resets_in_seconds?: number;
}

/**
 * Classifies a non-2xx HTTP response; `nowMs` (Unix ms) turns relative delays into times, and
 * `utcOffset` shows a usage limit's reset as a local clock time.
 */
export function classifyHttpFailure(
  status: number,
  headers: Headers,
  bodyText: string,
  nowMs: number,
  utcOffset: UtcOffset,
): ProviderError {
  const html = isHtml(headers, bodyText);
  const body = html ? {} : readErrorBody(parseJson(bodyText));
  // The server's own words, shown verbatim where they explain a request-shape problem.
  const serverMessage = body.detail ?? body.message;
  const said = serverMessage ?? describeRawBody(bodyText, html);
  const code = body.code ?? body.type;
  const requestId = headers.get("x-request-id") ?? headers.get("x-oai-request-id");
  const base = {
    status,
    ...(code === undefined ? {} : { code }),
    ...(requestId === null ? {} : { request_id: requestId }),
  };

  if (status === 401) {
    return {
      ...base,
      kind: "auth",
      message: "not authenticated: the API rejected the credential",
      retryable: false,
      details: { server_message: said },
    };
  }
  if (status === 403 && html) {
    return {
      ...base,
      kind: "invalid_request",
      message: "the request was blocked before it reached the API: HTTP 403 with an HTML page, " +
        "most likely a Cloudflare challenge; retrying from this network will not help",
      retryable: false,
      details: { blocked_by: "cloudflare_challenge", ...htmlTitle(bodyText) },
    };
  }
  // Usually a 429, but a plan without access has also been reported with other 4xx statuses.
  if (status < 500 && hasCode(body, USAGE_LIMIT_CODES)) {
    return { ...base, ...usageLimit(body, nowMs, utcOffset) };
  }
  if (status === 403) {
    return {
      ...base,
      kind: "auth",
      message: `the API refused the credential (HTTP 403): ${said}`,
      retryable: false,
    };
  }
  if (status === 429) {
    const delay = retryAfterHeader(headers, nowMs) ?? retryAfterInMessage(said);
    return {
      ...base,
      kind: "rate_limited",
      message: `rate limited (HTTP 429): ${said}`,
      retryable: true,
      ...(delay === undefined ? {} : { retry_after_ms: delay }),
    };
  }
  if ((status === 400 || status === 413) && isContextOverflow(body)) {
    return { ...base, kind: "context_overflow", message: said, retryable: false };
  }
  if (status === 503 || hasCode(body, OVERLOADED_CODES)) {
    return {
      ...base,
      kind: "overloaded",
      message: `the server is overloaded (HTTP ${status}): ${said}`,
      retryable: true,
    };
  }
  if (status >= 500) {
    return {
      ...base,
      kind: "server_error",
      message: `server error (HTTP ${status}): ${said}`,
      retryable: true,
    };
  }
  return {
    ...base,
    kind: "invalid_request",
    message: serverMessage ?? `HTTP ${status}: ${said}`,
    retryable: false,
  };
}

/** Classifies an in-band failure (`response.failed`'s `response.error`, or an `error` event). */
export function classifyStreamFailure(fields: ServerErrorFields): ProviderError {
  const code = fields.code ?? fields.type;
  const said = fields.message ?? `the response failed${code === undefined ? "" : ` (${code})`}`;
  const base = code === undefined ? {} : { code };

  if (isContextOverflow(fields)) {
    return { ...base, kind: "context_overflow", message: said, retryable: false };
  }
  if (hasCode(fields, USAGE_LIMIT_CODES)) {
    return { ...base, kind: "usage_limit", message: said, retryable: false };
  }
  if (hasCode(fields, REFUSED_PROMPT_CODES)) {
    return { ...base, kind: "invalid_request", message: said, retryable: false };
  }
  if (hasCode(fields, OVERLOADED_CODES)) {
    return { ...base, kind: "overloaded", message: said, retryable: true };
  }
  if (hasCode(fields, ["rate_limit_exceeded"])) {
    const delay = retryAfterInMessage(said);
    return {
      ...base,
      kind: "rate_limited",
      message: said,
      retryable: true,
      ...(delay === undefined ? {} : { retry_after_ms: delay }),
    };
  }
  return { ...base, kind: "server_error", message: said, retryable: true };
}

/** The delay a server message asks for ("try again in 11.054s" → 11054), in milliseconds. */
export function retryAfterInMessage(message: string): number | undefined {
  const match = TRY_AGAIN_IN.exec(message);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  return Math.round(match[2].toLowerCase() === "ms" ? amount : amount * 1000);
}

/** A `Retry-After` header (delay in seconds, or an HTTP date) in milliseconds from `nowMs`. */
function retryAfterHeader(headers: Headers, nowMs: number): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * The usage-limit error: never retried, and says when the window resets. The server's relative
 * `resets_in_seconds` is preferred for the wait, as it does not depend on the two clocks agreeing.
 */
function usageLimit(body: ErrorBody, nowMs: number, utcOffset: UtcOffset): ProviderError {
  const nowSeconds = nowMs / 1000;
  const resetsAt = body.resets_at ??
    (body.resets_in_seconds === undefined
      ? undefined
      : Math.round(nowSeconds + body.resets_in_seconds));
  const waitSeconds = body.resets_in_seconds ??
    (resetsAt === undefined ? undefined : resetsAt - nowSeconds);
  const included = !hasCode(body, ["usage_not_included"]);
  const plan = body.plan_type === undefined ? "" : ` (${body.plan_type} plan)`;
  const when = included && waitSeconds !== undefined
    ? `, resets ${describeReset(waitSeconds, nowMs, utcOffset)}`
    : "";
  return {
    kind: "usage_limit",
    message: `${
      included ? "usage limit reached" : "usage is not included in this plan"
    }${when}${plan}`,
    retryable: false,
    ...(resetsAt === undefined ? {} : { resets_at: resetsAt }),
    details: {
      ...(body.plan_type === undefined ? {} : { plan_type: body.plan_type }),
      ...(body.message === undefined ? {} : { server_message: body.message }),
    },
  };
}

/** Whether `code` or `type` is one of `codes`. */
function hasCode(fields: ServerErrorFields, codes: readonly string[]): boolean {
  return codes.some((code) => fields.code === code || fields.type === code);
}

/**
 * Whether the failure says the input does not fit the model's context window: by its code, or,
 * when it has no code, by its wording (another code wins over the wording).
 */
function isContextOverflow(fields: ServerErrorFields & { detail?: string }): boolean {
  if (hasCode(fields, ["context_length_exceeded"])) return true;
  const text = fields.message ?? fields.detail;
  return fields.code === undefined && text !== undefined && CONTEXT_WINDOW_TEXT.test(text);
}

/** Reads `{"error":{…}}`, `{"error":"…"}`, `{"detail":"…"}` or top-level fields. */
function readErrorBody(json: unknown): ErrorBody {
  if (!isRecord(json)) return {};
  const error = json.error;
  const fields = isRecord(error) ? error : json;
  return {
    code: stringField(fields, "code"),
    type: stringField(fields, "type"),
    message: stringField(fields, "message") ?? (typeof error === "string" ? error : undefined),
    detail: stringField(json, "detail"),
    plan_type: stringField(fields, "plan_type"),
    resets_at: numberField(fields, "resets_at"),
    resets_in_seconds: numberField(fields, "resets_in_seconds"),
  };
}

/** An HTML page (a proxy or challenge page) rather than an API error; never parsed or echoed. */
function isHtml(headers: Headers, bodyText: string): boolean {
  if (headers.get("content-type")?.toLowerCase().includes("text/html")) return true;
  return /^\s*<(!doctype html|html)/i.test(bodyText);
}

/** A body that is not a JSON error, described for a human without dumping it. */
function describeRawBody(bodyText: string, html: boolean): string {
  if (html) {
    const title = htmlTitle(bodyText).page_title;
    return title === undefined ? "an HTML page" : `an HTML page titled "${title}"`;
  }
  const collapsed = bodyText.slice(0, EXCERPT_CHARS * 4).replace(/\s+/g, " ").trim();
  if (collapsed === "") return "an empty body";
  return collapsed.length > EXCERPT_CHARS ? `${collapsed.slice(0, EXCERPT_CHARS)}…` : collapsed;
}

/** The page's `<title>` as plain text, when it has one. */
function htmlTitle(bodyText: string): { page_title?: string } {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(bodyText)?.[1].replace(/\s+/g, " ").trim();
  return title ? { page_title: title.slice(0, 100) } : {};
}
