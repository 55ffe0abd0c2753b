/**
 * Reading a session's log into the state a `Session` starts from: every event (forward, from the
 * first line), or only what a new turn needs (backward, from the end to the last compaction's kept
 * tail, plus a few facts from the start), so resuming a long session costs what its context costs.
 *
 * Both readings agree on what a log may hold: a broken last line is a torn write (skipped, cut off
 * before the next append); a broken line anywhere else is a `CorruptSessionError`; a well-formed
 * event of a type this version does not know keeps its seq and is skipped with a note.
 */

import { type CanonicalEvent, type Envelope, EVENT_FORMAT_VERSION } from "./event.ts";
import { isNewerFormat, type LogEntry, readLogEntry } from "./log_line.ts";
import { type FileLine, readLinesBackward, readLinesForward } from "./log_lines.ts";
import { CorruptSessionError } from "./session_error.ts";

type StartedEnvelope = Envelope<Extract<CanonicalEvent, { type: "session_started" }>>;

/** What was read from a log. */
export interface LogState {
  started: StartedEnvelope["data"];
  /** The known events read, in seq order. */
  events: Envelope<CanonicalEvent>[];
  /** One past the seq of the last valid line. */
  nextSeq: number;
  /** User messages (turns) in the whole log. */
  turns: number;
  /** Bytes of the file that hold valid lines. */
  validLength: number;
  /** The torn last line skipped, if any. */
  torn: { line: number | null; reason: string; bytes: number } | null;
  /** The last valid line lacks its newline. */
  missingNewline: boolean;
  /** Notes for the user: a skipped torn line, skipped unknown events, a newer format. */
  warnings: string[];
}

/** Reads every line of the log of session `id`. */
export async function readWholeLog(id: string, path: string): Promise<LogState> {
  const events: Envelope<CanonicalEvent>[] = [];
  const unknown = new Map<string, number>();
  let nextSeq = 0;
  let turns = 0;
  let validLength = 0;
  let missingNewline = false;
  let broken: { line: number; reason: string; start: number } | null = null;
  let lineNumber = 0;
  let fileEnd = 0;
  for await (const line of readLinesForward(path)) {
    lineNumber += 1;
    if (broken) throw new CorruptSessionError(path, broken.line, broken.reason);
    fileEnd = line.end;
    const entry = entryAt(line, id, nextSeq);
    if (entry.kind === "broken") {
      broken = { line: lineNumber, reason: entry.reason, start: validLength };
      continue;
    }
    if (entry.kind === "event") {
      events.push(entry.envelope);
      if (entry.envelope.type === "user_message") turns += 1;
    } else {
      unknown.set(entry.type, (unknown.get(entry.type) ?? 0) + 1);
    }
    nextSeq += 1;
    validLength = line.end;
    missingNewline = !line.terminated;
  }
  const first = events[0];
  // entryAt admits only session_started at seq 0; an empty result is the problem here.
  if (first?.type !== "session_started" || first.seq !== 0) {
    throw new CorruptSessionError(path, 1, broken?.reason ?? "the log is empty");
  }
  const torn = broken && { line: broken.line, reason: broken.reason, bytes: fileEnd - validLength };
  return {
    started: first.data,
    events,
    nextSeq,
    turns,
    validLength,
    torn,
    missingNewline,
    warnings: notes(path, first.data, torn, unknown),
  };
}

/**
 * Reads what a new turn needs: the last compaction and every event after the seq it replaces
 * through, the latest replaced user message and turn start, and from the start of the log the
 * session_started event and the first user message. A log without a compaction, or with anything
 * unusual before its last line, is read whole instead (the whole reading reports the problem).
 */
export async function readLogFromLastCompaction(id: string, path: string): Promise<LogState> {
  return await readTail(id, path) ?? await readWholeLog(id, path);
}

