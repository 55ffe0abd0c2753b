import assert from "node:assert/strict";
import type { Envelope } from "../../src/agent/event.ts";
import { foldHistory } from "../../src/agent/history.ts";
import { openSession, type Session } from "../../src/agent/session.ts";
import {
  type ModelCall,
  runTurn,
  type ToolOutput,
  type ToolRunner,
  type TurnOptions,
} from "../../src/agent/turn.ts";
import type { ProviderError } from "../../src/provider/error.ts";
import type { OutputItem, Usage } from "../../src/provider/item.ts";
import type { ModelEvent } from "../../src/provider/model_event.ts";
import type { ModelRequest, ToolSpec } from "../../src/provider/request.ts";
import type { ToolResult } from "../../src/tools/tool.ts";
import { assertValidInput, scriptedModel, testSession, withTempDir } from "./helpers.ts";

const MODEL = "gpt-5.5";
const README_CALL = { call_id: "call_fx2A", name: "read", arguments: '{"path":"README.md"}' };
const READ_SPEC: ToolSpec = {
  name: "read",
  description: "Read a file",
  parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};

/** The tools layer's rule for what the model receives. */
const toolOutput: ToolOutput = (result) =>
  result.ok ? result.output : JSON.stringify({ ok: false, error: result.error });

function usageOf(input: number, output: number): Usage {
  return {
    input_tokens: input,
    cached_tokens: 0,
    output_tokens: output,
    reasoning_tokens: 0,
    total_tokens: input + output,
  };
}

const message = (text: string, phase?: string): OutputItem => ({
  type: "message",
  role: "assistant",
  id: "msg_1",
  status: "completed",
  content: [{ type: "output_text", text, annotations: [] }],
  ...(phase ? { phase } : {}),
});
const reasoningItem = (secret: string): OutputItem => ({
  type: "reasoning",
  id: "rs_1",
  summary: [],
  encrypted_content: secret,
});
const functionCall = (call = README_CALL): OutputItem => ({
  type: "function_call",
  id: "fc_1",
  status: "completed",
  ...call,
});
const done = (usage: Usage | null = usageOf(10, 5)): ModelEvent => ({
  type: "done",
  status: "completed",
  usage,
  response_id: "resp_1",
});

/** A response that answers `text` in two deltas. */
function textAnswer(text: string, usage = usageOf(10, 5)): ModelEvent[] {
  const half = Math.floor(text.length / 2);
  return [
    { type: "created", response_id: "resp_1" },
    { type: "text_delta", item_id: "msg_1", delta: text.slice(0, half) },
    { type: "text_delta", item_id: "msg_1", delta: text.slice(half) },
    { type: "item", item: message(text) },
    done(usage),
  ];
}

/** A response that reasons, then calls the read tool. */
function readCall(call = README_CALL, usage = usageOf(20, 8)): ModelEvent[] {
  return [
    { type: "created", response_id: "resp_2" },
    { type: "reasoning_delta", item_id: "rs_1", delta: "**Reading**" },
    { type: "item", item: reasoningItem("secret-1") },
    { type: "item", item: functionCall(call) },
    done(usage),
  ];
}

/** A tool runner that answers from a table and records its calls. */
function tableTools(outputs: Record<string, ToolResult>): {
  run: ToolRunner;
  calls: { name: string; args: string }[];
} {
  const calls: { name: string; args: string }[] = [];
  const run: ToolRunner = (name, args) => {
    calls.push({ name, args });
    return Promise.resolve(
      outputs[name] ?? { ok: false, error: { kind: "unknown_tool", message: name } },
    );
  };
  return { run, calls };
}

const never = new Promise<never>(() => {});

interface Harness {
  session: Session;
  emitted: Envelope[];
  options(overrides: Partial<TurnOptions>): TurnOptions;
}

