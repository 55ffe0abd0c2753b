import assert from "node:assert/strict";
import { parseLogLine, readLogEntry } from "../../src/agent/log_line.ts";
import type { CanonicalEvent } from "../../src/agent/event.ts";

const USAGE = {
  input_tokens: 10,
  cached_tokens: 2,
  output_tokens: 3,
  reasoning_tokens: 1,
  total_tokens: 13,
};

/** One valid event of every canonical type. */
const EVENTS: CanonicalEvent[] = [
  {
    type: "session_started",
    data: { format: 1, cwd: "/ws", model: "gpt-5.5", effort: "medium", pixir_version: "0.1.0" },
  },
  { type: "user_message", data: { text: "hi" } },
  { type: "turn_started", data: { turn: 1, model: "gpt-5.5", effort: "high" } },
  {
    type: "reasoning",
    data: {
      model: "gpt-5.5",
      summary: [{ type: "summary_text", text: "thinking" }],
      encrypted_content: null,
    },
  },
  { type: "assistant_message", data: { model: "gpt-5.5", text: "hello", phase: "final_answer" } },
  {
    type: "tool_call",
    data: { model: "gpt-5.5", call_id: "call_1", name: "read", arguments: "{}" },
  },
  {
    type: "tool_result",
    data: {
      call_id: "call_1",
      name: "read",
      ok: false,
      output: '{"ok":false}',
      error: { kind: "not_found", message: "no such file", details: { path: "x" } },
      synthetic: false,
    },
  },
  { type: "usage", data: { ...USAGE, model: "gpt-5.5", response_id: "resp_1" } },
  { type: "turn_completed", data: { turn: 1, status: "incomplete", reason: "max_output_tokens" } },
  { type: "turn_failed", data: { turn: 1, error: { kind: "usage_limit", message: "spent" } } },
  { type: "interrupted", data: { turn: 1, reason: "sigint" } },
  {
    type: "permission_decision",
    data: {
      call_id: "call_2",
      tool: "bash",
      command: "npm test",
      decision: "allow",
      source: "user",
      scope: "always",
      rules: ["npm test"],
    },
  },
  {
    type: "permission_decision",
    data: {
      tool: "bash",
      command: "rm -rf x",
      decision: "deny",
      source: "user",
      reason: "declined",
      user_reason: "not that",
    },
  },
  {
    type: "file_snapshot",
    data: { turn: 1, path: "/ws/a.txt", existed: true, blob: "1/1", size: 4, mode: 0o644 },
  },
  {
    type: "file_snapshot",
    data: {
      turn: 1,
      path: "/ws/big.bin",
      existed: true,
      size: 20_000_000,
      mode: null,
      not_undoable: "too large",
    },
  },
  { type: "file_changed", data: { turn: 1, path: "/ws/a.txt", sha256: "ab12" } },
  {
    type: "undo",
    data: {
      turn: 1,
      restored: ["/ws/a.txt"],
      deleted: ["/ws/new.txt"],
      skipped: [{ path: "/ws/b.txt", reason: "it changed after the turn" }],
    },
  },
  {
    type: "compaction",
    data: {
      summary: "## Goal\nship",
      reason: "manual",
      focus: "tests",
      replaces_through_seq: 7,
      model: "gpt-5.5",
      tokens_before: 1200,
    },
  },
  {
    type: "web_search",
    data: { model: "gpt-5.5", provider: "openai", status: "completed", action: { type: "search" } },
  },
  {
    type: "subagent_event",
    data: { call_id: "call_t", event: { type: "user_message", data: { text: "a task" } } },
  },
];

Deno.test("snapshot and undo events with a wrong field are rejected", () => {
  const cases: [CanonicalEvent["type"], Record<string, unknown>, string][] = [
    ["file_snapshot", { turn: 1, path: "/a", existed: "yes", size: 0, mode: null }, ".existed"],
    ["file_snapshot", { turn: 1, path: "/a", existed: true, size: 1, mode: "644" }, ".mode"],
    ["file_changed", { turn: 1, path: "/a" }, ".sha256"],
    [
      "undo",
      { turn: 1, restored: [], deleted: [], skipped: [{ path: "/a" }] },
      ".skipped[0].reason",
    ],
  ];
  for (const [type, data, field] of cases) {
    const text = JSON.stringify({ id: "s:0", session_id: "s", seq: 0, ts: "t", type, data });
    const parsed = parseLogLine(text);
    assert.equal(parsed.ok, false, `${type} ${field}`);
    if (!parsed.ok) {
      assert.ok(parsed.reason.startsWith(`${type} event.data${field}`), parsed.reason);
    }
  }
});

Deno.test("a compaction with an unknown reason or a negative seq is rejected", () => {
  const base = { summary: "s", reason: "threshold", replaces_through_seq: 3, model: "m" };
  for (
    const [field, value] of [["reason", "bored"], ["replaces_through_seq", -1], ["summary", 1]]
  ) {
    const parsed = parseLogLine(JSON.stringify({
      id: "s:0",
      session_id: "s",
      seq: 0,
      ts: "2026-01-01T00:00:00.000Z",
      type: "compaction",
      data: { ...base, tokens_before: 0, [field]: value },
    }));
    assert.equal(parsed.ok, false, String(field));
    if (!parsed.ok) assert.match(parsed.reason, new RegExp(`compaction event.data.${field}`));
  }
});