async function readTail(id: string, path: string): Promise<LogState | null> {
  const kept: Envelope<CanonicalEvent>[] = [];
  const unknown = new Map<string, number>();
  let torn: LogState["torn"] = null;
  let last: { seq: number; end: number; terminated: boolean } | null = null;
  let expected: number | null = null;
  let replacedThrough: number | null = null;
  let needPrompt = true;
  let needTurnStart = true;
  let turns: number | null = null;
  let laterPrompts = 0;
  let fileEnd: number | null = null;
  let complete = false;
  for await (const line of readLinesBackward(path)) {
    fileEnd ??= line.end;
    const entry = entryOf(line.text);
    if (entry.kind === "broken") {
      if (last !== null || torn !== null) return null;
      torn = { line: null, reason: entry.reason, bytes: 0 };
      continue;
    }
    const seq = entry.kind === "event" ? entry.envelope.seq : entry.seq;
    const sessionId = entry.kind === "event" ? entry.envelope.session_id : entry.session_id;
    if (sessionId !== id || (expected !== null && seq !== expected) || seq === 0) return null;
    last ??= { seq, end: line.end, terminated: line.terminated };
    expected = seq - 1;
    const inWindow = replacedThrough === null || seq > replacedThrough;
    if (entry.kind === "unknown") {
      if (inWindow) unknown.set(entry.type, (unknown.get(entry.type) ?? 0) + 1);
      continue;
    }
    const event = entry.envelope;
    if (turns === null) {
      if (event.type === "user_message") laterPrompts += 1;
      const turn = turnNumberOf(event);
      if (turn !== null) turns = turn + laterPrompts;
    }
    if (inWindow) {
      kept.push(event);
      if (event.type === "turn_started") needTurnStart = false;
      if (event.type === "compaction" && replacedThrough === null) {
        replacedThrough = event.data.replaces_through_seq;
      }
    } else if (
      (event.type === "user_message" && needPrompt) ||
      (event.type === "turn_started" && needTurnStart)
    ) {
      kept.push(event);
      if (event.type === "user_message") needPrompt = false;
      else needTurnStart = false;
    }
    if (!inWindow && !needPrompt && !needTurnStart && turns !== null) {
      complete = true;
      break;
    }
  }
  if (!complete || last === null || fileEnd === null) return null;
  if (torn) torn.bytes = fileEnd - last.end;
  kept.reverse();
  const head = await readHead(id, path, kept[0].seq);
  if (head === null) return null;
  const events = [...head.events, ...kept];
  return {
    started: head.started.data,
    events,
    nextSeq: last.seq + 1,
    turns: turns ?? 0,
    validLength: last.end,
    torn,
    missingNewline: !last.terminated,
    warnings: notes(path, head.started.data, torn, unknown),
  };
}

/** The session_started event and the first user message, when it comes before seq `before`. */
async function readHead(
  id: string,
  path: string,
  before: number,
): Promise<{ started: StartedEnvelope; events: Envelope<CanonicalEvent>[] } | null> {
  let started: StartedEnvelope | null = null;
  let seq = 0;
  for await (const line of readLinesForward(path)) {
    if (seq >= before) break;
    const entry = entryAt(line, id, seq);
    if (entry.kind === "broken") return null;
    seq += 1;
    if (entry.kind === "unknown") continue;
    const event = entry.envelope;
    if (event.type === "session_started") started = event;
    else if (event.type === "user_message" && started) return { started, events: [started, event] };
  }
  return started && { started, events: [started] };
}

/** The entry of a line that must hold event `seq` of session `id`. */
function entryAt(line: FileLine, id: string, seq: number): LogEntry {
  const entry = entryOf(line.text);
  if (entry.kind === "broken") return entry;
  const at = entry.kind === "event"
    ? { session_id: entry.envelope.session_id, seq: entry.envelope.seq, type: entry.envelope.type }
    : entry;
  if (at.session_id !== id) {
    return { kind: "broken", reason: `event of another session (${at.session_id})` };
  }
  if (at.seq !== seq) return { kind: "broken", reason: `seq ${at.seq} where ${seq} was expected` };
  if ((seq === 0) !== (at.type === "session_started")) {
    return {
      kind: "broken",
      reason: seq === 0
        ? "the log does not begin with session_started"
        : "a second session_started",
    };
  }
  return entry;
}

function entryOf(text: string | null): LogEntry {
  return text === null ? { kind: "broken", reason: "not valid UTF-8" } : readLogEntry(text);
}

/** The turn an event names, for counting turns from the end of a log; null when it names none. */
export function turnNumberOf(event: CanonicalEvent): number | null {
  switch (event.type) {
    case "turn_started":
    case "turn_completed":
    case "turn_failed":
    case "interrupted":
      return event.data.turn;
    default:
      return null;
  }
}

function notes(
  path: string,
  started: StartedEnvelope["data"],
  torn: LogState["torn"],
  unknown: ReadonlyMap<string, number>,
): string[] {
  const warnings: string[] = [];
  if (torn) {
    const where = torn.line === null ? "last line" : `line ${torn.line}`;
    warnings.push(
      `${path}: skipped a half-written ${where} (${torn.reason}); \`pixir sessions repair\` removes it`,
    );
  }
  if (isNewerFormat(started)) {
    warnings.push(
      `${path}: written by a newer Pixir (log format ${started.format}; this one writes ${EVENT_FORMAT_VERSION})`,
    );
  }
  if (unknown.size > 0) {
    const types = [...unknown].map(([type, n]) => n > 1 ? `${type} ×${n}` : type).join(", ");
    warnings.push(
      `${path}: skipped events this Pixir does not know (${types}); they stay in the log`,
    );
  }
  return warnings;
}
