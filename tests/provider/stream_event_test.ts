import assert from "node:assert/strict";
import { parseStreamEvent } from "../../src/provider/stream_event.ts";

function parse(json: unknown, event?: string) {
  return parseStreamEvent({
    ...(event === undefined ? {} : { event }),
    data: JSON.stringify(json),
  });
}

Deno.test("[DONE], non-JSON and non-object data parse to null", () => {
  assert.equal(parseStreamEvent({ data: "[DONE]" }), null);
  assert.equal(parseStreamEvent({ data: "{not json" }), null);
  assert.equal(parseStreamEvent({ data: "42" }), null);
  assert.equal(parseStreamEvent({ data: '["response.created"]' }), null);
  assert.equal(parseStreamEvent({ data: '{"no":"type"}' }), null);
});

Deno.test("the JSON type decides the event, not the SSE event name", () => {
  assert.deepEqual(
    parse({ type: "response.output_text.delta", item_id: "m", delta: "hi" }, "response.completed"),
    { type: "response.output_text.delta", item_id: "m", delta: "hi" },
  );
});

Deno.test("unknown and progress events are ignored with their type", () => {
  assert.deepEqual(parse({ type: "response.in_progress", response: { id: "r" } }), {
    type: "ignored",
    event_type: "response.in_progress",
  });
  assert.deepEqual(parse({ type: "response.web_search_call.searching" }), {
    type: "ignored",
    event_type: "response.web_search_call.searching",
  });
});

Deno.test("deltas need a string item_id and delta", () => {
  assert.deepEqual(
    parse({ type: "response.reasoning_summary_text.delta", item_id: "rs", delta: "**T**" }),
    { type: "response.reasoning_summary_text.delta", item_id: "rs", delta: "**T**" },
  );
  assert.equal(
    parse({ type: "response.output_text.delta", item_id: "m", delta: 5 })?.type,
    "ignored",
  );
  assert.equal(parse({ type: "response.output_text.delta", delta: "x" })?.type, "ignored");
});

Deno.test("response.created needs the response id", () => {
  assert.deepEqual(parse({ type: "response.created", response: { id: "resp_1" } }), {
    type: "response.created",
    response_id: "resp_1",
  });
  assert.equal(parse({ type: "response.created", response: {} })?.type, "ignored");
});

Deno.test("a finished message keeps output_text parts and drops other parts", () => {
  const event = parse({
    type: "response.output_item.done",
    item: {
      id: "msg_1",
      type: "message",
      status: "completed",
      role: "assistant",
      phase: "final_answer",
      content: [
        { type: "output_text", annotations: [], text: "Hi" },
        { type: "refusal", refusal: "no" },
        { type: "output_text", text: 3 },
      ],
    },
  });
  assert.deepEqual(event, {
    type: "response.output_item.done",
    item: {
      type: "message",
      role: "assistant",
      id: "msg_1",
      status: "completed",
      phase: "final_answer",
      content: [{ type: "output_text", annotations: [], text: "Hi" }],
    },
  });
});

Deno.test("a finished reasoning item keeps its summary and encrypted content", () => {
  assert.deepEqual(
    parse({
      type: "response.output_item.done",
      item: {
        id: "rs_1",
        type: "reasoning",
        summary: [{ type: "summary_text", text: "**Plan**" }, { type: "other" }],
        encrypted_content: "gAAA",
      },
    }),
    {
      type: "response.output_item.done",
      item: {
        type: "reasoning",
        id: "rs_1",
        summary: [{ type: "summary_text", text: "**Plan**" }],
        encrypted_content: "gAAA",
      },
    },
  );
  assert.deepEqual(parse({ type: "response.output_item.done", item: { type: "reasoning" } }), {
    type: "response.output_item.done",
    item: { type: "reasoning", summary: [] },
  });
});

Deno.test("a finished function call needs call_id, name and string arguments", () => {
  const item = {
    id: "fc_1",
    type: "function_call",
    status: "completed",
    arguments: '{"path":"README.md"}',
    call_id: "call_1",
    name: "read_file",
  };
  assert.deepEqual(parse({ type: "response.output_item.done", item }), {
    type: "response.output_item.done",
    item: {
      type: "function_call",
      id: "fc_1",
      status: "completed",
      call_id: "call_1",
      name: "read_file",
      arguments: '{"path":"README.md"}',
    },
  });
  for (const broken of [{ ...item, call_id: undefined }, { ...item, arguments: { path: "x" } }]) {
    assert.equal(parse({ type: "response.output_item.done", item: broken })?.type, "ignored");
  }
});