async function withSession(body: (harness: Harness) => Promise<void>): Promise<void> {
  await withTempDir(async (dir) => {
    const session = await testSession(dir, MODEL);
    const emitted: Envelope[] = [];
    const options = (overrides: Partial<TurnOptions>): TurnOptions => ({
      session,
      prompt: "What does README.md say?",
      model: MODEL,
      effort: "medium",
      instructions: "You are Pixir.",
      tools: [READ_SPEC],
      callModel: scriptedModel([]).call,
      runTool: tableTools({}).run,
      toolOutput,
      emit: (envelope) => {
        emitted.push(envelope);
      },
      signal: new AbortController().signal,
      // Tools here that ignore the signal would otherwise hold each abort for the full grace.
      toolStopGraceMs: 20,
      ...overrides,
    });
    await body({ session, emitted, options });
  });
}

const types = (session: Session) => session.events.map((event) => event.type);

/** The canonical events after `session_started`, as the turn logged them. */
const turnEvents = (session: Session) => session.events.slice(1);

/** Reopens the session from disk, as a resumed run would. */
async function reopened(session: Session): Promise<Session> {
  const dir = session.path.slice(0, -`/${session.id}.ndjson`.length);
  session.release();
  return await openSession(dir, session.id, { now: Date.now });
}

Deno.test("a text answer is logged, emitted and returned", async () => {
  await withSession(async ({ session, emitted, options }) => {
    const model = scriptedModel([[
      { type: "created", response_id: "resp_1" },
      { type: "reasoning_delta", item_id: "rs_1", delta: "**Greeting**" },
      { type: "item", item: reasoningItem("secret") },
      ...textAnswer("Hello there!", usageOf(1834, 41)).slice(1),
    ]]);
    const outcome = await runTurn(options({ callModel: model.call, prompt: "hi" }));

    assert.deepEqual(outcome, {
      status: "answered",
      answer: "Hello there!",
      usage: usageOf(1834, 41),
    });
    assert.deepEqual(types(session), [
      "session_started",
      "user_message",
      "turn_started",
      "reasoning",
      "assistant_message",
      "usage",
      "turn_completed",
    ]);
    assert.deepEqual(turnEvents(session).map((event) => event.data), [
      { text: "hi" },
      { turn: 1, model: MODEL, effort: "medium" },
      { model: MODEL, summary: [], encrypted_content: "secret" },
      { model: MODEL, text: "Hello there!" },
      { ...usageOf(1834, 41), model: MODEL, response_id: "resp_1" },
      { turn: 1, status: "completed" },
    ]);

    // Canonical events are emitted as their logged envelopes; deltas are ephemeral.
    assert.deepEqual(emitted.filter((event) => event.seq !== null), turnEvents(session));
    assert.deepEqual(
      emitted.filter((event) => event.seq === null).map((event) => [event.type, event.data]),
      [
        ["reasoning_delta", { delta: "**Greeting**" }],
        ["text_delta", { delta: "Hello " }],
        ["text_delta", { delta: "there!" }],
      ],
    );
    assert.deepEqual(
      emitted.map((event) => event.type).slice(0, 4),
      ["user_message", "turn_started", "reasoning_delta", "text_delta"],
      "events are emitted as they happen",
    );

    assert.deepEqual(model.requests, [{
      model: MODEL,
      effort: "medium",
      instructions: "You are Pixir.",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
      tools: [READ_SPEC],
      session_id: session.id,
      parallel_tool_calls: true,
    }]);
    assert.deepEqual((await reopened(session)).events, session.events, "everything is on disk");
  });
});

