/**
 * Validation of canonical event envelopes read back from a session log. A log line is untrusted
 * JSON (a crash can tear it, a person can edit it), so every field the agent relies on is checked
 * before the line becomes an `Envelope`.
 */

import type { ReasoningEffort } from "../provider/request.ts";
import type { ToolErrorKind } from "../tools/tool.ts";
import type { DecisionSource } from "../policy/approval.ts";
import { PLAN_STATUSES } from "../tools/plan.ts";
import { HOOK_EVENTS } from "../hooks/hook.ts";
import {
  CANONICAL_TYPES,
  type CanonicalEvent,
  type Envelope,
  EVENT_FORMAT_VERSION,
} from "./event.ts";

/** A parsed log line: the envelope, or why the line is unusable. */
export type ParsedLine =
  | { ok: true; envelope: Envelope<CanonicalEvent> }
  | { ok: false; reason: string };

/**
 * What one line of a log holds: a canonical event this version knows; an event of a type it does
 * not know (written by a newer Pixir: kept in the log, skipped when folding); or a broken line.
 */
export type LogEntry =
  | { kind: "event"; envelope: Envelope<CanonicalEvent> }
  | { kind: "unknown"; type: string; session_id: string; seq: number; ts: string }
  | { kind: "broken"; reason: string };

/** Parses one log line into a canonical envelope, checking its shape and its event's data. */
export function parseLogLine(text: string): ParsedLine {
  const entry = readLogEntry(text);
  switch (entry.kind) {
    case "event":
      return { ok: true, envelope: entry.envelope };
    case "unknown":
      return { ok: false, reason: `event.type: ${JSON.stringify(entry.type)} is not known here` };
    case "broken":
      return { ok: false, reason: entry.reason };
  }
}

/**
 * Reads one log line: a well-formed envelope of an unknown type is reported as such rather than
 * as broken, so a log from a newer Pixir stays readable.
 */
export function readLogEntry(text: string): LogEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "broken", reason: text.trim() === "" ? "empty line" : "not valid JSON" };
  }
  const problem = ENVELOPE(value);
  if (problem !== undefined) return { kind: "broken", reason: within("event", problem) };
  // The envelope's fields were just checked; the type and the data are checked next.
  const envelope = value as Envelope<CanonicalEvent>;
  const check = KNOWN_TYPES.has(envelope.type) ? DATA[envelope.type] : undefined;
  if (check === undefined) {
    const { type, session_id, seq, ts } = envelope;
    return { kind: "unknown", type, session_id, seq, ts };
  }
  const dataProblem = check(envelope.data);
  if (dataProblem !== undefined) {
    return { kind: "broken", reason: within(`${envelope.type} event.data`, dataProblem) };
  }
  return { kind: "event", envelope };
}

/** Whether a log's `format` is newer than this Pixir writes (its unknown events are skipped). */
export function isNewerFormat(started: { format: number }): boolean {
  return started.format > EVENT_FORMAT_VERSION;
}

const KNOWN_TYPES: ReadonlySet<string> = CANONICAL_TYPES;

/** Checks a value; `undefined` when it fits, else a description of the first problem. */
type Check = (value: unknown) => string | undefined;

/** Prefixes a nested problem with the field it was found in. */
function within(field: string, problem: string): string {
  return problem.startsWith(".") || problem.startsWith("[")
    ? `${field}${problem}`
    : `${field}: ${problem}`;
}

const str: Check = (v) => typeof v === "string" ? undefined : "expected a string";

const int: Check = (v) => Number.isInteger(v) ? undefined : "expected an integer";
const bool: Check = (v) => typeof v === "boolean" ? undefined : "expected a boolean";
const count: Check = (v) =>
  typeof v === "number" && Number.isInteger(v) && v >= 0 ? undefined : "expected a count";
const nonEmptyString: Check = (v) =>
  typeof v === "string" && v !== "" ? undefined : "expected a non-empty string";
const record: Check = (v) => isRecord(v) ? undefined : "expected an object";

function optional(check: Check): Check {
  return (v) => v === undefined ? undefined : check(v);
}

function nullable(check: Check): Check {
  return (v) => v === null ? undefined : check(v);
}

function oneOf(allowed: Iterable<string>): Check {
  const set = new Set(allowed);
  return (v) =>
    typeof v === "string" && set.has(v) ? undefined : `expected one of ${[...set].join(", ")}`;
}

function literal(expected: string): Check {
  return (v) => v === expected ? undefined : `expected ${JSON.stringify(expected)}`;
}

function arrayOf(check: Check): Check {
  return (v) => {
    if (!Array.isArray(v)) return "expected an array";
    for (const [i, item] of v.entries()) {
      const problem = check(item);
      if (problem !== undefined) return within(`[${i}]`, problem);
    }
    return undefined;
  };
}