Deno.test("output items of other kinds, and user messages, are ignored", () => {
  for (
    const item of [
      { type: "web_search_call", id: "ws_1", status: "completed" },
      { type: "message", role: "user", content: [] },
      "not an item",
    ]
  ) {
    assert.deepEqual(parse({ type: "response.output_item.done", item }), {
      type: "ignored",
      event_type: "response.output_item.done",
    });
  }
});

Deno.test("response.completed flattens usage, with 0 for missing counts", () => {
  assert.deepEqual(
    parse({
      type: "response.completed",
      response: {
        id: "resp_1",
        output: [],
        usage: { input_tokens: 10, output_tokens: 4, output_tokens_details: {} },
      },
    }),
    {
      type: "response.completed",
      response_id: "resp_1",
      usage: {
        input_tokens: 10,
        cached_tokens: 0,
        output_tokens: 4,
        reasoning_tokens: 0,
        total_tokens: 0,
      },
    },
  );
});

Deno.test("terminal events are kept even when their payload is missing", () => {
  assert.deepEqual(parse({ type: "response.completed" }), {
    type: "response.completed",
    usage: null,
  });
  assert.deepEqual(parse({ type: "response.incomplete", response: { usage: null } }), {
    type: "response.incomplete",
    usage: null,
  });
  assert.deepEqual(parse({ type: "response.failed" }), { type: "response.failed", error: {} });
  assert.deepEqual(parse({ type: "error" }), { type: "error", error: {} });
});

Deno.test("response.incomplete carries the server's reason", () => {
  assert.deepEqual(
    parse({
      type: "response.incomplete",
      response: { id: "r", incomplete_details: { reason: "max_output_tokens" } },
    }),
    { type: "response.incomplete", response_id: "r", reason: "max_output_tokens", usage: null },
  );
});

Deno.test("response.failed carries response.error", () => {
  assert.deepEqual(
    parse({
      type: "response.failed",
      response: { id: "r", error: { code: "context_length_exceeded", message: "too long" } },
    }),
    {
      type: "response.failed",
      response_id: "r",
      error: { code: "context_length_exceeded", message: "too long" },
    },
  );
});

Deno.test("error events are read in both shapes", () => {
  const message = "Our servers are currently overloaded. Please try again later.";
  assert.deepEqual(
    parse({
      type: "error",
      error: { type: "server_error", code: "server_is_overloaded", message },
      sequence_number: 2,
    }),
    { type: "error", error: { type: "server_error", code: "server_is_overloaded", message } },
  );
  assert.deepEqual(
    parse({ type: "error", code: "server_is_overloaded", message, param: null }),
    { type: "error", error: { code: "server_is_overloaded", message } },
  );
});

Deno.test("a finished web search call keeps its status and action as sent", () => {
  const item = {
    id: "ws_1",
    type: "web_search_call",
    status: "completed",
    action: { type: "search", query: "deno", sources: [{ type: "url", url: "https://d" }] },
  };
  assert.deepEqual(parse({ type: "response.output_item.done", output_index: 0, item }), {
    type: "response.output_item.done",
    item,
  });
  // Without a status or an action there is nothing to replay.
  const { action: _action, ...noAction } = item;
  assert.equal(parse({ type: "response.output_item.done", item: noAction })?.type, "ignored");
});

Deno.test("url citations are read from a message's parts, their indexes into the joined text", () => {
  const cite = (start: number, end: number, url: string) => ({
    type: "url_citation",
    start_index: start,
    end_index: end,
    url,
    title: `T ${url}`,
  });
  const event = parse({
    type: "response.output_item.done",
    item: {
      type: "message",
      role: "assistant",
      content: [
        { type: "output_text", text: "abc", annotations: [cite(0, 3, "https://a")] },
        {
          type: "output_text",
          text: "defg",
          annotations: [
            cite(1, 4, "https://b"),
            { type: "file_citation", file_id: "f" },
            { type: "url_citation", url: "https://no-indexes" },
            "junk",
          ],
        },
      ],
    },
  });
  assert.ok(event?.type === "response.output_item.done" && event.item.type === "message");
  assert.deepEqual(event.item.citations, [
    { url: "https://a", title: "T https://a", start_index: 0, end_index: 3 },
    { url: "https://b", title: "T https://b", start_index: 4, end_index: 7 },
  ]);
});