Deno.test("a tool round trip sends the call and its output in the next request", async () => {
  await withSession(async ({ session, emitted, options }) => {
    const model = scriptedModel([readCall(), textAnswer("It says hello.", usageOf(30, 6))]);
    const tools = tableTools({ read: { ok: true, output: "# Demo\nHello." } });
    const outcome = await runTurn(options({ callModel: model.call, runTool: tools.run }));

    assert.deepEqual(outcome, {
      status: "answered",
      answer: "It says hello.",
      usage: { ...usageOf(50, 14) },
    });
    assert.deepEqual(tools.calls, [{ name: "read", args: '{"path":"README.md"}' }]);
    assert.equal(model.requests.length, 2);
    assert.deepEqual(model.requests[1].input, [
      {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "What does README.md say?" }],
      },
      { type: "reasoning", summary: [], encrypted_content: "secret-1" },
      { type: "function_call", ...README_CALL },
      { type: "function_call_output", call_id: "call_fx2A", output: "# Demo\nHello." },
    ]);
    assert.deepEqual(types(session).slice(3), [
      "reasoning",
      "tool_call",
      "usage",
      "tool_result",
      "assistant_message",
      "usage",
      "turn_completed",
    ]);
    const started = emitted.findIndex((event) => event.type === "tool_started");
    const finished = emitted.findIndex((event) => event.type === "tool_result");
    assert.ok(started !== -1 && started < finished, "tool_started comes before the result");
    assert.deepEqual(emitted[started].data, README_CALL);
    assert.equal(emitted[started].seq, null);
  });
});

Deno.test("a failed tool call is reported to the model and the turn goes on", async () => {
  await withSession(async ({ session, options }) => {
    const model = scriptedModel([readCall(), textAnswer("There is no README.")]);
    const error = { kind: "not_found" as const, message: "README.md does not exist" };
    const tools = tableTools({ read: { ok: false, error } });
    const outcome = await runTurn(options({ callModel: model.call, runTool: tools.run }));

    assert.equal(outcome.status, "answered");
    const result = session.events.find((event) => event.type === "tool_result");
    assert.deepEqual(result?.data, {
      call_id: "call_fx2A",
      name: "read",
      ok: false,
      output: JSON.stringify({ ok: false, error }),
      error,
    });
    assert.equal(model.requests[1].input.at(-1)?.type, "function_call_output");
  });
});

Deno.test("several calls in one response run in order", async () => {
  await withSession(async ({ options }) => {
    const second = { call_id: "call_2", name: "ls", arguments: "{}" };
    const model = scriptedModel([
      [
        { type: "item", item: functionCall() },
        { type: "item", item: functionCall(second) },
        done(),
      ],
      textAnswer("done"),
    ]);
    const tools = tableTools({
      read: { ok: true, output: "text" },
      ls: { ok: true, output: "a/\nb" },
    });
    await runTurn(options({ callModel: model.call, runTool: tools.run }));
    assert.deepEqual(tools.calls.map((call) => call.name), ["read", "ls"]);
    const input = model.requests[1].input;
    assertValidInput(input);
    assert.deepEqual(input.slice(1).map((item) => item.type), [
      "function_call",
      "function_call",
      "function_call_output",
      "function_call_output",
    ]);
  });
});

Deno.test("a retried attempt's items are discarded", async () => {
  await withSession(async ({ session, emitted, options }) => {
    const overloaded: ProviderError = {
      kind: "overloaded",
      message: "server is overloaded",
      retryable: true,
    };
    const model = scriptedModel([[
      { type: "created", response_id: "resp_a" },
      { type: "item", item: message("half an answer") },
      { type: "item", item: functionCall() },
      { type: "retrying", attempt: 1, delay_ms: 200, error: overloaded },
      ...textAnswer("the whole answer"),
    ]]);
    const tools = tableTools({ read: { ok: true, output: "x" } });
    const outcome = await runTurn(options({ callModel: model.call, runTool: tools.run }));

    assert.deepEqual(outcome.status === "answered" && outcome.answer, "the whole answer");
    assert.deepEqual(tools.calls, [], "the discarded call was not run");
    assert.deepEqual(types(session).slice(3), ["assistant_message", "usage", "turn_completed"]);
    const retrying = emitted.find((event) => event.type === "retrying");
    assert.deepEqual(retrying?.data, { attempt: 1, delay_ms: 200, error: overloaded });
    assert.equal(retrying?.seq, null);
  });
});

