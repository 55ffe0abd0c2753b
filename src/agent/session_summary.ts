/**
 * A session's summary, kept beside its log as `<id>.summary.json`: what a listing shows (workspace,
 * model, times, title, turns) and which turns changed files (for undo), together with how many
 * bytes of the log it covers. It is a cache of a fold over the log, never the truth:
 *
 * - the session's writer updates it as it appends and saves it when the log is flushed (a turn's
 *   end, before tools run), so a listing of quiet sessions reads no log at all;
 * - a reader checks it against the log's size and modification time: when the log has grown (a writer killed mid-turn,
 *   an older Pixir), only the lines after the covered bytes are read and folded in; when it is
 *   missing, unreadable or does not fit the log (the log shrank, the next line is not the seq it
 *   expects, it was edited in place), it is rebuilt from the whole log once;
 * - it is replaced atomically (a temp file renamed over it, swept like every temp when a writer is
 *   killed), without a sync: a summary lost to a power cut is rebuilt like a missing one.
 */

import type { CanonicalEvent, Envelope } from "./event.ts";
import { type LogEntry, readLogEntry } from "./log_line.ts";
import { readLinesForward } from "./log_lines.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";

/** The summary of one session's log. */
export interface SessionSummaryRecord {
  id: string;
  /** The workspace the session works in. */
  cwd: string;
  /** The model of the latest turn (the one it started with, before any turn). */
  model: string;
  /** When the session started (ISO 8601). */
  created: string;
  /** When its last event was logged (ISO 8601). */
  updated: string;
  /** The first user message on one line, at most 80 characters; empty before the first turn. */
  title: string;
  /** How many user messages (turns) the log holds. */
  turns: number;
  /** Turns whose write/edit tools kept files for undo, ascending. */
  fileTurns: number[];
  /** Turns undone, ascending. */
  undoneTurns: number[];
  /** Bytes of the log covered: whole lines only (a torn last line is left for later). */
  logBytes: number;
  /** The seq of the first event after them. */
  nextSeq: number;
  /**
   * The log's modification time (epoch ms) when it was exactly `logBytes` long; null when it was
   * not (a torn last line followed). A log of the same size but another time was edited in place.
   */
  logMtime: number | null;
}

/** A summary read for a log, and whether it differs from the file beside the log. */
export interface CurrentSummary {
  record: SessionSummaryRecord;
  /** The file is missing or older than `record`: saving it spares the next reader the log. */
  stale: boolean;
}

const FORMAT = 1;
const TITLE_LENGTH = 80;
const EXTENSION = ".ndjson";

/** The summary file beside the log at `logPath`. */
export function summaryPathOf(logPath: string): string {
  const stem = logPath.endsWith(EXTENSION) ? logPath.slice(0, -EXTENSION.length) : logPath;
  return `${stem}.summary.json`;
}

/** The summary of a log that holds only its `session_started` line, `bytes` long. */
export function startedSummary(
  envelope: Envelope<CanonicalEvent>,
  bytes: number,
): SessionSummaryRecord {
  const record = fold(null, envelope.session_id, { kind: "event", envelope });
  if (record === null || typeof record === "string") throw new Error("not a session_started event");
  record.logBytes = bytes;
  return record;
}

/**
 * Adds one logged event (ending at byte `end` of the log) to `record`; the writer calls it for each
 * line it appends.
 */
export function foldEvent(
  record: SessionSummaryRecord,
  envelope: Envelope<CanonicalEvent>,
  end: number,
): void {
  fold(record, record.id, { kind: "event", envelope });
  record.logBytes = end;
}

/**
 * The summary of session `id`'s log at `logPath`, brought up to date with the log: the file's
 * record when it covers the whole log, else that record (or, when it cannot serve, an empty one)
 * with the lines after it folded in. A string says why the log cannot be summarized (it does not
 * start as a session log). Filesystem errors on the log are thrown.
 */
export async function currentSummary(
  id: string,
  logPath: string,
): Promise<CurrentSummary | string> {
  return await readSummary(id, logPath, true) ??
    "the log does not begin with a valid session_started event";
}

