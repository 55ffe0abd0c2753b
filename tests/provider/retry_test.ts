import assert from "node:assert/strict";
import type { ProviderError } from "../../src/provider/error.ts";
import {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  MAX_REQUESTED_DELAY_MS,
  retryDelay,
  type RetryPolicy,
} from "../../src/provider/retry.ts";

const POLICY: RetryPolicy = { maxRetries: 4, baseMs: 200, maxMs: 8_000 };
const middle = () => 0.5;

const transient: ProviderError = { kind: "server_error", message: "oops", retryable: true };

Deno.test("the default policy is 4 retries, 200 ms base, 8 s cap", () => {
  assert.deepEqual(DEFAULT_RETRY_POLICY, POLICY);
});

Deno.test("backoff doubles from the base", () => {
  const delays = [1, 2, 3, 4].map((attempt) =>
    backoffDelay(attempt, { ...POLICY, random: middle })
  );
  assert.deepEqual(delays, [200, 400, 800, 1600]);
});

Deno.test("jitter stays within [0.9, 1.1) of the exponential delay", () => {
  assert.equal(backoffDelay(3, { ...POLICY, random: () => 0 }), 720);
  assert.equal(backoffDelay(3, { ...POLICY, random: () => 0.999999 }), 880);
  assert.equal(backoffDelay(3, { ...POLICY, random: () => 0.25 }), 760);
});

Deno.test("backoff is capped at maxMs", () => {
  assert.equal(backoffDelay(10, { ...POLICY, random: () => 0.999 }), 8_000);
  assert.equal(backoffDelay(6, { ...POLICY, random: () => 0 }), 5_760);
  assert.equal(backoffDelay(7, { ...POLICY, random: () => 0 }), 8_000);
});

Deno.test("retryDelay backs off for retryable errors until the retries are spent", () => {
  assert.equal(retryDelay(transient, 1, POLICY, middle), 200);
  assert.equal(retryDelay(transient, 4, POLICY, middle), 1600);
  assert.equal(retryDelay(transient, 5, POLICY, middle), null);
  assert.equal(retryDelay(transient, 1, { ...POLICY, maxRetries: 0 }, middle), null);
});

Deno.test("retryDelay never retries a fatal error", () => {
  const fatal: ProviderError = { kind: "usage_limit", message: "spent", retryable: false };
  assert.equal(retryDelay(fatal, 1, POLICY, middle), null);
});

Deno.test("retryDelay honours the server's delay exactly, without jitter", () => {
  const limited: ProviderError = {
    kind: "rate_limited",
    message: "try again in 11.054s",
    retryable: true,
    retry_after_ms: 11_054,
  };
  assert.equal(retryDelay(limited, 1, POLICY, () => 0), 11_054);
  assert.equal(retryDelay(limited, 5, POLICY, () => 0), null);
});

Deno.test("retryDelay gives up when the server asks for more than the cap", () => {
  const at = (ms: number): ProviderError => ({ ...transient, retry_after_ms: ms });
  assert.equal(retryDelay(at(MAX_REQUESTED_DELAY_MS), 1, POLICY, middle), MAX_REQUESTED_DELAY_MS);
  assert.equal(retryDelay(at(MAX_REQUESTED_DELAY_MS + 1), 1, POLICY, middle), null);
});