Deno.test("an incomplete response ends the turn without running its calls", async () => {
  await withSession(async ({ session, options }) => {
    const model = scriptedModel([[
      { type: "item", item: message("Let me look") },
      { type: "item", item: functionCall() },
      { type: "done", status: "incomplete", reason: "max_output_tokens", usage: usageOf(5, 5) },
    ]]);
    const tools = tableTools({ read: { ok: true, output: "x" } });
    const outcome = await runTurn(options({ callModel: model.call, runTool: tools.run }));

    assert.deepEqual(outcome, {
      status: "incomplete",
      answer: "Let me look",
      reason: "max_output_tokens",
      usage: usageOf(5, 5),
    });
    assert.deepEqual(tools.calls, []);
    assert.equal(model.requests.length, 1);
    const result = session.events.find((event) => event.type === "tool_result");
    assert.equal(result?.type === "tool_result" && result.data.synthetic, true);
    assert.equal(result?.type === "tool_result" && result.data.ok, false);
    assert.deepEqual(session.events.at(-1)?.data, {
      turn: 1,
      status: "incomplete",
      reason: "max_output_tokens",
    });
    assertValidInput(foldHistory(session.events, MODEL));
  });
});

Deno.test("a failed model call fails the turn and is logged", async () => {
  await withSession(async ({ session, options }) => {
    const error: ProviderError = {
      kind: "usage_limit",
      message: "The usage limit has been reached",
      retryable: false,
      status: 429,
      resets_at: 1767243600,
    };
    const model = scriptedModel([[
      { type: "created", response_id: "resp_1" },
      { type: "text_delta", item_id: "m", delta: "Hel" },
      { type: "failed", error },
    ]]);
    const outcome = await runTurn(options({ callModel: model.call }));

    assert.deepEqual(outcome, { status: "failed", error, usage: usageOf(0, 0) });
    assert.deepEqual(types(session).slice(1), ["user_message", "turn_started", "turn_failed"]);
    assert.deepEqual(session.events.at(-1)?.data, {
      turn: 1,
      error: {
        kind: "usage_limit",
        message: "The usage limit has been reached",
        details: { retryable: false, status: 429, resets_at: 1767243600 },
      },
    });
    assert.deepEqual((await reopened(session)).events, session.events);
  });
});

Deno.test("a model call that ends without a final event fails the turn", async () => {
  await withSession(async ({ options }) => {
    const model = scriptedModel([[{ type: "created", response_id: "resp_1" }]]);
    const outcome = await runTurn(options({ callModel: model.call }));
    assert.equal(outcome.status === "failed" && outcome.error.kind, "stream_closed");
  });
});

Deno.test("the iteration cap stops a turn that keeps calling tools", async () => {
  await withSession(async ({ session, options }) => {
    const responses = [1, 2, 3, 4].map((n) =>
      readCall({ ...README_CALL, call_id: `call_${n}` }, usageOf(1, 1))
    );
    const model = scriptedModel(responses);
    const tools = tableTools({ read: { ok: true, output: "again" } });
    const outcome = await runTurn(
      options({ callModel: model.call, runTool: tools.run, maxModelCalls: 3 }),
    );

    assert.equal(model.requests.length, 3);
    assert.equal(tools.calls.length, 3);
    assert.deepEqual(outcome, {
      status: "failed",
      error: {
        kind: "iteration_cap",
        message: "stopped after 3 model calls in one turn (the iteration cap)",
        limit: 3,
      },
      usage: usageOf(3, 3),
    });
    const last = session.events.at(-1);
    assert.equal(last?.type, "turn_failed");
    assert.equal(last?.type === "turn_failed" && last.data.error.kind, "iteration_cap");
    assertValidInput(foldHistory(session.events, MODEL));
  });
});

Deno.test("the default iteration cap is 50 model calls", async () => {
  await withSession(async ({ options }) => {
    let calls = 0;
    const callModel: ModelCall = () => {
      calls += 1;
      return (async function* () {
        yield* readCall({ ...README_CALL, call_id: `call_${calls}` });
      })();
    };
    const tools = tableTools({ read: { ok: true, output: "again" } });
    const outcome = await runTurn(options({ callModel, runTool: tools.run }));
    assert.equal(outcome.status === "failed" && outcome.error.kind, "iteration_cap");
    assert.equal(calls, 50);
  });
});

