import assert from "node:assert/strict";
import {
  classifyHttpFailure,
  classifyStreamFailure,
  retryAfterInMessage,
} from "../../src/provider/classify.ts";

/** 2026-01-01 01:13:20 UTC. */
const NOW_MS = 1_767_230_000_000;

/** Central European Time in winter: UTC+1. */
const CET = () => 60;

function http(status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return classifyHttpFailure(status, new Headers(headers), text, NOW_MS, CET);
}

Deno.test("400 {detail} is an invalid request shown verbatim", () => {
  for (
    const detail of [
      "Store must be set to false",
      "Stream must be set to true",
      "Instructions are required",
      "Unsupported parameter: max_output_tokens",
    ]
  ) {
    assert.deepEqual(http(400, { detail }), {
      status: 400,
      kind: "invalid_request",
      message: detail,
      retryable: false,
    });
  }
});

Deno.test("400/413 context overflow, by code or by message, is fatal", () => {
  const byCode = http(400, {
    error: {
      code: "context_length_exceeded",
      message: "Input too long.",
      type: "invalid_request_error",
    },
  });
  assert.deepEqual(byCode, {
    status: 400,
    code: "context_length_exceeded",
    kind: "context_overflow",
    message: "Input too long.",
    retryable: false,
  });
  const byMessage = http(413, {
    error: { message: "Your input exceeds the context window of this model." },
  });
  assert.equal(byMessage.kind, "context_overflow");
  assert.equal(byMessage.retryable, false);
  assert.equal(
    http(400, { detail: "This model's maximum context length is 272000" }).kind,
    "context_overflow",
  );
});

Deno.test("401 is an auth failure with the server's words in details", () => {
  const error = http(
    401,
    {
      error: {
        message: "Your token has expired.",
        type: "invalid_request_error",
        code: "token_expired",
      },
    },
    { "x-request-id": "req_401" },
  );
  assert.deepEqual(error, {
    status: 401,
    code: "token_expired",
    request_id: "req_401",
    kind: "auth",
    message: "not authenticated: the API rejected the credential",
    retryable: false,
    details: { server_message: "Your token has expired." },
  });
});

Deno.test("403 with an HTML page is a blocked request, never parsed or echoed", () => {
  const page = "<!DOCTYPE html><html><head><title>Just a moment...</title></head>" +
    '<body><script>{"error":{"code":"x"}}</script>Enable JavaScript and cookies</body></html>';
  const error = http(403, page, { "content-type": "text/html; charset=UTF-8" });
  assert.equal(error.kind, "invalid_request");
  assert.equal(error.retryable, false);
  assert.equal(error.code, undefined);
  assert.match(error.message, /Cloudflare challenge/);
  assert.doesNotMatch(error.message, /<|Enable JavaScript/);
  assert.deepEqual(error.details, {
    blocked_by: "cloudflare_challenge",
    page_title: "Just a moment...",
  });
  // Recognised without a content-type too.
  assert.equal(http(403, page).details?.blocked_by, "cloudflare_challenge");
});

Deno.test("403 with an API error is an auth failure", () => {
  const error = http(403, { error: { message: "You do not have access." } });
  assert.equal(error.kind, "auth");
  assert.equal(error.retryable, false);
  assert.match(error.message, /You do not have access\./);
});

Deno.test("429 usage_limit_reached is not retryable and says when it resets, locally (J.3d)", () => {
  const error = http(429, {
    error: {
      type: "usage_limit_reached",
      message: "The usage limit has been reached",
      plan_type: "plus",
      resets_at: 1767243600,
      eligible_promo: null,
      resets_in_seconds: 13872,
    },
  }, { "x-request-id": "req_fx" });
  assert.deepEqual(error, {
    status: 429,
    code: "usage_limit_reached",
    request_id: "req_fx",
    kind: "usage_limit",
    // 01:13:20 UTC + 13872 s = 05:04:32 UTC, shown as 06:05 in UTC+1 (rounded up to the minute).
    message: "usage limit reached, resets in 3 h 51 min, at 06:05 (plus plan)",
    retryable: false,
    resets_at: 1767243600,
    details: { plan_type: "plus", server_message: "The usage limit has been reached" },
  });
});

