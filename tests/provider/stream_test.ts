import assert from "node:assert/strict";
import type { ModelEvent } from "../../src/provider/model_event.ts";
import { decodeSse, type SseMessage } from "../../src/provider/sse.ts";
import { readModelStream } from "../../src/provider/stream.ts";

/** A reference fixture (J.*) as the loopback fakes keep it, verbatim from the protocol notes. */
async function fixture(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(`../fakes/testdata/${name}`, import.meta.url));
}

async function reduce(sse: string): Promise<ModelEvent[]> {
  const bytes = new TextEncoder().encode(sse);
  return await Array.fromAsync(readModelStream(decodeSse(ReadableStream.from([bytes]))));
}

/** One `event:`/`data:` block, as the backend frames it. */
function block(json: Record<string, unknown>): string {
  return `event: ${json.type}\ndata: ${JSON.stringify(json)}\n\n`;
}

function failedWith(code: string, message: string): string {
  return block({
    type: "response.failed",
    response: { id: "resp_f", status: "failed", error: { code, message } },
  });
}

function terminal(events: ModelEvent[]): ModelEvent | undefined {
  const ends = events.filter((event) => event.type === "done" || event.type === "failed");
  assert.equal(ends.length, 1, "exactly one terminal event");
  assert.equal(events.at(-1), ends[0], "the terminal event comes last");
  return ends[0];
}

Deno.test("J.1: text, one reasoning item with encrypted content, and usage", async () => {
  const events = await reduce(await fixture("j1_text_answer.sse"));
  assert.deepEqual(events[0], { type: "created", response_id: "resp_fx1" });
  const text = events.flatMap((event) => event.type === "text_delta" ? [event.delta] : []);
  assert.equal(text.join(""), "Hello there!");
  const thinking = events.flatMap((event) => event.type === "reasoning_delta" ? [event] : []);
  assert.deepEqual(thinking, [
    { type: "reasoning_delta", item_id: "rs_fx1", delta: "**Answering a greeting**" },
  ]);
  const items = events.flatMap((event) => event.type === "item" ? [event.item] : []);
  assert.deepEqual(items, [
    {
      type: "reasoning",
      id: "rs_fx1",
      summary: [{ type: "summary_text", text: "**Answering a greeting**" }],
      encrypted_content: "gAAAAABfakeEncryptedReasoningBlob==",
    },
    {
      type: "message",
      role: "assistant",
      id: "msg_fx1",
      status: "completed",
      content: [{ type: "output_text", annotations: [], text: "Hello there!" }],
    },
  ]);
  assert.deepEqual(terminal(events), {
    type: "done",
    status: "completed",
    response_id: "resp_fx1",
    usage: {
      input_tokens: 1834,
      cached_tokens: 1536,
      output_tokens: 41,
      reasoning_tokens: 28,
      total_tokens: 1875,
    },
  });
});

Deno.test("J.2: a function_call item with its arguments string", async () => {
  const events = await reduce(await fixture("j2_tool_call.sse"));
  const items = events.flatMap((event) => event.type === "item" ? [event.item] : []);
  assert.deepEqual(items.map((item) => item.type), ["reasoning", "function_call"]);
  assert.deepEqual(items[1], {
    type: "function_call",
    id: "fc_fx2",
    status: "completed",
    call_id: "call_fx2A",
    name: "read_file",
    arguments: '{"path":"README.md"}',
  });
  const end = terminal(events);
  assert.equal(end?.type === "done" && end.status, "completed");
});

Deno.test("response.completed's output is not a source of items", async () => {
  const message = {
    id: "msg_x",
    type: "message",
    role: "assistant",
    content: [{ type: "output_text", text: "only in output" }],
  };
  const events = await reduce(
    block({ type: "response.completed", response: { id: "r", output: [message], usage: null } }),
  );
  assert.deepEqual(events, [{ type: "done", status: "completed", response_id: "r", usage: null }]);
});