Deno.test("an abort during a tool call interrupts the turn and answers every logged call", async () => {
  await withSession(async ({ session, emitted, options }) => {
    const controller = new AbortController();
    const second = { call_id: "call_2", name: "bash", arguments: '{"command":"ls"}' };
    const model = scriptedModel([
      [
        { type: "item", item: functionCall() },
        { type: "item", item: functionCall(second) },
        done(),
      ],
    ]);
    const ran: string[] = [];
    // A tool that ignores the signal: the turn must not wait for it.
    const runTool: ToolRunner = (name) => {
      ran.push(name);
      return never;
    };
    const emit = (envelope: Envelope) => {
      emitted.push(envelope);
      if (envelope.type === "tool_started") controller.abort("sigint");
    };
    const outcome = await runTurn(
      options({ callModel: model.call, runTool, emit, signal: controller.signal }),
    );

    assert.deepEqual(outcome, { status: "interrupted", answer: "", usage: usageOf(10, 5) });
    assert.deepEqual(ran, ["read"], "the second call never started");
    const results = session.events.filter((event) => event.type === "tool_result");
    assert.deepEqual(results.map((event) => event.data), [
      {
        call_id: "call_fx2A",
        name: "read",
        ok: false,
        output: JSON.stringify({
          ok: false,
          error: { kind: "aborted", message: "The tool call did not finish (interrupted)." },
        }),
        error: { kind: "aborted", message: "The tool call did not finish (interrupted)." },
        synthetic: true,
      },
      {
        call_id: "call_2",
        name: "bash",
        ok: false,
        output: JSON.stringify({
          ok: false,
          error: { kind: "aborted", message: "The tool call did not finish (interrupted)." },
        }),
        error: { kind: "aborted", message: "The tool call did not finish (interrupted)." },
        synthetic: true,
      },
    ]);
    assert.deepEqual(session.events.at(-1)?.data, { turn: 1, reason: "sigint" });
    const fromDisk = await reopened(session);
    assert.deepEqual(fromDisk.events, session.events);
    assertValidInput(foldHistory(fromDisk.events, MODEL));
  });
});

Deno.test("an abort during the stream interrupts the turn, and the session resumes", async () => {
  await withSession(async ({ session, options }) => {
    const controller = new AbortController();
    // A stream that stalls after one delta and ignores the signal.
    const stalled = async function* (): AsyncGenerator<ModelEvent> {
      yield { type: "text_delta", item_id: "m", delta: "Hel" };
      yield await never;
    };
    const model = scriptedModel([stalled]);
    const emit = (envelope: Envelope) => {
      if (envelope.type === "text_delta") controller.abort();
    };
    const outcome = await runTurn(
      options({ callModel: model.call, emit, signal: controller.signal }),
    );

    assert.deepEqual(outcome, { status: "interrupted", answer: "Hel", usage: usageOf(0, 0) });
    assert.deepEqual(types(session).slice(1), [
      "user_message",
      "turn_started",
      "assistant_message",
      "interrupted",
    ]);
    assert.deepEqual(session.events.at(-2)?.data, {
      model: "gpt-5.5",
      text: "Hel",
      interrupted: true,
    });
    assert.deepEqual(session.events.at(-1)?.data, { turn: 1, reason: "aborted" });

    const resumed = await reopened(session);
    const next = scriptedModel([textAnswer("Hello again")]);
    const outcome2 = await runTurn(
      options({ session: resumed, callModel: next.call, prompt: "try again" }),
    );
    assert.equal(outcome2.status, "answered");
    const input = next.requests[0].input;
    assertValidInput(input);
    // The interrupted text goes back as the assistant's, between the two prompts.
    assert.deepEqual(input.map((item) => item.type === "message" && item.role), [
      "user",
      "assistant",
      "user",
    ]);
    const turnStarted = resumed.events.filter((event) => event.type === "turn_started");
    assert.deepEqual(turnStarted.map((event) => event.data.turn), [1, 2]);
  });
});

