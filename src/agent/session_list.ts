/**
 * Summaries of the sessions in the sessions folder, for `pixir sessions`, `--continue`, the chat's
 * `/resume` and `pixir undo`. Each comes from the summary kept beside the log
 * (`session_summary.ts`): a session whose summary covers its log costs a stat and a small read, and
 * the log is read only from where its summary ends (all of it only when the summary is missing).
 */

import { currentSummary, saveSummary, type SessionSummaryRecord } from "./session_summary.ts";
import { sessionIds, sessionPath } from "./session_dir.ts";

/** One line of a session listing: the listing facts its summary keeps, and where its log is. */
export interface SessionSummary extends
  Pick<
    SessionSummaryRecord,
    "id" | "cwd" | "model" | "created" | "updated" | "title" | "turns"
  > {
  /** The log file. */
  path: string;
}

/** A listed session with what undo needs to know without reading its log. */
export interface ListedSession extends SessionSummary {
  /** Turns whose write/edit tools kept files for undo, ascending. */
  fileTurns: readonly number[];
  /** Turns undone, ascending. */
  undoneTurns: readonly number[];
}

/** The sessions found, newest activity first, and the logs that could not be summarized. */
export interface SessionListing {
  sessions: ListedSession[];
  skipped: { path: string; reason: string }[];
}

/** Logs summarized at once. */
const CONCURRENCY = 16;

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
): Promise<ListedSession | null> {
  const { sessions } = await listSessions(sessionsDir);
  return sessions.find((session) => session.cwd === cwd) ?? null;
}

/** A session's listing entry, or why its log cannot be summarized; a stale summary is saved. */
async function summarize(id: string, path: string): Promise<ListedSession | string> {
  const current = await currentSummary(id, path);
  if (typeof current === "string") return current;
  const { record } = current;
  if (current.stale) await saveSummary(path, record);
  return {
    id,
    cwd: record.cwd,
    model: record.model,
    created: record.created,
    updated: record.updated,
    title: record.title,
    turns: record.turns,
    path,
    fileTurns: record.fileTurns,
    undoneTurns: record.undoneTurns,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