Deno.test("429 usage limit without resets_at computes it from resets_in_seconds and now", () => {
  const error = http(429, { error: { code: "usage_limit_reached", resets_in_seconds: 600 } });
  assert.equal(error.kind, "usage_limit");
  assert.equal(error.resets_at, NOW_MS / 1000 + 600);
  assert.equal(error.message, "usage limit reached, resets in 10 min, at 02:24");
});

Deno.test("429 usage limit with only resets_at waits until then", () => {
  const error = http(429, { error: { type: "usage_limit_reached", resets_at: 1767243600 } });
  assert.equal(error.resets_at, 1767243600);
  assert.equal(error.message, "usage limit reached, resets in 3 h 47 min, at 06:00");
});

Deno.test("429 usage_not_included is a usage limit without a reset", () => {
  const error = http(429, { error: { type: "usage_not_included", plan_type: "free" } });
  assert.equal(error.kind, "usage_limit");
  assert.equal(error.retryable, false);
  assert.equal(error.message, "usage is not included in this plan (free plan)");
  assert.equal(http(403, { error: { code: "usage_not_included" } }).kind, "usage_limit");
});

Deno.test("other 429s are retryable rate limits with the delay the server asks for", () => {
  const fromMessage = http(429, {
    error: {
      code: "rate_limit_exceeded",
      message: "Rate limit reached. Please try again in 11.054s.",
    },
  });
  assert.equal(fromMessage.kind, "rate_limited");
  assert.equal(fromMessage.retryable, true);
  assert.equal(fromMessage.retry_after_ms, 11054);
  assert.equal(http(429, { error: { message: "try again in 250ms" } }).retry_after_ms, 250);
  assert.equal(
    http(429, { error: { message: "slow" } }, { "retry-after": "3" }).retry_after_ms,
    3000,
  );
  const date = new Date(NOW_MS + 5000).toUTCString();
  assert.equal(http(429, {}, { "retry-after": date }).retry_after_ms, 5000);
  // The header wins over the message.
  assert.equal(
    http(429, { error: { message: "try again in 9s" } }, { "retry-after": "2" }).retry_after_ms,
    2000,
  );
  assert.equal(http(429, { error: { message: "slow down" } }).retry_after_ms, undefined);
});

Deno.test("500, 502 and 504 are retryable server errors", () => {
  for (const status of [500, 502, 504]) {
    const error = http(status, { error: { message: "oops" } });
    assert.equal(error.kind, "server_error");
    assert.equal(error.retryable, true);
    assert.equal(error.message, `server error (HTTP ${status}): oops`);
  }
});

Deno.test("503 and overload codes are retryable overloads", () => {
  assert.equal(http(503, "").kind, "overloaded");
  for (const code of ["server_is_overloaded", "slow_down"]) {
    const error = http(500, { error: { code, message: "busy" } });
    assert.equal(error.kind, "overloaded");
    assert.equal(error.retryable, true);
  }
});

Deno.test("other 4xx are invalid requests with the server's message verbatim", () => {
  const error = http(404, {
    error: { message: "The model `gpt-9` does not exist", code: "model_not_found" },
  });
  assert.deepEqual(error, {
    status: 404,
    code: "model_not_found",
    kind: "invalid_request",
    message: "The model `gpt-9` does not exist",
    retryable: false,
  });
  assert.equal(
    http(400, { error: { code: "cyber_policy", message: "blocked" } }).kind,
    "invalid_request",
  );
  assert.equal(http(422, { error: "bad thing" }).message, "bad thing");
});

