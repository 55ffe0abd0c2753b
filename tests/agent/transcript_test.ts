import assert from "node:assert/strict";
import type { CanonicalEvent, Envelope } from "../../src/agent/event.ts";
import { markdownTranscript } from "../../src/agent/transcript.ts";

function envelopes(events: CanonicalEvent[]): Envelope<CanonicalEvent>[] {
  return events.map((event, seq) => ({
    id: `s1:${seq}`,
    session_id: "s1",
    seq,
    ts: "2026-11-24T12:00:00.000Z",
    ...event,
  }));
}

const SESSION: CanonicalEvent[] = [
  {
    type: "session_started",
    data: { format: 1, cwd: "/ws", model: "gpt-5.5", effort: "medium", pixir_version: "0.1.0" },
  },
  { type: "user_message", data: { text: "What is in a.txt?" } },
  { type: "turn_started", data: { turn: 1, model: "gpt-5.5", effort: "medium" } },
  {
    type: "reasoning",
    data: {
      model: "gpt-5.5",
      summary: [{ type: "summary_text", text: "**Reading**\n\nthe file" }],
      encrypted_content: "SECRET-BLOB",
    },
  },
  {
    type: "tool_call",
    data: { model: "gpt-5.5", call_id: "c1", name: "read", arguments: '{"path":"a.txt"}' },
  },
  { type: "tool_result", data: { call_id: "c1", name: "read", ok: true, output: "x".repeat(30) } },
  {
    type: "usage",
    data: {
      model: "gpt-5.5",
      input_tokens: 1,
      cached_tokens: 0,
      output_tokens: 1,
      reasoning_tokens: 0,
      total_tokens: 2,
    },
  },
  { type: "assistant_message", data: { model: "gpt-5.5", text: "It holds x's." } },
  { type: "turn_completed", data: { turn: 1, status: "completed" } },
];

Deno.test("the transcript tells the session in order: prompt, reasoning, tool call, result, answer", () => {
  const md = markdownTranscript(envelopes(SESSION));
  const order = [
    "# Session s1",
    "- Workspace: `/ws`",
    "## User\n\nWhat is in a.txt?",
    "### Reasoning\n\n> **Reading**\n>\n> the file",
    '### Tool call: read\n\n```json\n{\n  "path": "a.txt"\n}\n```',
    "Result of read (ok):\n\n```\n" + "x".repeat(30) + "\n```",
    "## Assistant\n\nIt holds x's.",
  ].map((part) => md.indexOf(part));
  assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1])), `${order}\n${md}`);
  assert.doesNotMatch(md, /SECRET-BLOB/);
  assert.doesNotMatch(md, /total_tokens/);
});

Deno.test("a long result is bounded with a note of what was left out", () => {
  const md = markdownTranscript(envelopes(SESSION), { resultChars: 10 });
  assert.match(md, /```\nxxxxxxxxxx\n… \(20 more characters\)\n```/);
});

Deno.test("a result holding a code fence gets a longer fence", () => {
  const md = markdownTranscript(envelopes([
    ...SESSION.slice(0, 5),
    {
      type: "tool_result",
      data: { call_id: "c1", name: "read", ok: true, output: "```ts\nx\n```" },
    },
  ]));
  assert.match(md, /````\n```ts\nx\n```\n````/);
});

Deno.test("failures, interruptions and early ends are said plainly", () => {
  const md = markdownTranscript(envelopes([
    ...SESSION.slice(0, 3),
    {
      type: "tool_result",
      data: { call_id: "c1", name: "bash", ok: false, output: "{}", synthetic: true },
    },
    { type: "interrupted", data: { turn: 1, reason: "sigint" } },
    {
      type: "turn_completed",
      data: { turn: 2, status: "incomplete", reason: "max_output_tokens" },
    },
    {
      type: "turn_failed",
      data: { turn: 3, error: { kind: "usage_limit", message: "limit hit" } },
    },
  ]));
  assert.match(md, /Result of bash \(not finished\)/);
  assert.match(md, /_Turn 1 was interrupted \(sigint\)_/);
  assert.match(md, /_Turn 2 ended early: max_output_tokens_/);
  assert.match(md, /_Turn 3 failed: limit hit_/);
});

Deno.test("permission decisions say what was allowed or denied, and by what", () => {
  const md = markdownTranscript(envelopes([
    ...SESSION.slice(0, 3),
    {
      type: "permission_decision",
      data: { tool: "bash", command: "rm -rf build", decision: "deny", source: "non_interactive" },
    },
    {
      type: "permission_decision",
      data: { tool: "bash", command: "git status", decision: "allow", source: "safe_list" },
    },
  ]));
  assert.match(md, /_Denied \(non_interactive\): `rm -rf build`_/);
  assert.match(md, /_Allowed \(safe_list\): `git status`_/);
});

Deno.test("an undo lists the files it restored, deleted and skipped; snapshots stay out", () => {
  const md = markdownTranscript(envelopes([
    ...SESSION,
    {
      type: "file_snapshot",
      data: { turn: 1, path: "/ws/a.txt", existed: false, size: 0, mode: null },
    },
    { type: "file_changed", data: { turn: 1, path: "/ws/a.txt", sha256: "00" } },
    {
      type: "undo",
      data: {
        turn: 1,
        restored: ["/ws/b.txt"],
        deleted: ["/ws/a.txt"],
        skipped: [{ path: "/ws/c.txt", reason: "it changed after the turn" }],
      },
    },
  ]));
  assert.ok(
    md.endsWith(
      "### Undo of turn 1\n\n- restored `/ws/b.txt`\n- deleted `/ws/a.txt`\n" +
        "- skipped `/ws/c.txt`: it changed after the turn\n",
    ),
    md,
  );
  assert.doesNotMatch(md, /sha256|file_snapshot/);
});

Deno.test("a compaction shows its reason, focus and summary", () => {
  const md = markdownTranscript(envelopes([
    ...SESSION.slice(0, 3),
    {
      type: "compaction",
      data: {
        summary: "## Goal\nship it",
        reason: "threshold",
        focus: "the parser",
        replaces_through_seq: 2,
        model: "gpt-5.5",
        tokens_before: 9000,
      },
    },
  ]));
  assert.match(
    md,
    /## Conversation compacted \(threshold · focus: the parser\)\n\n> ## Goal\n> ship it/,
  );
});
