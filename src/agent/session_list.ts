/**
 * Summaries of the sessions in the sessions folder, for `pixir sessions` and `--continue`. A summary
 * reads the first lines of a log (start facts and title) and its last lines (last activity and turn
 * count), never the whole of a long session.
 */

import type { CanonicalEvent, Envelope } from "./event.ts";
import { parseLogLine } from "./log_line.ts";
import { readLinesBackward, readLinesForward } from "./log_lines.ts";
import { sessionIds, sessionPath } from "./session_dir.ts";
import { turnNumberOf } from "./session_read.ts";

/** One line of a session listing. */
export interface SessionSummary {
  id: string;
  /** The workspace the session works in. */
  cwd: string;
  /** The model of the session's latest turn (the one it started with, before any turn). */
  model: string;
  /** When the session started (ISO 8601). */
  created: string;
  /** When its last event was logged (ISO 8601). */
  updated: string;
  /** The first user message on one line, at most 80 characters; empty before the first turn. */
  title: string;
  /** How many user messages (turns) the session has. */
  turns: number;
  /** The log file. */
  path: string;
}

/** The sessions found, newest activity first, and the logs that could not be summarized. */
export interface SessionListing {
  sessions: SessionSummary[];
  skipped: { path: string; reason: string }[];
}

const TITLE_LENGTH = 80;
/** Logs summarized at once. */
const CONCURRENCY = 16;
/**
 * Block sizes of the two readings: the start event and the first prompt are near the top, the last
 * turn's start near the end; a line longer than a block is joined from several.
 */
const HEAD_BLOCK = 4 * 1024;
const TAIL_BLOCK = 16 * 1024;

/** Summarizes every session log in the folder, most recently updated first. */
export async function listSessions(sessionsDir: string): Promise<SessionListing> {
  const listing: SessionListing = { sessions: [], skipped: [] };
  const ids = await sessionIds(sessionsDir);
  // A few logs at a time, so the waits on the disk overlap.
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      const path = sessionPath(sessionsDir, id);
      try {
        const summary = await summarize(id, path);
        if (typeof summary === "string") listing.skipped.push({ path, reason: summary });
        else listing.sessions.push(summary);
      } catch (error) {
        // An unreadable log (permissions, removed meanwhile) must not hide the others.
        listing.skipped.push({
          path,
          reason: error instanceof Error ? error.message : String(error),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
  listing.skipped.sort((a, b) => compare(a.path, b.path));
  // ISO timestamps and ids both sort chronologically as plain strings.
  listing.sessions.sort((a, b) => compare(b.updated, a.updated) || compare(b.id, a.id));
  return listing;
}

/** The most recently updated session whose workspace is `cwd`, or null. */
export async function latestSessionFor(
  sessionsDir: string,
  cwd: string,
): Promise<SessionSummary | null> {
  const { sessions } = await listSessions(sessionsDir);
  return sessions.find((session) => session.cwd === cwd) ?? null;
}

/** A session's summary, or why its log cannot be summarized. */
async function summarize(id: string, path: string): Promise<SessionSummary | string> {
  // One open for both ends: with many logs, opening them is most of the cost.
  using file = await Deno.open(path, { read: true });
  const head = await readHead(file);
  if (typeof head === "string") return head;
  if (head.start.session_id !== id) return "the log belongs to another session";
  const tail = await readTail(file);
  return {
    id,
    cwd: head.start.data.cwd,
    model: tail.model ?? head.start.data.model,
    created: head.start.ts,
    updated: tail.updated ?? head.start.ts,
    title: head.title,
    turns: tail.turns,
    path,
  };
}

type StartEnvelope = Envelope<Extract<CanonicalEvent, { type: "session_started" }>>;

/** The start event and the title, read from the beginning of the log. */
async function readHead(
  file: Deno.FsFile,
): Promise<{ start: StartEnvelope; title: string } | string> {
  let start: StartEnvelope | null = null;
  for await (const line of readLinesForward(file, HEAD_BLOCK)) {
    const parsed = line.text === null ? null : parseLogLine(line.text);
    if (!parsed?.ok) break;
    const { envelope } = parsed;
    if (start === null) {
      if (envelope.type !== "session_started") break;
      start = envelope;
    } else if (envelope.type === "user_message") {
      return { start, title: titleOf(envelope.data.text) };
    }
  }
  return start ? { start, title: "" } : "the log does not begin with a valid session_started event";
}

/**
 * The last activity, the turn count and the latest turn's model, read from the end of the log.
 * Turn numbers count user messages, so the last event that names its turn, plus any user messages
 * after it, gives the count; the reading goes on back to that turn's start for its model.
 */
async function readTail(
  file: Deno.FsFile,
): Promise<{ updated: string | null; turns: number; model: string | null }> {
  let updated: string | null = null;
  let laterUserMessages = 0;
  let turns: number | null = null;
  for await (const { text } of readLinesBackward(file, TAIL_BLOCK)) {
    const parsed = text === null ? null : parseLogLine(text);
    if (!parsed?.ok) continue; // a torn last line; openSession reports it
    const { envelope } = parsed;
    updated ??= envelope.ts;
    if (turns === null && envelope.type === "user_message") laterUserMessages += 1;
    if (envelope.type === "turn_started") {
      return {
        updated,
        turns: turns ?? envelope.data.turn + laterUserMessages,
        model: envelope.data.model,
      };
    }
    const turn = turnNumberOf(envelope);
    if (turns === null && turn !== null) turns = turn + laterUserMessages;
  }
  return { updated, turns: turns ?? laterUserMessages, model: null };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The text on one line, cut to the title length with an ellipsis. */
function titleOf(text: string): string {
  const characters = [...text.replace(/\s+/g, " ").trim()];
  return characters.length <= TITLE_LENGTH
    ? characters.join("")
    : `${characters.slice(0, TITLE_LENGTH - 1).join("")}…`;
}