/**
 * The saved summary of session `id` brought up to date by folding in only the lines after it; null
 * when there is none that fits the log (a whole reading would be needed), so a session opened for
 * its next turn never pays for its whole history here.
 */
export async function savedSummary(id: string, logPath: string): Promise<CurrentSummary | null> {
  const current = await readSummary(id, logPath, false);
  return typeof current === "string" ? null : current;
}

async function readSummary(
  id: string,
  logPath: string,
  rebuild: boolean,
): Promise<CurrentSummary | string | null> {
  // The common case, a summary that covers its log, is a stat and a read of a few hundred bytes.
  // Done synchronously: over a thousand sessions the hops of asynchronous calls through Deno's
  // thread pool cost several times the calls themselves. The log is opened only to be read.
  const { size, mtime } = Deno.statSync(logPath);
  const saved = readSavedSummary(id, logPath);
  if (saved !== null && saved.logBytes === size && saved.logMtime === mtimeOf(mtime)) {
    return { record: saved, stale: false };
  }
  using file = await Deno.open(logPath, { read: true });
  // Lines were appended after the covered bytes (or a torn line was): fold in only those.
  if (saved !== null && (saved.logBytes < size || saved.logMtime === null)) {
    const updated = await foldFrom(file, id, structuredClone(saved));
    if (updated !== null && typeof updated !== "string") {
      await stamped(file, updated);
      // Only a torn last line followed (not covered): the saved summary is as good as it gets.
      return { record: updated, stale: JSON.stringify(updated) !== JSON.stringify(saved) };
    }
  }
  if (!rebuild) return null;
  const rebuilt = await foldFrom(file, id, null);
  return rebuilt === null || typeof rebuilt === "string"
    ? rebuilt
    : { record: await stamped(file, rebuilt), stale: true };
}

/**
 * Sets `record.logMtime` from the open log: its time when it is exactly the covered length, else
 * null. The writer calls it before saving; a reader after folding.
 */
export async function stamped(
  log: Deno.FsFile,
  record: SessionSummaryRecord,
): Promise<SessionSummaryRecord> {
  const { size, mtime } = await log.stat();
  record.logMtime = size === record.logBytes ? mtimeOf(mtime) : null;
  return record;
}

function mtimeOf(mtime: Date | null): number | null {
  return mtime === null ? null : mtime.getTime();
}

/**
 * Saves `record` beside the log at `logPath`, replacing the file atomically. Best effort: a summary
 * that cannot be written (a full disk, a read-only folder) is rebuilt by a later reader.
 */
export async function saveSummary(logPath: string, record: SessionSummaryRecord): Promise<void> {
  const text = JSON.stringify({ format: FORMAT, ...record }) + "\n";
  await writeFileAtomic(summaryPathOf(logPath), text, { mode: 0o600, sync: false })
    .catch(() => undefined);
}

/** Removes the summary of the log at `logPath`, if there is one. */
export async function removeSummary(logPath: string): Promise<void> {
  await Deno.remove(summaryPathOf(logPath)).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/** The saved summary when it is well-formed and of this session; null otherwise. */
function readSavedSummary(id: string, logPath: string): SessionSummaryRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(Deno.readTextFileSync(summaryPathOf(logPath)));
  } catch {
    return null; // missing, torn by a power cut, or edited by hand: rebuilt from the log
  }
  return validRecord(value, id);
}

/**
 * Folds the log's lines from `record.logBytes` (from the start when `record` is null) into it.
 * Null when the lines do not continue the record (its next seq is not there) or the log does not
 * start with this session's `session_started`; a string when it starts with another session's.
 */