Deno.test("a permission decision with an unknown source or decision is rejected", () => {
  const base = { tool: "bash", command: "ls", decision: "allow", source: "safe_list" };
  for (const [field, value] of [["source", "magic"], ["decision", "maybe"], ["rules", "x"]]) {
    const text = JSON.stringify({
      id: "s:0",
      session_id: "s",
      seq: 0,
      ts: "2026-01-01T00:00:00.000Z",
      type: "permission_decision",
      data: { ...base, [field]: value },
    });
    const parsed = parseLogLine(text);
    assert.equal(parsed.ok, false, field);
    if (!parsed.ok) {
      assert.match(parsed.reason, new RegExp(`permission_decision event.data.${field}`));
    }
  }
});

function line(event: CanonicalEvent, seq = 0, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: `s:${seq}`,
    session_id: "s",
    seq,
    ts: "2026-01-01T00:00:00.000Z",
    ...event,
    ...extra,
  });
}

Deno.test("every canonical event type parses back to the envelope that was written", () => {
  for (const [seq, event] of EVENTS.entries()) {
    const text = line(event, seq);
    assert.deepEqual(parseLogLine(text), { ok: true, envelope: JSON.parse(text) }, event.type);
  }
});

Deno.test("fields added by a later Pixir are tolerated", () => {
  const parsed = parseLogLine(line(EVENTS[1], 1, { future: true }));
  assert.equal(parsed.ok, true);
});

Deno.test("broken lines are rejected with the reason", () => {
  const cases: [string, RegExp][] = [
    ['{"id":"s:0","session_id":"s","se', /not valid JSON/],
    ["", /empty line/],
    ["[1,2]", /^event: expected an object/],
    [line(EVENTS[1], -1), /^event\.seq: expected a count/],
    [line(EVENTS[1], 1.5), /^event\.seq: expected a count/],
    [
      line({ type: "delta", data: {} } as unknown as CanonicalEvent),
      /^event\.type: "delta" is not known here/,
    ],
    [
      line({ type: "", data: {} } as unknown as CanonicalEvent),
      /^event\.type: expected a non-empty string/,
    ],
    [line(EVENTS[1], 0, { data: "hi" }), /^event\.data: expected an object/],
    [line(EVENTS[1], 0, { data: {} }), /^user_message event\.data\.text: expected a string/],
    [
      line(EVENTS[3], 0, {
        data: { model: "m", summary: [{ type: "summary_text" }], encrypted_content: null },
      }),
      /^reasoning event\.data\.summary\[0\]\.text: expected a string/,
    ],
    [
      line(EVENTS[6], 0, {
        data: { call_id: "c", name: "n", ok: false, output: "", error: { kind: "x", message: "" } },
      }),
      /^tool_result event\.data\.error\.kind: expected one of/,
    ],
    [
      line(EVENTS[0], 0, {
        data: { format: 0, cwd: "/", model: "m", effort: "medium", pixir_version: "9" },
      }),
      /format: expected a format number/,
    ],
    [
      line(EVENTS[2], 0, { data: { turn: 1, model: "m", effort: "extreme" } }),
      /^turn_started event\.data\.effort: expected one of none, minimal/,
    ],
  ];
  for (const [text, reason] of cases) {
    const parsed = parseLogLine(text);
    assert.equal(parsed.ok, false, text);
    if (!parsed.ok) assert.match(parsed.reason, reason, text);
  }
});

Deno.test("an event of a type this version does not know is read as unknown, not as broken", () => {
  const text = line(
    { type: "thought_v9", data: { anything: [1] } } as unknown as CanonicalEvent,
    4,
  );
  assert.deepEqual(readLogEntry(text), {
    kind: "unknown",
    type: "thought_v9",
    session_id: "s",
    seq: 4,
    ts: "2026-01-01T00:00:00.000Z",
  });
  const newer = line(EVENTS[0], 0, {
    data: { format: 7, cwd: "/", model: "m", effort: "medium", pixir_version: "9" },
  });
  assert.equal(readLogEntry(newer).kind, "event", "a newer format is read, not refused");
});

Deno.test("a child agent's event is checked like any event, and a child of a child is refused", () => {
  const line = (event: unknown) =>
    parseLogLine(JSON.stringify({
      id: "s:9",
      session_id: "s",
      seq: 9,
      ts: "t",
      type: "subagent_event",
      data: { call_id: "call_t", event },
    }));
  const cases: [unknown, RegExp][] = [
    [{ type: "usage", data: { model: "m" } }, /event\.data\.input_tokens/],
    [{ type: "subagent_event", data: { call_id: "x", event: {} } }, /not a child agent's event/],
    [{ type: "from_the_future", data: {} }, /not a child agent's event/],
    [{ data: {} }, /\.event\.type/],
  ];
  for (const [event, reason] of cases) {
    const parsed = line(event);
    assert.equal(parsed.ok, false, JSON.stringify(event));
    if (!parsed.ok) assert.match(parsed.reason, reason);
  }
  assert.equal(line({ type: "usage", data: { ...USAGE, model: "m" } }).ok, true);
});
