import assert from "node:assert/strict";
import { CliFailure, exitCodeFor, failureFromProvider } from "../../src/cli/failure.ts";

const HINT = "run `pixir login` to sign in again";

Deno.test("every failure kind has its documented exit code", () => {
  const expected = {
    usage: 2,
    unknown_session: 2,
    permission_denied: 3,
    not_authenticated: 4,
    usage_limit: 5,
    timeout: 124,
    interrupted: 130,
    provider: 1,
    context_overflow: 1,
    invalid_request: 1,
    iteration_cap: 1,
    io: 1,
    internal: 1,
  } as const;
  for (const [kind, code] of Object.entries(expected)) {
    assert.equal(exitCodeFor(kind as keyof typeof expected), code, kind);
  }
});

Deno.test("provider failures map onto CLI kinds and keep their facts", () => {
  const limit = failureFromProvider({
    kind: "usage_limit",
    message: "usage limit reached, resets in ~231 min (plus plan)",
    retryable: false,
    status: 429,
    resets_at: 1767243600,
    details: { plan_type: "plus" },
  }, HINT);
  assert.equal(limit.kind, "usage_limit");
  assert.equal(limit.exitCode, 5);
  assert.equal(limit.message, "usage limit reached, resets in ~231 min (plus plan)");
  assert.deepEqual(limit.details, {
    provider_kind: "usage_limit",
    status: 429,
    resets_at: 1767243600,
    plan_type: "plus",
  });

  const auth = failureFromProvider({ kind: "auth", message: "rejected", retryable: false }, HINT);
  assert.equal(auth.exitCode, 4);
  assert.equal(auth.hint, HINT);
  const idle = failureFromProvider(
    { kind: "idle_timeout", message: "idle", retryable: true },
    HINT,
  );
  assert.equal(idle.exitCode, 124);
  const overflow = failureFromProvider({
    kind: "context_overflow",
    message: "too long",
    retryable: false,
  }, HINT);
  assert.equal(overflow.kind, "context_overflow");
  assert.equal(overflow.exitCode, 1);
  const shape = failureFromProvider({
    kind: "invalid_request",
    message: "Store must be set to false",
    retryable: false,
  }, HINT);
  assert.equal(shape.message, "Store must be set to false");
  assert.equal(shape.exitCode, 1);
  const transient = failureFromProvider(
    { kind: "overloaded", message: "busy", retryable: true },
    HINT,
  );
  assert.equal(transient.kind, "provider");
  assert.equal(transient.exitCode, 1);
});

Deno.test("toJSON carries the hint inside details", () => {
  const failure = new CliFailure("usage", "bad", { hint: "try this", details: { a: 1 } });
  assert.deepEqual(failure.toJSON(), {
    kind: "usage",
    message: "bad",
    details: { a: 1, hint: "try this" },
  });
});
