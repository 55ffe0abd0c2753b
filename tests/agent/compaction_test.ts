import assert from "node:assert/strict";
import { compactionBoundary, compactSession } from "../../src/agent/compaction.ts";
import type { CanonicalEvent, Envelope } from "../../src/agent/event.ts";
import type { Session } from "../../src/agent/session.ts";
import type { ModelEvent } from "../../src/provider/model_event.ts";
import { scriptedModel, testSession, withTempDir } from "./helpers.ts";

const MODEL = "gpt-5.5";

/** Keep `items` items, whatever their size. */
const keep = (items: number) => ({ items, tokens: Infinity });

/** Envelopes numbered from 0, as in a log. */
function logOf(events: CanonicalEvent[]): Envelope<CanonicalEvent>[] {
  return events.map((event, seq) => ({ ...event, id: `s:${seq}`, session_id: "s", seq, ts: "" }));
}

const started: CanonicalEvent = {
  type: "session_started",
  data: { format: 1, cwd: "/ws", model: MODEL, effort: "medium", pixir_version: "0.1.0" },
};
const user = (text: string): CanonicalEvent => ({ type: "user_message", data: { text } });
const said = (text: string): CanonicalEvent => ({
  type: "assistant_message",
  data: { model: MODEL, text },
});
const reasoning: CanonicalEvent = {
  type: "reasoning",
  data: { model: MODEL, summary: [], encrypted_content: "x" },
};
const call = (call_id: string): CanonicalEvent => ({
  type: "tool_call",
  data: { model: MODEL, call_id, name: "read", arguments: "{}" },
});
const result = (call_id: string): CanonicalEvent => ({
  type: "tool_result",
  data: { call_id, name: "read", ok: true, output: "out" },
});

Deno.test("the kept tail holds the last items and starts at a clean boundary", () => {
  const log = logOf([
    started, // 0
    user("task"), // 1
    said("a"), // 2
    reasoning, // 3
    call("c1"), // 4
    result("c1"), // 5
    said("b"), // 6
  ]);
  assert.equal(compactionBoundary(log, keep(1)), 5, "keeps only the last message");
  // Two items would start the tail at the result: its call goes along, with its reasoning.
  assert.equal(compactionBoundary(log, keep(2)), 2);
  assert.equal(compactionBoundary(log, keep(3)), 2);
  assert.equal(
    compactionBoundary(log, keep(4)),
    2,
    "the prompt alone is never all that is replaced",
  );
  // Keeping more than there is still replaces the first answer.
  assert.equal(compactionBoundary(log, keep(6)), 2);
});

Deno.test("only events after the last compaction are replaced again", () => {
  const compaction: CanonicalEvent = {
    type: "compaction",
    data: {
      summary: "S",
      reason: "manual",
      replaces_through_seq: 2,
      model: MODEL,
      tokens_before: 9,
    },
  };
  const log = logOf([started, user("task"), said("a"), compaction, said("b"), said("c")]);
  assert.equal(compactionBoundary(log, keep(1)), 4);
  assert.equal(compactionBoundary(log, keep(2)), 4, "something new is always replaced");
  assert.equal(
    compactionBoundary(logOf([started, user("t"), said("a"), compaction]), keep(0)),
    undefined,
  );
  assert.equal(compactionBoundary(logOf([started]), keep(0)), undefined);
  // A prompt alone is restated verbatim anyway: summarising it would save nothing.
  assert.equal(compactionBoundary(logOf([started, user("a"), user("b")]), keep(0)), undefined);
});

async function withSession(body: (session: Session) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const session = await testSession(dir, MODEL);
    await body(session);
  });
}

const summaryResponse = (text: string): ModelEvent[] => [
  { type: "text_delta", item_id: "m", delta: text },
  {
    type: "item",
    item: {
      type: "message",
      role: "assistant",
      id: "m",
      status: "completed",
      content: [{ type: "output_text", text, annotations: [] }],
    },
  },
  {
    type: "done",
    status: "completed",
    usage: {
      input_tokens: 50,
      cached_tokens: 0,
      output_tokens: 12,
      reasoning_tokens: 0,
      total_tokens: 62,
    },
    response_id: "resp_s",
  },
];

Deno.test("a manual compaction asks with the focus and logs usage, then the summary", async () => {
  await withSession(async (session) => {
    await session.append(user("Port the parser"));
    await session.append(said("Started on it"));
    const model = scriptedModel([summaryResponse("  ## Goal\nPort the parser  ")]);
    const emitted: Envelope[] = [];
    const outcome = await compactSession({
      session,
      model: MODEL,
      effort: "low",
      callModel: model.call,
      reason: "manual",
      focus: "the lexer",
      emit: (envelope) => void emitted.push(envelope),
      signal: new AbortController().signal,
      tail: keep(0),
    });

    assert.ok(outcome.ok);
    const [request] = model.requests;
    assert.deepEqual(request.tools, []);
    assert.equal(request.effort, "low");
    assert.match(JSON.stringify(request.input.at(-1)), /Focus on: the lexer/);
    assert.match(JSON.stringify(request.input), /Port the parser/);
    assert.deepEqual(session.events.slice(-2).map((event) => event.type), ["usage", "compaction"]);
    assert.deepEqual(outcome.compaction, {
      summary: "## Goal\nPort the parser",
      reason: "manual",
      focus: "the lexer",
      replaces_through_seq: 2,
      model: MODEL,
      tokens_before: 0,
    });
    assert.deepEqual(emitted.map((envelope) => envelope.type), ["usage", "compaction"]);
  });
});

Deno.test("a failed or empty summary logs nothing", async () => {
  await withSession(async (session) => {
    await session.append(user("task"));
    await session.append(said("answer"));
    const failing = scriptedModel([
      [{ type: "failed", error: { kind: "server_error", message: "boom", retryable: true } }],
      summaryResponse("   "),
    ]);
    const options = {
      session,
      model: MODEL,
      effort: "medium" as const,
      callModel: failing.call,
      reason: "manual" as const,
      emit: () => {},
      signal: new AbortController().signal,
    };
    const first = await compactSession(options);
    assert.equal(!first.ok && first.error.kind, "server_error");
    const second = await compactSession(options);
    assert.equal(!second.ok && second.error.message, "the model returned an empty summary");
    assert.equal(session.events.length, 3);
  });
});

Deno.test("a session with nothing to replace is not sent to the model", async () => {
  await withSession(async (session) => {
    const model = scriptedModel([]);
    const outcome = await compactSession({
      session,
      model: MODEL,
      effort: "medium",
      callModel: model.call,
      reason: "manual",
      emit: () => {},
      signal: new AbortController().signal,
    });
    assert.equal(!outcome.ok && outcome.error.kind, "nothing_to_compact");
    assert.equal(model.requests.length, 0);
  });
});

Deno.test("the kept tail stops short of its token budget", () => {
  const big = "x".repeat(4_000); // about 1000 tokens
  const log = logOf([
    started, // 0
    user("task"), // 1
    said("old"), // 2
    said(big), // 3
    said("small"), // 4
    said("small too"), // 5
  ]);
  assert.equal(
    compactionBoundary(log, { items: 6, tokens: 10 }),
    3,
    "the big answer is summarised",
  );
  assert.equal(compactionBoundary(log, { items: 6, tokens: 2_000 }), 2, "it fits, so it is kept");
  // Even a budget the last item alone exceeds replaces something.
  assert.equal(compactionBoundary(log, { items: 6, tokens: 1 }), 5);
});
