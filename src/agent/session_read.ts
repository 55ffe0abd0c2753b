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
  const scan = newScan();
  let turns = 0;
  let validLength = 0;
  let missingNewline = false;
  for await (const { entry, line } of scanLog(id, path, scan)) {
    if (entry.kind === "event") {
      events.push(entry.envelope);
      if (entry.envelope.type === "user_message") turns += 1;
    }
    validLength = line.end;
    missingNewline = !line.terminated;
  }
  const { started, torn, warnings } = endOfScan(path, scan, validLength);
  return {
    started,
    events,
    nextSeq: scan.nextSeq,
    turns,
    validLength,
    torn,
    missingNewline,
    warnings,
  };
}

/**
 * Every known event of the log, first to last, one at a time: a whole reading that holds one event
 * in memory, for exporting a session of any length. The log is checked as `readWholeLog` checks
 * it (a broken line before the last throws `CorruptSessionError` when it is reached); the notes it
 * would warn of are pushed to `warnings` once the end is reached.
 */
export async function* streamLog(
  id: string,
  path: string,
  warnings: string[],
): AsyncGenerator<Envelope<CanonicalEvent>> {
  const scan = newScan();
  let validLength = 0;
  for await (const { entry, line } of scanLog(id, path, scan)) {
    if (entry.kind === "event") yield entry.envelope;
    validLength = line.end;
  }
  warnings.push(...endOfScan(path, scan, validLength).warnings);
}

/** What a forward reading has seen so far. */
interface Scan {
  started: StartedEnvelope | null;
  nextSeq: number;
  unknown: Map<string, number>;
  /** A broken line, fine only as the last one. */
  broken: { line: number; reason: string } | null;
  fileEnd: number;
}

function newScan(): Scan {
  return { started: null, nextSeq: 0, unknown: new Map(), broken: null, fileEnd: 0 };
}

/**
 * The valid lines of a log in order, each with its entry (a known event or an unknown one); a
 * broken line is remembered in `scan` and throws `CorruptSessionError` when another line follows.
 */
async function* scanLog(
  id: string,
  path: string,
  scan: Scan,
): AsyncGenerator<{ entry: Exclude<LogEntry, { kind: "broken" }>; line: FileLine }> {
  let lineNumber = 0;
  for await (const line of readLinesForward(path)) {
    lineNumber += 1;
    if (scan.broken) throw new CorruptSessionError(path, scan.broken.line, scan.broken.reason);
    scan.fileEnd = line.end;
    const entry = entryAt(line, id, scan.nextSeq);
    if (entry.kind === "broken") {
      scan.broken = { line: lineNumber, reason: entry.reason };
      continue;
    }
    if (entry.kind === "event" && entry.envelope.type === "session_started") {
      scan.started = entry.envelope;
    } else if (entry.kind === "unknown") {
      scan.unknown.set(entry.type, (scan.unknown.get(entry.type) ?? 0) + 1);
    }
    scan.nextSeq += 1;
    yield { entry, line };
  }
}

/** The start, the torn tail and the notes of a finished forward reading. */
function endOfScan(
  path: string,
  scan: Scan,
  validLength: number,
): { started: StartedEnvelope["data"]; torn: LogState["torn"]; warnings: string[] } {
  // entryAt admits only session_started at seq 0; a log without one is the problem here.
  if (scan.started === null) {
    throw new CorruptSessionError(path, 1, scan.broken?.reason ?? "the log is empty");
  }
  const torn = scan.broken &&
    { line: scan.broken.line, reason: scan.broken.reason, bytes: scan.fileEnd - validLength };
  const started = scan.started.data;
  return { started, torn, warnings: notes(path, started, torn, scan.unknown) };
}

/**
 * Reads what a new turn needs: the last compaction and every event after the seq it replaces
 * through, the latest replaced user message and turn start, and from the start of the log the
 * session_started event and the first user message. A log without a compaction, or with anything
 * unusual before its last line, is read whole instead (the whole reading reports the problem).
 */
export async function readLogFromLastCompaction(id: string, path: string): Promise<LogState> {
  return (await readTail(id, path, compactionWindow()))?.state ?? await readWholeLog(id, path);
}

/**
 * Reads the events from the start of turn `turn` to the end (what undoing that turn needs), with
 * the session_started event and the first user message; a log where that turn's start cannot be
 * found from the end, or with anything unusual before its last line, is read whole instead.
 */
export async function readLogFromTurn(id: string, path: string, turn: number): Promise<LogState> {
  return (await readTail(id, path, turnWindow(turn)))?.state ?? await readWholeLog(id, path);
}

/** A log's last turns, and whether they are all of it. */
export interface LogPreview {
  /** The session_started event and the events from the earliest turn's user message on. */
  state: LogState;
  /** The reading reached the log's first line: `state` is what `readWholeLog` reads. */
  whole: boolean;
}

/**
 * Reads the last `turns` turns of a log (from the user message that starts the earliest of them,
 * or from the last compaction when it is later), with the session_started event: what the chat
 * shows first while the rest is read. Null for a log with anything unusual before its last line
 * (the whole reading reports it).
 */
export async function readLogPreview(
  id: string,
  path: string,
  turns: number,
): Promise<LogPreview | null> {
  return await readTail(id, path, lastTurnsWindow(turns), false);
}

/** Which events a reading from the end of a log needs, told one event at a time, last first. */
interface TailWindow {
  /** Whether an event of seq `seq` lies inside the window (its unknown events are noted). */
  inside(seq: number): boolean;
  /** Sees the next event back; says whether the reading keeps it. */
  keep(event: Envelope<CanonicalEvent>): boolean;
  /** Every event the reading needs has been kept. */
  done(): boolean;
}