Deno.test("an abort while the provider waits ends the turn as interrupted, with the signal's reason", async () => {
  await withSession(async ({ session, options }) => {
    const controller = new AbortController();
    const honouring = async function* (signal: AbortSignal): AsyncGenerator<ModelEvent> {
      yield { type: "created", response_id: "resp_1" };
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      yield {
        type: "failed",
        error: { kind: "aborted", message: "aborted", retryable: false },
      };
    };
    const model = scriptedModel([honouring]);
    const pending = runTurn(
      options({ callModel: model.call, signal: controller.signal }),
    );
    controller.abort("sigterm");
    assert.deepEqual(await pending, { status: "interrupted", answer: "", usage: usageOf(0, 0) });
    assert.deepEqual(session.events.at(-1)?.data, { turn: 1, reason: "sigterm" });
  });
});

Deno.test("an abort before the turn starts calls no model", async () => {
  await withSession(async ({ session, options }) => {
    const controller = new AbortController();
    controller.abort();
    const model = scriptedModel([]);
    const outcome = await runTurn(options({ callModel: model.call, signal: controller.signal }));
    assert.equal(outcome.status, "interrupted");
    assert.equal(model.requests.length, 0);
    assert.deepEqual(types(session).slice(1), ["user_message", "turn_started", "interrupted"]);
  });
});

Deno.test("the answer is the final-answer message when the response labels its messages", async () => {
  await withSession(async ({ options }) => {
    const model = scriptedModel([[
      { type: "item", item: message("Checking the summary.", "commentary") },
      { type: "item", item: message("All tests pass.", "final_answer") },
      done(),
    ]]);
    const outcome = await runTurn(options({ callModel: model.call }));
    assert.equal(outcome.status === "answered" && outcome.answer, "All tests pass.");
  });
});

Deno.test("the answer survives a last response without text", async () => {
  await withSession(async ({ options }) => {
    const model = scriptedModel([
      [
        { type: "item", item: message("I'll read it.") },
        { type: "item", item: functionCall() },
        done(),
      ],
      [{ type: "item", item: reasoningItem("r") }, done(null)],
    ]);
    const tools = tableTools({ read: { ok: true, output: "x" } });
    const outcome = await runTurn(options({ callModel: model.call, runTool: tools.run }));
    assert.deepEqual(outcome, {
      status: "answered",
      answer: "I'll read it.",
      usage: usageOf(10, 5),
    });
  });
});

Deno.test("an interrupted turn reports the text of the responses that finished", async () => {
  await withSession(async ({ options }) => {
    const controller = new AbortController();
    const model = scriptedModel([
      [
        { type: "item", item: message("Reading it now.") },
        { type: "item", item: functionCall() },
        done(),
      ],
    ]);
    const runTool: ToolRunner = () => never;
    const emit = (envelope: Envelope) => {
      if (envelope.type === "tool_started") controller.abort("sigint");
    };
    const outcome = await runTurn(
      options({ callModel: model.call, runTool, emit, signal: controller.signal }),
    );
    assert.deepEqual(outcome, {
      status: "interrupted",
      answer: "Reading it now.",
      usage: usageOf(10, 5),
    });
  });
});

Deno.test("an aborted tool call gets time to stop before the turn ends", async () => {
  await withSession(async ({ options }) => {
    const controller = new AbortController();
    const model = scriptedModel([[{ type: "item", item: functionCall() }, done()]]);
    let stopped = false;
    // Like the shell: on abort it kills what it started, which takes a moment.
    const runTool: ToolRunner = (_name, _args, signal) =>
      new Promise((resolve) => {
        const stop = () =>
          setTimeout(() => {
            stopped = true;
            resolve({ ok: false, error: { kind: "aborted", message: "killed" } });
          }, 50);
        if (signal.aborted) stop();
        else signal.addEventListener("abort", stop);
      });
    const emit = (envelope: Envelope) => {
      if (envelope.type === "tool_started") controller.abort("sigint");
    };
    const outcome = await runTurn(options({
      callModel: model.call,
      runTool,
      emit,
      signal: controller.signal,
      toolStopGraceMs: 5_000,
    }));
    assert.equal(outcome.status, "interrupted");
    assert.ok(stopped, "the turn waited for the tool to stop");
  });
});