Deno.test("J.3a: context overflow in the stream is fatal", async () => {
  const events = await reduce(await fixture("j3a_context_overflow.sse"));
  assert.deepEqual(events[0], { type: "created", response_id: "resp_fx3" });
  assert.deepEqual(terminal(events), {
    type: "failed",
    error: {
      kind: "context_overflow",
      code: "context_length_exceeded",
      message:
        "Your input exceeds the context window of this model. Please adjust your input and try again.",
      retryable: false,
    },
  });
});

Deno.test("J.3a variants: overloaded and rate limits are retryable", async () => {
  const overloaded = terminal(await reduce(failedWith("server_is_overloaded", "busy")));
  assert.equal(overloaded?.type === "failed" && overloaded.error.kind, "overloaded");
  assert.equal(overloaded?.type === "failed" && overloaded.error.retryable, true);
  const limited = terminal(
    await reduce(
      failedWith("rate_limit_exceeded", "Limit hit. Please try again in 11.054s. Thanks"),
    ),
  );
  assert.deepEqual(limited?.type === "failed" && limited.error, {
    kind: "rate_limited",
    code: "rate_limit_exceeded",
    message: "Limit hit. Please try again in 11.054s. Thanks",
    retryable: true,
    retry_after_ms: 11054,
  });
});

Deno.test("J.3b: each error event shape fails the stream as overloaded", async () => {
  const [nested, flat] = (await fixture("j3b_error_events.sse")).split("\n\n").filter(Boolean);
  const message = "Our servers are currently overloaded. Please try again later.";
  for (const shape of [nested, flat]) {
    assert.deepEqual(await reduce(`${shape}\n\n`), [{
      type: "failed",
      error: { kind: "overloaded", code: "server_is_overloaded", message, retryable: true },
    }]);
  }
});

Deno.test("J.3b: the first error ends the stream; later events are not read", async () => {
  const events = await reduce(await fixture("j3b_error_events.sse"));
  assert.equal(events.length, 1);
});

Deno.test("J.3c: a stream cut before its terminal event fails as stream_closed", async () => {
  const j1 = await fixture("j1_text_answer.sse");
  const cut = j1.slice(0, j1.indexOf("event: response.output_text.delta", j1.indexOf('"Hello"')));
  const events = await reduce(cut);
  assert.equal(events.filter((event) => event.type === "text_delta").length, 1);
  assert.deepEqual(terminal(events), {
    type: "failed",
    error: {
      kind: "stream_closed",
      message: "stream closed before response.completed",
      retryable: true,
    },
  });
});

Deno.test("J.3g: response.incomplete ends as done/incomplete with its reason", async () => {
  const events = await reduce(await fixture("j3g_incomplete.sse"));
  assert.deepEqual(events, [{
    type: "done",
    status: "incomplete",
    reason: "max_output_tokens",
    response_id: "resp_fx4",
    usage: {
      input_tokens: 900,
      cached_tokens: 0,
      output_tokens: 4096,
      reasoning_tokens: 0,
      total_tokens: 4996,
    },
  }]);
});

Deno.test("[DONE], garbage and unknown events between real ones change nothing", async () => {
  const noisy = "data: [DONE]\n\ndata: {oops\n\n" + block({ type: "codex.rate_limits" }) +
    block({ type: "response.output_text.delta", item_id: "m", delta: "ok" }) +
    block({ type: "response.completed", response: { id: "r", usage: null } });
  assert.deepEqual(await reduce(noisy), [
    { type: "text_delta", item_id: "m", delta: "ok" },
    { type: "done", status: "completed", response_id: "r", usage: null },
  ]);
});

Deno.test("reading stops at the terminal event and closes the message source", async () => {
  let closed = false;
  let readAfterEnd = false;
  async function* messages(): AsyncGenerator<SseMessage> {
    try {
      yield { data: JSON.stringify({ type: "response.completed", response: { id: "r" } }) };
      readAfterEnd = true;
      yield {
        data: JSON.stringify({ type: "response.output_text.delta", item_id: "m", delta: "x" }),
      };
    } finally {
      closed = true;
    }
  }
  const events = await Array.fromAsync(readModelStream(messages()));
  assert.deepEqual(events, [{ type: "done", status: "completed", response_id: "r", usage: null }]);
  assert.equal(readAfterEnd, false);
  assert.equal(closed, true);
});
