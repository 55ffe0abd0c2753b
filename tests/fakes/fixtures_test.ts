import assert from "node:assert/strict";
import {
  contextOverflowFailure,
  DETAIL,
  detailReply,
  errorEventNested,
  errorEventTopLevel,
  inBandFailure,
  incompleteAnswer,
  invalidInputReply,
  manyDeltasAnswer,
  missingAuthReply,
  overloadedReply,
  rateLimitReply,
  serverErrorReply,
  textAnswer,
  tokenExpiredReply,
  toolCallAnswer,
  unsupportedParameter,
  unsupportedVerbosityReply,
  usageLimitReply,
} from "./fixtures.ts";
import { encodeSse, type StreamEvent } from "./sse.ts";

/** A reference fixture, copied verbatim from the protocol reference into testdata/. */
function reference(name: string): string {
  return Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url));
}

/** The events of one type, in order. */
function ofType(events: readonly StreamEvent[], type: string): StreamEvent[] {
  return events.filter((event) => event.type === type);
}

Deno.test("textAnswer reproduces J.1 byte for byte", () => {
  const events = textAnswer("Hello there!", { deltas: ["Hello", " there!"] });
  assert.equal(encodeSse(events), reference("j1_text_answer.sse"));
});

Deno.test("textAnswer without reasoning puts the message at output index 0", () => {
  const events = textAnswer("Hi", { reasoning: false, responseId: "resp_x", model: "gpt-5.4" });
  const items = ofType(events, "response.output_item.added").map((event) => event.item);
  assert.deepEqual(items.map((item) => (item as { type: string }).type), ["message"]);
  assert.equal(events.some((event) => event.type.startsWith("response.reasoning")), false);
  const [done] = ofType(events, "response.output_item.done");
  assert.equal(done.output_index, 0);
  assert.deepEqual(done.item, {
    id: "msg_x",
    type: "message",
    status: "completed",
    role: "assistant",
    content: [{ type: "output_text", annotations: [], text: "Hi" }],
  });
  assert.deepEqual(
    events.map((event) => event.sequence_number),
    events.map((_, index) => index),
  );
  const [created] = ofType(events, "response.created");
  assert.equal((created.response as { model: string }).model, "gpt-5.4");
});

Deno.test("textAnswer carries the given usage in the wire shape and an empty output", () => {
  const usage = {
    input_tokens: 10,
    cached_tokens: 4,
    output_tokens: 3,
    reasoning_tokens: 1,
    total_tokens: 13,
  };
  const [completed] = ofType(textAnswer("x", { usage }), "response.completed");
  assert.deepEqual(completed.response, {
    id: "resp_fx1",
    object: "response",
    created_at: 1767225600,
    status: "completed",
    model: "gpt-5.5",
    output: [],
    usage: {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 4 },
      output_tokens: 3,
      output_tokens_details: { reasoning_tokens: 1 },
      total_tokens: 13,
    },
  });
});

Deno.test("textAnswer refuses deltas that do not spell the text", () => {
  assert.throws(() => textAnswer("Hello", { deltas: ["Hel", "p"] }), /deltas must join/);
});

Deno.test("toolCallAnswer reproduces J.2 byte for byte", () => {
  const events = toolCallAnswer({
    name: "read_file",
    arguments: '{"path":"README.md"}',
    callId: "call_fx2A",
    argumentDeltas: ['{"path":"RE', 'ADME.md"}'],
  });
  assert.equal(encodeSse(events), reference("j2_tool_call.sse"));
});

Deno.test("toolCallAnswer splits the arguments in two by default", () => {
  const events = toolCallAnswer({ name: "ls", arguments: '{"a":1}', callId: "call_1" });
  const deltas = ofType(events, "response.function_call_arguments.delta");
  assert.deepEqual(deltas.map((event) => event.delta), ['{"a"', ":1}"]);
});

Deno.test("contextOverflowFailure reproduces J.3a byte for byte", () => {
  assert.equal(encodeSse(contextOverflowFailure()), reference("j3a_context_overflow.sse"));
});

