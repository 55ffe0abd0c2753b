/**
 * The sessions folder: one `<id>.ndjson` log per session. Owns how an id maps to a path and how a
 * user's id or unique prefix is resolved, so no other code builds a session path from user input.
 */

import { join } from "node:path";
import { AmbiguousSessionError, UnknownSessionError } from "./session_error.ts";
import { isSessionIdQuery, SESSION_ID_PATTERN } from "./session_id.ts";

const EXTENSION = ".ndjson";

/** The log file of session `id` (an id already known to be well-formed). */
export function sessionPath(sessionsDir: string, id: string): string {
  return join(sessionsDir, `${id}${EXTENSION}`);
}

/** The folder beside a session's log that keeps the file contents its turns may undo. */
export function snapshotsDirOf(logPath: string): string {
  const stem = logPath.endsWith(EXTENSION) ? logPath.slice(0, -EXTENSION.length) : logPath;
  return `${stem}.snapshots`;
}

/** Ids of every session log in the folder, sorted oldest first; none when the folder is missing. */
export async function sessionIds(sessionsDir: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const entry of Deno.readDir(sessionsDir)) {
      if (!entry.isFile || !entry.name.endsWith(EXTENSION)) continue;
      const id = entry.name.slice(0, -EXTENSION.length);
      if (SESSION_ID_PATTERN.test(id)) ids.push(id);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return ids.sort();
}

/**
 * The one session id that `query` names, exactly or as a unique prefix. Throws
 * `UnknownSessionError` for no match or for text that cannot be an id (path separators, `..`),
 * and `AmbiguousSessionError` when several sessions share the prefix.
 */
export async function resolveSessionId(sessionsDir: string, query: string): Promise<string> {
  if (!isSessionIdQuery(query)) throw new UnknownSessionError(query, "invalid_id");
  const matches = (await sessionIds(sessionsDir)).filter((id) => id.startsWith(query));
  if (matches.length === 0) throw new UnknownSessionError(query, "not_found");
  // Ids all have the same length, so a full id can never be a prefix of another one.
  if (matches.length > 1) throw new AmbiguousSessionError(query, matches);
  return matches[0];
}
