import assert from "node:assert/strict";
import type { CanonicalEvent } from "../../src/agent/event.ts";
import { foldHistory, INTERRUPTED_TOOL_ERROR } from "../../src/agent/history.ts";
import type { InputItem } from "../../src/provider/item.ts";
import { assertValidInput } from "./helpers.ts";

const MODEL = "gpt-5.5";
const USAGE = {
  input_tokens: 1,
  cached_tokens: 0,
  output_tokens: 1,
  reasoning_tokens: 0,
  total_tokens: 2,
  model: MODEL,
};

const started: CanonicalEvent = {
  type: "session_started",
  data: { format: 1, cwd: "/ws", model: MODEL, effort: "medium", pixir_version: "0.1.0" },
};
const user = (text: string): CanonicalEvent => ({ type: "user_message", data: { text } });
const turnStarted = (turn: number): CanonicalEvent => ({
  type: "turn_started",
  data: { turn, model: MODEL, effort: "medium" },
});
const reasoning = (secret: string | null, model = MODEL, summary = ""): CanonicalEvent => ({
  type: "reasoning",
  data: {
    model,
    summary: summary ? [{ type: "summary_text", text: summary }] : [],
    encrypted_content: secret,
  },
});
const said = (text: string, model = MODEL): CanonicalEvent => ({
  type: "assistant_message",
  data: { model, text },
});
const call = (call_id: string, args = "{}"): CanonicalEvent => ({
  type: "tool_call",
  data: { model: MODEL, call_id, name: "read", arguments: args },
});
const result = (call_id: string, output: string): CanonicalEvent => ({
  type: "tool_result",
  data: { call_id, name: "read", ok: true, output },
});
const usage: CanonicalEvent = { type: "usage", data: USAGE };

const userItem = (text: string): InputItem => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text }],
});
const assistantItem = (text: string): InputItem => ({
  type: "message",
  role: "assistant",
  content: [{ type: "output_text", text }],
});
const interrupted = (call_id: string): InputItem => ({
  type: "function_call_output",
  call_id,
  output: JSON.stringify({ ok: false, error: INTERRUPTED_TOOL_ERROR }),
});

Deno.test("a tool round trip folds into the follow-up input of the protocol fixture", () => {
  const events: CanonicalEvent[] = [
    started,
    user("What does README.md say?"),
    turnStarted(1),
    reasoning("gAAAAABfakeEncryptedReasoningBlob2=="),
    {
      type: "tool_call",
      data: {
        model: MODEL,
        call_id: "call_fx2A",
        name: "read_file",
        arguments: '{"path":"README.md"}',
      },
    },
    usage,
    {
      type: "tool_result",
      data: { call_id: "call_fx2A", name: "read_file", ok: true, output: "# Demo\nHello." },
    },
  ];
  // The `input` of the J.2 follow-up request in codex-protocol.md, verbatim.
  const expected = JSON.parse(`[
  {"type":"message","role":"user","content":[{"type":"input_text","text":"What does README.md say?"}]},
  {"type":"reasoning","summary":[],"encrypted_content":"gAAAAABfakeEncryptedReasoningBlob2=="},
  {"type":"function_call","call_id":"call_fx2A","name":"read_file","arguments":"{\\"path\\":\\"README.md\\"}"},
  {"type":"function_call_output","call_id":"call_fx2A","output":"# Demo\\nHello."}
 ]`);
  const input = foldHistory(events, MODEL);
  assert.deepEqual(input, expected);
  assert.equal(JSON.stringify(input), JSON.stringify(expected), "same keys in the same order");
});

Deno.test("only messages, reasoning, calls and results become input", () => {
  const events: CanonicalEvent[] = [
    started,
    user("hi"),
    turnStarted(1),
    said("hello"),
    usage,
    { type: "turn_completed", data: { turn: 1, status: "completed" } },
    user("again"),
    turnStarted(2),
    { type: "turn_failed", data: { turn: 2, error: { kind: "server_error", message: "x" } } },
  ];
  assert.deepEqual(foldHistory(events, MODEL), [
    userItem("hi"),
    assistantItem("hello"),
    userItem("again"),
  ]);
});

Deno.test("an assistant message keeps its phase", () => {
  const events: CanonicalEvent[] = [
    user("hi"),
    { type: "assistant_message", data: { model: MODEL, text: "done", phase: "final_answer" } },
  ];
  assert.deepEqual(foldHistory(events, MODEL)[1], {
    type: "message",
    role: "assistant",
    content: [{ type: "output_text", text: "done" }],
    phase: "final_answer",
  });
});

Deno.test("reasoning is replayed in arrival order before the item it led to", () => {
  const events: CanonicalEvent[] = [
    user("hi"),
    reasoning("r1", MODEL, "first"),
    reasoning("r2"),
    said("answer"),
  ];
  assert.deepEqual(foldHistory(events, MODEL), [
    userItem("hi"),
    {
      type: "reasoning",
      summary: [{ type: "summary_text", text: "first" }],
      encrypted_content: "r1",
    },
    { type: "reasoning", summary: [], encrypted_content: "r2" },
    assistantItem("answer"),
  ]);
});

