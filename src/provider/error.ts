/**
 * Provider failures as values. Every failure of a model call is one `ProviderError` whose `kind`
 * decides retry and exit code; nothing below the CLI throws for a protocol-level failure.
 */

/** The closed set of ways a model call can fail. */
export type ProviderErrorKind =
  /** 429 `usage_limit_reached` (or `usage_not_included`): the plan's quota is spent; never retried. */
  | "usage_limit"
  /** The input does not fit the model's context window; fatal for this request. */
  | "context_overflow"
  /** A request-shape rejection (400 `{"detail":…}` and other 4xx); fatal, shown verbatim. */
  | "invalid_request"
  /** 401/403 from the API: the credential was not accepted. */
  | "auth"
  /** A login exists but cannot be used just now (sign-in server unreachable, unreadable file). */
  | "credential_unavailable"
  /** 429 `rate_limit_exceeded` and friends: transient, retried with backoff. */
  | "rate_limited"
  /** `server_is_overloaded`, `slow_down`, 503: transient. */
  | "overloaded"
  /** Other 5xx or an unclassified in-band failure: transient. */
  | "server_error"
  /** The connection failed or broke (DNS, reset, TLS). */
  | "transport"
  /** The stream ended before its terminal event. */
  | "stream_closed"
  /** No bytes arrived for longer than the idle timeout. */
  | "idle_timeout"
  /** The caller aborted (Ctrl+C). */
  | "aborted";

/** One failure of a model call. */
export interface ProviderError {
  kind: ProviderErrorKind;
  /** A sentence for a human; for request-shape errors, the server's text verbatim. */
  message: string;
  /** Whether another attempt of the same request may succeed. */
  retryable: boolean;
  /** HTTP status, when the failure came with one. */
  status?: number;
  /** The server's error code (`context_length_exceeded`, `usage_limit_reached`, …). */
  code?: string;
  /** A delay the server asked for ("try again in 11s", `retry-after`). */
  retry_after_ms?: number;
  /** For usage limits: when the window resets, Unix seconds. */
  resets_at?: number;
  /** `x-request-id` of the failed response, for bug reports. */
  request_id?: string;
  /** Anything else worth showing (plan type, raw body excerpt). */
  details?: Record<string, unknown>;
}