const OVERFLOW: ProviderError = {
  kind: "context_overflow",
  message: "Your input exceeds the context window of this model.",
  retryable: false,
  code: "context_length_exceeded",
};

/** The test model with a 100-token window. */
const TINY_WINDOW = [{ slug: MODEL, context_window: 100, efforts: [] }];

/** Every text the request sends as input, joined. */
const inputText = (request: ModelRequest) => JSON.stringify(request.input);

Deno.test("past the threshold the turn compacts before its next request and continues", async () => {
  await withSession(async ({ session, emitted, options }) => {
    const tools = tableTools({ read: { ok: true, output: "README: hello" } });
    const model = scriptedModel([
      // The first call's usage puts the context at 90 % of a 100-token window.
      readCall(README_CALL, usageOf(80, 10)),
      textAnswer("## Goal\nSummarise README", usageOf(85, 7)),
      textAnswer("It says hello.", usageOf(30, 4)),
    ]);
    const outcome = await runTurn(options({
      callModel: model.call,
      runTool: tools.run,
      prompt: "Summarise README.md, verbatim task",
      autoCompact: { atPercent: 85, catalog: TINY_WINDOW },
    }));

    assert.equal(outcome.status, "answered");
    assert.deepEqual(outcome.usage, usageOf(80 + 85 + 30, 10 + 7 + 4));
    const [, summarising, continued] = model.requests;
    assert.deepEqual(summarising.tools, [], "the summary call offers no tools");
    assert.match(summarising.instructions, /## Open items/);
    assert.ok(inputText(summarising).includes("README: hello"), "it summarises the history");
    assert.ok(inputText(continued).includes("## Goal\\nSummarise README"));
    assert.ok(inputText(continued).includes("Summarise README.md, verbatim task"));
    assertValidInput(continued.input);
    const compaction = session.events.find((event) => event.type === "compaction");
    assert.ok(compaction?.type === "compaction");
    assert.equal(compaction.data.reason, "threshold");
    assert.equal(compaction.data.tokens_before, 90);
    assert.ok(emitted.some((envelope) => envelope.type === "compaction"));
    assert.ok(
      !emitted.some((e) => e.type === "text_delta" && e.data.delta.includes("Goal")),
      "the summary is not streamed as an answer",
    );
  });
});

Deno.test("below the threshold no summary is asked for", async () => {
  await withSession(async ({ session, options }) => {
    const tools = tableTools({ read: { ok: true, output: "hi" } });
    const model = scriptedModel([
      readCall(README_CALL, usageOf(80, 4)),
      textAnswer("ok"),
    ]);
    await runTurn(options({
      callModel: model.call,
      runTool: tools.run,
      autoCompact: { atPercent: 85, catalog: TINY_WINDOW },
    }));
    assert.equal(model.requests.length, 2);
    assert.ok(!types(session).includes("compaction"));
  });
});

Deno.test("a context overflow compacts and retries the request once", async () => {
  await withSession(async ({ session, options }) => {
    const tools = tableTools({ read: { ok: true, output: "big file" } });
    const model = scriptedModel([
      readCall(),
      [{ type: "failed", error: OVERFLOW }],
      textAnswer("summary of work"),
      textAnswer("Answered after compaction."),
    ]);
    const outcome = await runTurn(options({ callModel: model.call, runTool: tools.run }));

    assert.equal(outcome.status, "answered");
    assert.equal(model.requests.length, 4);
    assert.ok(inputText(model.requests[3]).includes("summary of work"));
    assert.ok(inputText(model.requests[3]).includes("What does README.md say?"));
    const compaction = session.events.find((event) => event.type === "compaction");
    assert.equal(compaction?.type === "compaction" && compaction.data.reason, "overflow");
  });
});

Deno.test("an overflow that persists after compacting fails the turn", async () => {
  await withSession(async ({ session, options }) => {
    const tools = tableTools({ read: { ok: true, output: "big file" } });
    const model = scriptedModel([
      readCall(),
      [{ type: "failed", error: OVERFLOW }],
      textAnswer("summary"),
      [{ type: "failed", error: OVERFLOW }],
    ]);
    const outcome = await runTurn(options({ callModel: model.call, runTool: tools.run }));
    assert.equal(outcome.status, "failed");
    assert.equal(outcome.status === "failed" && outcome.error.kind, "context_overflow");
    assert.equal(model.requests.length, 4, "one retry, no more");
    assert.equal(types(session).at(-1), "turn_failed");
  });
});

Deno.test("consecutive parallel calls run side by side, their tokens counted, results in call order", async () => {
  await withSession(async ({ options, session }) => {
    const call = (id: string, name: string) => ({ call_id: id, name, arguments: "{}" });
    const model = scriptedModel([
      [
        { type: "item", item: functionCall(call("call_a", "task")) },
        { type: "item", item: functionCall(call("call_b", "task")) },
        { type: "item", item: functionCall(call("call_c", "ls")) },
        done(usageOf(10, 5)),
      ],
      textAnswer("done", usageOf(30, 5)),
    ]);
    let running = 0;
    let most = 0;
    const order: string[] = [];
    // Each task call waits until the other one has started: run one at a time, they never end.
    let bothStarted!: () => void;
    const started = new Promise<void>((resolve) => bothStarted = resolve);
    const runTool: ToolRunner = async (name, _args, _signal, callId) => {
      order.push(`start ${callId}`);
      running++;
      most = Math.max(most, running);
      if (name === "task") {
        if (running === 2) bothStarted();
        await started;
      }
      running--;
      order.push(`end ${callId}`);
      return {
        ok: true,
        output: `out ${callId}`,
        usage: name === "task" ? usageOf(100, 1) : undefined,
      };
    };
    const outcome = await runTurn(
      options({ callModel: model.call, runTool, parallelTools: new Set(["task"]) }),
    );
    assert.equal(outcome.status, "answered");
    assert.equal(most, 2);
    // The ls call waits for the task calls before it: only consecutive parallel calls overlap.
    assert.deepEqual(order.slice(-2), ["start call_c", "end call_c"]);
    assert.deepEqual(
      session.events.flatMap((e) => e.type === "tool_result" ? [e.data.call_id] : []),
      ["call_a", "call_b", "call_c"],
    );
    // The two children's tokens are the turn's: 10+30 input of its own, 2×100 of theirs.
    assert.equal(outcome.usage.input_tokens, 240);
  });
});

Deno.test("a web search call is logged, and the answer's citations come back with it", async () => {
  await withSession(async ({ options, session }) => {
    const cited: OutputItem = {
      type: "message",
      role: "assistant",
      content: [
        { type: "output_text", text: "Part one." },
        { type: "output_text", text: "Part two." },
      ],
      citations: [{ url: "https://a.example", title: "A", start_index: 9, end_index: 18 }],
    };
    const model = scriptedModel([[
      {
        type: "item",
        item: {
          type: "web_search_call",
          id: "ws_1",
          status: "completed",
          action: { type: "search", query: "q" },
        },
      },
      { type: "item", item: message("First.", "final_answer") },
      { type: "item", item: { ...cited, phase: "final_answer" } },
      done(),
    ]]);
    const outcome = await runTurn(options({ callModel: model.call, webSearch: true }));
    assert.equal(model.requests[0].web_search, true);
    assert.equal(outcome.status, "answered");
    if (outcome.status !== "answered") return;
    assert.equal(outcome.answer, "First.\n\nPart one.Part two.");
    // Indexes move with the text the answer puts before the cited message.
    assert.deepEqual(outcome.citations, [
      { url: "https://a.example", title: "A", start_index: 17, end_index: 26 },
    ]);
    assert.equal(outcome.answer.slice(17, 26), "Part two.");
    const search = session.events.find((event) => event.type === "web_search");
    assert.deepEqual(search?.data, {
      model: MODEL,
      status: "completed",
      action: { type: "search", query: "q" },
    });
  });
});
