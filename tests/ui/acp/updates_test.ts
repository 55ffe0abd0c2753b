import assert from "node:assert/strict";
import type { Envelope } from "../../../src/agent/event.ts";
import {
  toolDiff,
  toolKind,
  toolLocations,
  toolTitle,
  updatesFor,
} from "../../../src/ui/acp/updates.ts";

const WS = "/work/project";

function envelope(event: Record<string, unknown>, seq: number | null = 1): Envelope {
  return { id: "e1", session_id: "s1", seq, ts: "2026-01-01T00:00:00Z", ...event } as Envelope;
}

Deno.test("each tool has the kind an editor shows; an unknown one is other", () => {
  assert.deepEqual(
    ["read", "ls", "write", "edit", "find", "grep", "bash", "mcp__x__y"].map(toolKind),
    ["read", "read", "edit", "edit", "search", "search", "execute", "other"],
  );
});

Deno.test("titles name the argument worth showing; locations are absolute, with a line", () => {
  assert.equal(toolTitle("bash", '{"command":"npm  test"}'), "bash: npm test");
  assert.equal(toolTitle("read", '{"path":"src/a.ts"}'), "read src/a.ts");
  assert.equal(toolTitle("ls", "{}"), "ls");
  assert.deepEqual(toolLocations('{"path":"src/a.ts","offset":40}', WS), [
    { path: "/work/project/src/a.ts", line: 40 },
  ]);
  assert.deepEqual(toolLocations('{"path":"/etc/hosts"}', WS), [{ path: "/etc/hosts" }]);
  assert.deepEqual(toolLocations('{"command":"ls"}', WS), []);
  assert.deepEqual(toolLocations("not json", WS), []);
});

Deno.test("a write is a diff from nothing, an edit a diff of its snippet, others none", () => {
  assert.deepEqual(toolDiff("write", '{"path":"n.txt","content":"hi\\n"}', WS), [
    { type: "diff", path: "/work/project/n.txt", oldText: null, newText: "hi\n" },
  ]);
  assert.deepEqual(toolDiff("edit", '{"path":"n.txt","old_text":"a","new_text":"b"}', WS), [
    { type: "diff", path: "/work/project/n.txt", oldText: "a", newText: "b" },
  ]);
  assert.deepEqual(toolDiff("edit", '{"path":"n.txt","old_text":"a"}', WS), []);
  assert.deepEqual(toolDiff("read", '{"path":"n.txt"}', WS), []);
});

Deno.test("live: deltas stream, a call is announced once, its result completes or fails it", () => {
  const state = { announced: new Set<string>() };
  const args = '{"command":"false"}';
  assert.deepEqual(
    updatesFor(envelope({ type: "text_delta", data: { delta: "Hi" } }, null), WS, state, false),
    [{ sessionUpdate: "agent_message_chunk", content: { type: "text", text: "Hi" } }],
  );
  const started = updatesFor(
    envelope(
      { type: "tool_started", data: { call_id: "c1", name: "bash", arguments: args } },
      null,
    ),
    WS,
    state,
    false,
  );
  assert.equal(started.length, 1);
  assert.equal(started[0].sessionUpdate, "tool_call");
  const logged = updatesFor(
    envelope({
      type: "tool_call",
      data: { model: "m", call_id: "c1", name: "bash", arguments: args },
    }),
    WS,
    state,
    false,
  );
  assert.deepEqual(logged, [], "not announced twice");
  const [result] = updatesFor(
    envelope({
      type: "tool_result",
      data: { call_id: "c1", name: "bash", ok: false, output: "exit 1" },
    }),
    WS,
    state,
    false,
  );
  assert.ok(result.sessionUpdate === "tool_call_update");
  assert.equal(result.status, "failed");
  assert.deepEqual(
    updatesFor(envelope({ type: "user_message", data: { text: "hi" } }), WS, state, false),
    [],
    "the editor already shows what its user typed",
  );
});

Deno.test("replay: user and assistant messages and reasoning summaries are sent whole", () => {
  const state = { announced: new Set<string>() };
  const replay = (event: Record<string, unknown>) => updatesFor(envelope(event), WS, state, true);
  assert.deepEqual(replay({ type: "user_message", data: { text: "q" } }), [
    { sessionUpdate: "user_message_chunk", content: { type: "text", text: "q" } },
  ]);
  assert.deepEqual(replay({ type: "assistant_message", data: { model: "m", text: "a" } }), [
    { sessionUpdate: "agent_message_chunk", content: { type: "text", text: "a" } },
  ]);
  assert.deepEqual(
    replay({
      type: "reasoning",
      data: {
        model: "m",
        summary: [{ type: "summary_text", text: "one" }, { type: "summary_text", text: "two" }],
        encrypted_content: null,
      },
    }),
    [{ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: "one\n\ntwo" } }],
  );
  const [call] = replay({
    type: "tool_call",
    data: { model: "m", call_id: "c9", name: "read", arguments: '{"path":"a.txt"}' },
  });
  assert.ok(call.sessionUpdate === "tool_call");
  assert.equal(call.kind, "read");
  assert.deepEqual(replay({ type: "usage", data: {} }), []);
});

Deno.test("a web search is a finished fetch call; a child's tool calls are calls under its task", () => {
  const state = { announced: new Set<string>() };
  const search = updatesFor(
    envelope({
      type: "web_search",
      data: { model: "m", status: "completed", action: { type: "search", query: "deno" } },
    }),
    WS,
    state,
    false,
  );
  assert.deepEqual(search, [{
    sessionUpdate: "tool_call",
    toolCallId: "e1",
    title: 'web search "deno"',
    kind: "fetch",
    status: "completed",
    rawInput: { type: "search", query: "deno" },
  }]);
  const child = (event: Record<string, unknown>) =>
    updatesFor(
      envelope({ type: "subagent_event", data: { call_id: "call_t", event } }),
      WS,
      state,
      false,
    );
  const [started] = child({
    type: "tool_call",
    data: { model: "m", call_id: "c1", name: "read", arguments: '{"path":"a.ts"}' },
  });
  assert.equal(started.sessionUpdate, "tool_call");
  assert.ok(started.sessionUpdate === "tool_call" && started.toolCallId === "call_t/c1");
  const [finished] = child({
    type: "tool_result",
    data: { call_id: "c1", name: "read", ok: true, output: "x" },
  });
  assert.ok(finished.sessionUpdate === "tool_call_update" && finished.toolCallId === "call_t/c1");
  assert.deepEqual(child({ type: "user_message", data: { text: "task" } }), []);
});