Deno.test("reasoning from another model is dropped, its messages and calls are kept", () => {
  const events: CanonicalEvent[] = [
    user("hi"),
    reasoning("old-model-secret", "gpt-5.4"),
    call("c1"),
    result("c1", "out"),
    reasoning("old-model-secret-2", "gpt-5.4"),
    said("answer", "gpt-5.4"),
  ];
  const input = foldHistory(events, MODEL);
  assert.deepEqual(input.map((item) => item.type), [
    "message",
    "function_call",
    "function_call_output",
    "message",
  ]);
  assert.deepEqual(
    foldHistory(events, "gpt-5.4").filter((item) => item.type === "reasoning").length,
    2,
  );
});

Deno.test("reasoning never followed by its item is dropped", () => {
  const endings: CanonicalEvent[][] = [
    [usage],
    [{
      type: "turn_completed",
      data: { turn: 1, status: "incomplete", reason: "max_output_tokens" },
    }],
    [{ type: "interrupted", data: { turn: 1, reason: "sigint" } }],
    [{ type: "turn_failed", data: { turn: 1, error: { kind: "aborted", message: "x" } } }],
    [user("next")],
  ];
  assert.deepEqual(foldHistory([user("hi"), reasoning("at the end")], MODEL), [userItem("hi")]);
  for (const ending of endings) {
    const events = [user("hi"), reasoning("dangling"), ...ending, said("later")];
    const input = foldHistory(events, MODEL);
    assert.equal(input.some((item) => item.type === "reasoning"), false, JSON.stringify(ending));
    assertValidInput(input);
  }
});

Deno.test("reasoning without encrypted content is not replayed", () => {
  const input = foldHistory([user("hi"), reasoning(null, MODEL, "summary"), said("a")], MODEL);
  assert.deepEqual(input, [userItem("hi"), assistantItem("a")]);
});

Deno.test("a call without result gets a synthetic failed output right after it", () => {
  const events: CanonicalEvent[] = [
    user("hi"),
    call("answered"),
    call("orphan"),
    result("answered", "fine"),
    { type: "interrupted", data: { turn: 1, reason: "sigint" } },
    user("go on"),
  ];
  const input = foldHistory(events, MODEL);
  assert.deepEqual(input, [
    userItem("hi"),
    { type: "function_call", call_id: "answered", name: "read", arguments: "{}" },
    { type: "function_call", call_id: "orphan", name: "read", arguments: "{}" },
    interrupted("orphan"),
    { type: "function_call_output", call_id: "answered", output: "fine" },
    userItem("go on"),
  ]);
  assert.deepEqual(JSON.parse((input[3] as { output: string }).output), {
    ok: false,
    error: { kind: "aborted", message: "The tool call did not finish (interrupted)." },
  });
  assertValidInput(input);
});

Deno.test("a result without its call, before its call, or repeated is dropped", () => {
  const events: CanonicalEvent[] = [
    user("hi"),
    result("ghost", "no call"),
    result("early", "too soon"),
    call("early"),
    call("twice"),
    result("twice", "first"),
    result("twice", "second"),
  ];
  const input = foldHistory(events, MODEL);
  assert.deepEqual(input, [
    userItem("hi"),
    { type: "function_call", call_id: "early", name: "read", arguments: "{}" },
    interrupted("early"),
    { type: "function_call", call_id: "twice", name: "read", arguments: "{}" },
    { type: "function_call_output", call_id: "twice", output: "first" },
  ]);
  assertValidInput(input);
});

Deno.test("a repeated call id is sent once", () => {
  const input = foldHistory(
    [user("hi"), call("same"), result("same", "one"), call("same"), result("same", "two")],
    MODEL,
  );
  assert.deepEqual(input.map((item) => item.type), [
    "message",
    "function_call",
    "function_call_output",
  ]);
  assertValidInput(input);
});

Deno.test("the fold is pure: same events, same input, events untouched", () => {
  const events: CanonicalEvent[] = [user("hi"), reasoning("r"), call("c"), result("c", "o")];
  const before = structuredClone(events);
  assert.deepEqual(foldHistory(events, MODEL), foldHistory(events, MODEL));
  assert.deepEqual(events, before);
});

const compaction = (replaces_through_seq: number, summary = "S"): CanonicalEvent => ({
  type: "compaction",
  data: {
    summary,
    reason: "threshold",
    replaces_through_seq,
    model: MODEL,
    tokens_before: 1000,
  },
});

/** The text of the message that stands in for compacted events. */
function compactedText(input: readonly InputItem[]): string {
  const first = input[0];
  assert.ok(first.type === "message" && first.role === "user");
  const part = first.content[0];
  assert.ok(part.type === "input_text");
  return part.text;
}