/** From the last compaction's kept tail on, plus the latest replaced prompt and turn start. */
function compactionWindow(): TailWindow {
  let replacedThrough: number | null = null;
  let needPrompt = true;
  let needTurnStart = true;
  let lastInside = true;
  const inside = (seq: number) => replacedThrough === null || seq > replacedThrough;
  return {
    inside,
    keep(event) {
      lastInside = inside(event.seq);
      if (lastInside) {
        if (event.type === "turn_started") needTurnStart = false;
        if (event.type === "compaction" && replacedThrough === null) {
          replacedThrough = event.data.replaces_through_seq;
        }
        return true;
      }
      if (event.type === "user_message" && needPrompt) return !(needPrompt = false);
      if (event.type === "turn_started" && needTurnStart) return !(needTurnStart = false);
      return false;
    },
    done: () => !lastInside && !needPrompt && !needTurnStart,
  };
}

/** From the start of turn `turn` to the end. */
function turnWindow(turn: number): TailWindow {
  let reached = false;
  return {
    inside: () => !reached,
    keep(event) {
      if (reached) return false;
      reached = event.type === "turn_started" && event.data.turn === turn;
      return true;
    },
    done: () => reached,
  };
}

/** From the user message `turns` turns back on, or from the last compaction when it is later. */
function lastTurnsWindow(turns: number): TailWindow {
  let prompts = 0;
  let compacted = false;
  return {
    inside: () => prompts < turns && !compacted,
    keep(event) {
      if (prompts >= turns || compacted) return false;
      if (event.type === "user_message") prompts += 1;
      if (event.type === "compaction") compacted = true;
      return true;
    },
    done: () => prompts >= turns || compacted,
  };
}

/**
 * Reads from the end of a log the events `window` needs, with the session_started event and (with
 * `firstPrompt`) the first user message; null when the log has anything unusual before its last
 * line. A reading that keeps every event back to the first line is the whole reading.
 */
async function readTail(
  id: string,
  path: string,
  window: TailWindow,
  firstPrompt = true,
): Promise<LogPreview | null> {
  const kept: Envelope<CanonicalEvent>[] = [];
  const unknown = new Map<string, number>();
  let torn: LogState["torn"] = null;
  let last: { seq: number; end: number; terminated: boolean } | null = null;
  let expected: number | null = null;
  let turns: number | null = null;
  let laterPrompts = 0;
  let fileEnd: number | null = null;
  let complete = false;
  // Whether every event read so far was kept: a reading that reaches the first line so has the
  // whole log, and needs no second, forward reading (a log without a compaction).
  let keptAll = true;
  let started: StartedEnvelope | null = null;
  let lines = 0;
  const everyUnknown = new Map<string, number>();
  for await (const line of readLinesBackward(path)) {
    // A line before the session_started event: the whole reading says what is wrong.
    if (started !== null) return null;
    lines += 1;
    fileEnd ??= line.end;
    const entry = entryOf(line.text);
    if (entry.kind === "broken") {
      if (last !== null || torn !== null) return null;
      torn = { line: null, reason: entry.reason, bytes: 0 };
      continue;
    }
    const seq = entry.kind === "event" ? entry.envelope.seq : entry.seq;
    const sessionId = entry.kind === "event" ? entry.envelope.session_id : entry.session_id;
    if (sessionId !== id || (expected !== null && seq !== expected)) return null;
    if (entry.kind === "event") entry.envelope.session_id = id;
    if ((seq === 0) !== (entry.kind === "event" && entry.envelope.type === "session_started")) {
      return null;
    }
    last ??= { seq, end: line.end, terminated: line.terminated };
    expected = seq - 1;
    if (seq === 0) {
      if (!keptAll) return null;
      started = entry.kind === "event" ? entry.envelope as StartedEnvelope : null;
      continue;
    }
    if (entry.kind === "unknown") {
      if (window.inside(seq)) unknown.set(entry.type, (unknown.get(entry.type) ?? 0) + 1);
      everyUnknown.set(entry.type, (everyUnknown.get(entry.type) ?? 0) + 1);
      continue;
    }
    const event = entry.envelope;
    if (turns === null) {
      if (event.type === "user_message") laterPrompts += 1;
      const turn = turnNumberOf(event);
      if (turn !== null) turns = turn + laterPrompts;
    }
    if (window.keep(event)) kept.push(event);
    else keptAll = false;
    if (window.done() && turns !== null) {
      complete = true;
      break;
    }
  }
  if (started !== null && last !== null && fileEnd !== null) {
    // The torn line, if any, is the file's last: its number is the count of lines.
    if (torn) torn = { line: lines, reason: torn.reason, bytes: fileEnd - last.end };
    const events = [started, ...kept.reverse()];
    const state: LogState = {
      started: started.data,
      events,
      nextSeq: last.seq + 1,
      turns: events.filter((event) => event.type === "user_message").length,
      validLength: last.end,
      torn,
      missingNewline: !last.terminated,
      warnings: notes(path, started.data, torn, everyUnknown),
    };
    return { state, whole: true };
  }
  if (!complete || last === null || fileEnd === null) return null;
  if (torn) torn.bytes = fileEnd - last.end;
  kept.reverse();
  const head = await readHead(id, path, kept[0].seq);
  if (head === null) return null;
  const events = [...(firstPrompt ? head.events : [head.started]), ...kept];
  const state: LogState = {
    started: head.started.data,
    events,
    nextSeq: last.seq + 1,
    turns: turns ?? 0,
    validLength: last.end,
    torn,
    missingNewline: !last.terminated,
    warnings: notes(path, head.started.data, torn, unknown),
  };
  return { state, whole: false };
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
  // Every event of a long session held one copy of the id it names: share the caller's.
  if (entry.kind === "event") entry.envelope.session_id = id;
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
