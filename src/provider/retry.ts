/** Retry policy: whether a failed model call is sent again, and after how long. */

import type { ProviderError } from "./error.ts";

/** How many times, and how patiently, a retryable failure is retried. */
export interface RetryPolicy {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** The backoff before the first retry; it doubles for each later one. */
  baseMs: number;
  /** The longest backoff Pixir chooses by itself. */
  maxMs: number;
}

/** 4 retries, 200 ms doubling up to 8 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseMs: 200, maxMs: 8_000 };

/**
 * The longest delay a server may ask for and still be waited out. Beyond it, failing with the
 * server's message serves the user better than a silent long wait.
 */
export const MAX_REQUESTED_DELAY_MS = 60_000;

/**
 * Exponential backoff before retry number `attempt` (1-based): `baseMs · 2^(attempt-1)` with
 * jitter in [0.9, 1.1) so clients that failed together do not retry together, capped at `maxMs`.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number; random: () => number },
): number {
  const exponential = options.baseMs * 2 ** Math.max(0, attempt - 1);
  const jitter = 0.9 + 0.2 * options.random();
  return Math.round(Math.min(options.maxMs, exponential * jitter));
}

/**
 * The delay before retry number `attempt` (1-based) after `error`, or null when there should be
 * none: the error is fatal, the retries are spent, or the server asked for too long a wait.
 */
export function retryDelay(
  error: ProviderError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number,
): number | null {
  if (!error.retryable || attempt > policy.maxRetries) return null;
  if (error.retry_after_ms === undefined) return backoffDelay(attempt, { ...policy, random });
  return error.retry_after_ms > MAX_REQUESTED_DELAY_MS ? null : error.retry_after_ms;
}