Deno.test("inBandFailure carries any code and message in response.error", () => {
  const message = "Rate limit reached. Please try again in 0.05s.";
  const [, failed] = inBandFailure("rate_limit_exceeded", message);
  assert.equal(failed.type, "response.failed");
  assert.deepEqual((failed.response as { error: unknown }).error, {
    code: "rate_limit_exceeded",
    message,
  });
});

Deno.test("errorEventNested and errorEventTopLevel reproduce J.3b byte for byte", () => {
  const events = [...errorEventNested(), ...errorEventTopLevel()];
  assert.equal(encodeSse(events), reference("j3b_error_events.sse"));
});

Deno.test("incompleteAnswer reproduces J.3g byte for byte", () => {
  assert.equal(encodeSse(incompleteAnswer()), reference("j3g_incomplete.sse"));
});

Deno.test("manyDeltasAnswer streams n deltas that spell the final text", () => {
  const events = manyDeltasAnswer(50);
  const deltas = ofType(events, "response.output_text.delta").map((event) => event.delta);
  assert.equal(deltas.length, 50);
  const [done] = ofType(events, "response.output_text.done");
  assert.equal(done.text, deltas.join(""));
});

Deno.test("usageLimitReply reproduces J.3d's status, headers and body from the injected now", () => {
  const [head, body] = reference("j3d_usage_limit.http").split("\n\n");
  const [statusLine, ...headerLines] = head.split("\n");
  const reply = usageLimitReply({ now: (1767243600 - 13872) * 1000 + 999 });
  assert.equal(reply.status, Number(statusLine.split(" ")[1]));
  assert.deepEqual(
    reply.headers,
    Object.fromEntries(headerLines.map((line) => line.split(": "))),
  );
  assert.deepEqual(reply.body, JSON.parse(body));
});

Deno.test("usageLimitReply computes the reset from now and the window", () => {
  const reply = usageLimitReply({ now: 1_000_000_000, resetsInSeconds: 60, planType: "pro" });
  assert.equal(reply.headers?.["x-codex-primary-reset-at"], "1000060");
  assert.deepEqual(reply.body, {
    error: {
      type: "usage_limit_reached",
      message: "The usage limit has been reached",
      plan_type: "pro",
      resets_at: 1000060,
      eligible_promo: null,
      resets_in_seconds: 60,
    },
  });
});

Deno.test("detailReply gives the backend's 400 detail bodies", () => {
  assert.deepEqual(detailReply(DETAIL.store), {
    status: 400,
    body: { detail: "Store must be set to false" },
  });
  assert.equal(unsupportedParameter("max_output_tokens"), DETAIL.maxOutputTokens);
});

Deno.test("rateLimitReply asks to try again after the given delay", () => {
  const reply = rateLimitReply("0.05s");
  assert.equal(reply.status, 429);
  const { error } = reply.body as { error: { code: string; message: string } };
  assert.equal(error.code, "rate_limit_exceeded");
  assert.match(error.message, /Please try again in 0\.05s\./);
});

Deno.test("fixture events share no objects, so editing one leaves the others intact", () => {
  const [created, inProgress] = textAnswer("x");
  (created.response as { id: string }).id = "edited";
  assert.equal((inProgress.response as { id: string }).id, "resp_fx1");
});

Deno.test("the HTTP failure replies carry the status and error code clients classify by", () => {
  const cases = [
    [tokenExpiredReply(), 401, "token_expired"],
    [missingAuthReply(), 401, null],
    [overloadedReply(), 503, "server_is_overloaded"],
    [serverErrorReply(), 500, null],
    [invalidInputReply("No tool output found for function call call_1."), 400, null],
    [unsupportedVerbosityReply("gpt-5.3-codex", "low"), 400, "unsupported_value"],
  ] as const;
  for (const [reply, status, code] of cases) {
    assert.equal(reply.status, status);
    const { error } = reply.body as { error: { code: unknown; message: unknown } };
    assert.equal(error.code, code);
    assert.equal(typeof error.message, "string");
  }
});