Deno.test("a non-JSON body is quoted as a short collapsed excerpt", () => {
  const text = "upstream   connect error\n\n or disconnect/reset before headers. " +
    "x".repeat(1000);
  const error = http(502, text);
  const excerpt = error.message.slice("server error (HTTP 502): ".length);
  assert.ok(excerpt.startsWith("upstream connect error or disconnect/reset before headers."));
  assert.equal(excerpt.length, 301); // 300 characters and an ellipsis
  assert.equal(http(418, "").message, "HTTP 418: an empty body");
  assert.equal(http(418, "I'm a teapot").message, "HTTP 418: I'm a teapot");
});

Deno.test("an HTML error page on other statuses is described, not echoed", () => {
  const error = http(502, "<html><head><title>502 Bad Gateway</title></head></html>");
  assert.equal(error.kind, "server_error");
  assert.equal(error.message, 'server error (HTTP 502): an HTML page titled "502 Bad Gateway"');
  assert.equal(
    http(500, "<html><body>x</body></html>").message,
    "server error (HTTP 500): an HTML page",
  );
});

Deno.test("x-oai-request-id is recorded when x-request-id is absent", () => {
  assert.equal(http(500, {}, { "x-oai-request-id": "oai_1" }).request_id, "oai_1");
});

Deno.test("in-band failures map to kinds by code", () => {
  const cases: [Record<string, string>, string, boolean][] = [
    [{ code: "context_length_exceeded" }, "context_overflow", false],
    [{ code: "insufficient_quota" }, "usage_limit", false],
    [{ code: "usage_not_included" }, "usage_limit", false],
    [{ type: "usage_limit_reached" }, "usage_limit", false],
    [{ code: "invalid_prompt" }, "invalid_request", false],
    [{ code: "cyber_policy" }, "invalid_request", false],
    [{ code: "server_is_overloaded" }, "overloaded", true],
    [{ type: "server_error", code: "slow_down" }, "overloaded", true],
    [{ code: "rate_limit_exceeded" }, "rate_limited", true],
    [{ code: "something_new" }, "server_error", true],
    [{}, "server_error", true],
  ];
  for (const [fields, kind, retryable] of cases) {
    const error = classifyStreamFailure({ ...fields, message: "m" });
    assert.equal(error.kind, kind, JSON.stringify(fields));
    assert.equal(error.retryable, retryable, JSON.stringify(fields));
    assert.equal(error.message, "m");
  }
});

Deno.test("in-band: a context-window message without a code is an overflow", () => {
  const error = classifyStreamFailure({
    message: "Your input exceeds the context window of this model.",
  });
  assert.equal(error.kind, "context_overflow");
});

Deno.test("in-band: another code wins over context-window wording", () => {
  const error = classifyStreamFailure({
    code: "server_is_overloaded",
    message: "Your input exceeds the context window of this model.",
  });
  assert.equal(error.kind, "overloaded");
});

Deno.test("in-band rate limits carry the delay from the message", () => {
  const error = classifyStreamFailure({
    code: "rate_limit_exceeded",
    message: "Rate limit reached for gpt-5.5. Please try again in 250ms.",
  });
  assert.equal(error.retry_after_ms, 250);
});

Deno.test("in-band failures without a message still explain themselves", () => {
  assert.equal(classifyStreamFailure({ code: "boom" }).message, "the response failed (boom)");
  assert.equal(classifyStreamFailure({}).message, "the response failed");
});

Deno.test("retryAfterInMessage reads seconds and milliseconds", () => {
  assert.equal(retryAfterInMessage("Please try again in 11.054s."), 11054);
  assert.equal(retryAfterInMessage("please TRY AGAIN IN 2 seconds"), 2000);
  assert.equal(retryAfterInMessage("try again in 1 second"), 1000);
  assert.equal(retryAfterInMessage("try again in 250ms"), 250);
  assert.equal(retryAfterInMessage("try again in 0.01s"), 10);
  assert.equal(retryAfterInMessage("try again later"), undefined);
});