async function foldFrom(
  file: Deno.FsFile,
  id: string,
  record: SessionSummaryRecord | null,
): Promise<SessionSummaryRecord | string | null> {
  let current = record;
  let first = true;
  // A broken line is covered only once a whole line follows it: as the last line it may be a write
  // still in progress, or a torn one that the next append cuts off.
  for await (const line of readLinesForward(file, undefined, record?.logBytes ?? 0)) {
    const entry: LogEntry = line.text === null
      ? { kind: "broken", reason: "not valid UTF-8" }
      : readLogEntry(line.text);
    if (entry.kind === "broken") {
      if (current === null) return null;
      continue;
    }
    const seq = entry.kind === "event" ? entry.envelope.seq : entry.seq;
    const sessionId = entry.kind === "event" ? entry.envelope.session_id : entry.session_id;
    if (first && current !== null && (seq !== current.nextSeq || sessionId !== id)) return null;
    first = false;
    const next = fold(current, id, entry);
    if (typeof next === "string" || next === null) return current === null ? next : null;
    current = next;
    current.logBytes = line.end;
  }
  return current;
}

/**
 * One entry folded into a summary (null: none yet, so the entry must be the start). A string says
 * why the log cannot be summarized; null that it does not start as a session log.
 */
function fold(
  record: SessionSummaryRecord | null,
  id: string,
  entry: LogEntry,
): SessionSummaryRecord | string | null {
  if (entry.kind === "broken") return record;
  if (record === null) {
    if (entry.kind !== "event" || entry.envelope.type !== "session_started") return null;
    const { envelope } = entry;
    if (envelope.session_id !== id) return "the log belongs to another session";
    return {
      id,
      cwd: envelope.data.cwd,
      model: envelope.data.model,
      created: envelope.ts,
      updated: envelope.ts,
      title: "",
      turns: 0,
      fileTurns: [],
      undoneTurns: [],
      logBytes: 0,
      nextSeq: envelope.seq + 1,
      logMtime: null,
    };
  }
  if (entry.kind === "unknown") {
    record.updated = entry.ts;
    record.nextSeq = entry.seq + 1;
    return record;
  }
  const event = entry.envelope;
  record.updated = event.ts;
  record.nextSeq = event.seq + 1;
  switch (event.type) {
    case "user_message":
      if (record.turns === 0) record.title = titleOf(event.data.text);
      record.turns += 1;
      break;
    case "turn_started":
      record.model = event.data.model;
      break;
    case "file_snapshot":
      addTurn(record.fileTurns, event.data.turn);
      break;
    case "undo":
      addTurn(record.undoneTurns, event.data.turn);
      break;
  }
  return record;
}

/** Adds `turn` to an ascending list of turns, once. */
function addTurn(turns: number[], turn: number): void {
  if (turns.includes(turn)) return;
  turns.push(turn);
  turns.sort((a, b) => a - b);
}

/** The text on one line, cut to the title length with an ellipsis. */
function titleOf(text: string): string {
  const characters = [...text.replace(/\s+/g, " ").trim()];
  return characters.length <= TITLE_LENGTH
    ? characters.join("")
    : `${characters.slice(0, TITLE_LENGTH - 1).join("")}…`;
}

/** `value` as this session's summary record, or null when any field is missing or of a wrong type. */
function validRecord(value: unknown, id: string): SessionSummaryRecord | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const strings = ["id", "cwd", "model", "created", "updated", "title"] as const;
  const counts = ["turns", "logBytes", "nextSeq"] as const;
  const turnLists = ["fileTurns", "undoneTurns"] as const;
  if (v.format !== FORMAT || v.id !== id) return null;
  if (!strings.every((key) => typeof v[key] === "string")) return null;
  if (!counts.every((key) => Number.isSafeInteger(v[key]) && (v[key] as number) >= 0)) return null;
  if (v.logMtime !== null && !Number.isSafeInteger(v.logMtime)) return null;
  if (
    !turnLists.every((key) =>
      Array.isArray(v[key]) &&
      (v[key] as unknown[]).every((turn) => Number.isSafeInteger(turn) && (turn as number) > 0)
    )
  ) return null;
  return {
    id,
    cwd: v.cwd as string,
    model: v.model as string,
    created: v.created as string,
    updated: v.updated as string,
    title: v.title as string,
    turns: v.turns as number,
    fileTurns: v.fileTurns as number[],
    undoneTurns: v.undoneTurns as number[],
    logBytes: v.logBytes as number,
    nextSeq: v.nextSeq as number,
    logMtime: v.logMtime as number | null,
  };
}