Deno.test("a compaction folds into the summary, the task verbatim and the tail", () => {
  const events: CanonicalEvent[] = [
    started, // 0
    user("Fix the parser.\n  Keep the API."), // 1
    turnStarted(1), // 2
    call("c1"), // 3
    result("c1", "old file"), // 4
    said("Done with step one."), // 5
    user("Now add tests."), // 6
    turnStarted(2), // 7
    reasoning("secret"), // 8
    call("c2"), // 9
    result("c2", "recent"), // 10
    compaction(
      7,
      "## Goal\nFix the parser\n## Open items\n- [ ] add tests\n- [ ] update docs\n## Next step\nTests",
    ),
  ];
  const input = foldHistory(events, MODEL);

  const text = compactedText(input);
  assert.match(text, /Summary of the earlier conversation/);
  assert.ok(
    text.endsWith(
      "compacted to save context]\n## Goal\nFix the parser\n## Next step\nTests" +
        "\n\n[The original task, verbatim]\nFix the parser.\n  Keep the API." +
        "\n\n[The latest request before the summary, verbatim]\nNow add tests." +
        "\n\n[Open items of the plan]\n- [ ] add tests\n- [ ] update docs",
    ),
    text,
  );
  assert.ok(!JSON.stringify(input).includes("old file"), "replaced events stay out");
  assert.deepEqual(input.slice(1), [
    { type: "reasoning", summary: [], encrypted_content: "secret" },
    { type: "function_call", call_id: "c2", name: "read", arguments: "{}" },
    { type: "function_call_output", call_id: "c2", output: "recent" },
  ]);
  assertValidInput(input);
});

Deno.test("the latest compaction wins and a tail result whose call was replaced is dropped", () => {
  const events: CanonicalEvent[] = [
    started, // 0
    user("Task"), // 1
    call("c1"), // 2
    result("c1", "one"), // 3
    compaction(2, "first"), // 4
    said("after"), // 5
    compaction(3, "second"), // 6
  ];
  const input = foldHistory(events, MODEL);
  const text = compactedText(input);
  assert.ok(text.includes("second") && !text.includes("first\n"));
  assert.ok(!text.includes("latest request"), "the only prompt is the task");
  assert.deepEqual(input.slice(1), [assistantItem("after")]);
  assertValidInput(input);
});

Deno.test("envelopes are replaced by their seq, not their position", () => {
  const enveloped = [user("Task"), said("old"), said("new"), compaction(11)].map((event, i) => ({
    ...event,
    seq: i + 10,
  }));
  assert.deepEqual(foldHistory(enveloped, MODEL).slice(1), [assistantItem("new")]);
});

Deno.test("a summary without open items is sent whole", () => {
  const input = foldHistory([started, user("Task"), said("a"), compaction(2, "## Goal\nG")], MODEL);
  assert.ok(compactedText(input).includes("## Goal\nG\n\n[The original task, verbatim]\nTask"));
  assert.ok(!compactedText(input).includes("[Open items"));
});

Deno.test("encrypted reasoning goes back only to the provider (and model) that produced it", () => {
  const from = (provider: string | undefined): CanonicalEvent => ({
    type: "reasoning",
    data: {
      model: MODEL,
      ...(provider === undefined ? {} : { provider }),
      summary: [],
      encrypted_content: `secret-of-${provider ?? "legacy"}`,
    },
  });
  const events: CanonicalEvent[] = [user("hi"), from("local"), from(undefined), said("answer")];
  const replayed = (provider: string | undefined) =>
    foldHistory(events, MODEL, provider).flatMap((item) =>
      item.type === "reasoning" ? [item.encrypted_content] : []
    );
  assert.deepEqual(replayed("local"), ["secret-of-local"]);
  // A log written before providers were recorded could only have come from OpenAI's backends.
  assert.deepEqual(replayed("openai"), ["secret-of-legacy"]);
  assert.deepEqual(replayed("chatgpt"), ["secret-of-legacy"]);
  assert.deepEqual(replayed("ollama"), []);
  assert.deepEqual(
    foldHistory(events, "other-model", "local").filter((i) => i.type === "reasoning"),
    [],
  );
});

Deno.test("a web search goes back to the provider that ran it, and a child's events never do", () => {
  const search: CanonicalEvent = {
    type: "web_search",
    data: {
      model: MODEL,
      provider: "chatgpt",
      status: "completed",
      action: { type: "search", query: "deno", sources: [{ type: "url", url: "https://d" }] },
    },
  };
  const child: CanonicalEvent = {
    type: "subagent_event",
    data: { call_id: "call_t", event: { type: "user_message", data: { text: "child task" } } },
  };
  const events = [started, user("look it up"), turnStarted(1), search, child, said("found")];
  const replayed = foldHistory(events, MODEL, "chatgpt");
  assertValidInput(replayed);
  assert.deepEqual(replayed.slice(1), [
    {
      type: "web_search_call",
      status: "completed",
      action: { type: "search", query: "deno", sources: [{ type: "url", url: "https://d" }] },
    },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "found" }] },
  ]);
  // Another provider never ran the search: it gets the answer alone.
  assert.deepEqual(foldHistory(events, MODEL, "ollama").map((item) => item.type), [
    "message",
    "message",
  ]);
});