/** An object with at least these fields; unknown fields are tolerated for forward compatibility. */
function object(shape: Record<string, Check>): Check {
  // Listed once: every line of a log is checked against these shapes.
  const fields = Object.entries(shape);
  return (v) => {
    if (!isRecord(v)) return "expected an object";
    for (const [key, check] of fields) {
      const problem = check(v[key]);
      if (problem !== undefined) return within(`.${key}`, problem);
    }
    return undefined;
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// `satisfies` keeps these runtime lists in step with the union types they mirror.
const EFFORTS = {
  none: true,
  minimal: true,
  low: true,
  medium: true,
  high: true,
  xhigh: true,
} satisfies Record<ReasoningEffort, true>;

const TOOL_ERROR_KINDS = {
  invalid_arguments: true,
  not_found: true,
  outside_workspace: true,
  not_unique: true,
  too_large: true,
  binary: true,
  is_directory: true,
  not_directory: true,
  timeout: true,
  special_file: true,
  io: true,
  aborted: true,
  denied: true,
  unknown_tool: true,
  tool_error: true,
} satisfies Record<ToolErrorKind, true>;

const DECISION_SOURCES = {
  all: true,
  allow_run: true,
  allow_mcp: true,
  safe_list: true,
  rule: true,
  user: true,
  read_only: true,
  non_interactive: true,
} satisfies Record<DecisionSource, true>;

const effort = oneOf(Object.keys(EFFORTS));

// A newer format is read too: what it adds is skipped, never a reason to refuse the session.
const format: Check = (v) =>
  typeof v === "number" && Number.isInteger(v) && v >= 1 ? undefined : "expected a format number";

const ENVELOPE = object({
  id: str,
  session_id: str,
  seq: count,
  ts: str,
  type: nonEmptyString,
  data: record,
});

const PLAN = object({
  steps: arrayOf(object({ step: str, status: oneOf(PLAN_STATUSES) })),
  explanation: optional(str),
  call_id: optional(str),
});

const DATA: Record<CanonicalEvent["type"], Check> = {
  session_started: object({
    format,
    cwd: str,
    model: str,
    effort,
    pixir_version: str,
    provider: optional(str),
  }),
  user_message: object({
    text: str,
    images: optional(arrayOf(object({
      sha256: str,
      media_type: oneOf(["image/png", "image/jpeg", "image/gif", "image/webp"]),
      bytes: count,
    }))),
    environment: optional(str),
    context: optional(arrayOf(object({ source: oneOf(["skill", "hook"]), name: str, text: str }))),
  }),
  turn_started: object({ turn: count, model: str, effort, provider: optional(str) }),
  reasoning: object({
    model: str,
    provider: optional(str),
    summary: arrayOf(object({ type: literal("summary_text"), text: str })),
    encrypted_content: nullable(str),
  }),
  assistant_message: object({
    model: str,
    text: str,
    phase: optional(str),
    interrupted: optional(bool),
    citations: optional(
      arrayOf(object({ url: str, title: str, start_index: count, end_index: count })),
    ),
  }),
  tool_call: object({ model: str, call_id: str, name: str, arguments: str }),
  tool_result: object({
    call_id: str,
    name: str,
    ok: bool,
    output: str,
    error: optional(
      object({
        kind: oneOf(Object.keys(TOOL_ERROR_KINDS)),
        message: str,
        details: optional(record),
      }),
    ),
    synthetic: optional(bool),
  }),
  usage: object({
    input_tokens: count,
    cached_tokens: count,
    output_tokens: count,
    reasoning_tokens: count,
    total_tokens: count,
    model: str,
    response_id: optional(str),
  }),
  turn_completed: object({
    turn: count,
    status: oneOf(["completed", "incomplete"]),
    reason: optional(str),
  }),
  turn_failed: object({
    turn: count,
    error: object({ kind: str, message: str, details: optional(record) }),
  }),
  interrupted: object({ turn: count, reason: oneOf(["sigint", "sigterm", "aborted"]) }),
  permission_decision: object({
    call_id: optional(str),
    tool: str,
    command: str,
    decision: oneOf(["allow", "deny"]),
    source: oneOf(Object.keys(DECISION_SOURCES)),
    scope: optional(oneOf(["once", "always"])),
    rules: optional(arrayOf(str)),
    reason: optional(str),
    user_reason: optional(str),
    server: optional(str),
    mcp_tool: optional(str),
  }),
  file_snapshot: object({
    turn: count,
    path: str,
    existed: bool,
    blob: optional(str),
    size: count,
    mode: nullable(count),
    not_undoable: optional(str),
  }),
  file_changed: object({ turn: count, path: str, sha256: str }),
  undo: object({
    turn: count,
    restored: arrayOf(str),
    deleted: arrayOf(str),
    skipped: arrayOf(object({ path: str, reason: str })),
  }),
  compaction: object({
    summary: str,
    reason: oneOf(["manual", "threshold", "overflow"]),
    focus: optional(str),
    replaces_through_seq: count,
    model: str,
    tokens_before: count,
    plan: optional(PLAN),
  }),
  plan: PLAN,
  hook: object({
    event: oneOf(HOOK_EVENTS),
    command: str,
    source: oneOf(["user", "project"]),
    outcome: oneOf(["ok", "blocked", "failed", "timeout", "error"]),
    exit_code: optional(int),
    message: optional(str),
    context: optional(str),
    call_id: optional(str),
    duration_ms: count,
  }),
  web_search: object({ model: str, provider: optional(str), status: str, action: record }),
  subagent_event: object({ call_id: str, event: childEvent }),
};

/** A child agent's own event: any canonical event but a nested child's, its data checked too. */
function childEvent(value: unknown): string | undefined {
  const problem = object({ type: nonEmptyString, data: record })(value);
  if (problem !== undefined) return problem;
  const { type, data } = value as { type: string; data: unknown };
  const check = type === "subagent_event" || !KNOWN_TYPES.has(type)
    ? undefined
    : DATA[type as CanonicalEvent["type"]];
  if (check === undefined) return `.type: ${JSON.stringify(type)} is not a child agent's event`;
  const dataProblem = check(data);
  return dataProblem === undefined ? undefined : within(".data", dataProblem);
}
