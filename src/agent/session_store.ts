/**
 * Looking after the sessions folder: removing a session (its log and its undo copies) and repairing
 * a log whose last line a crash tore. Both hold the session's writer lock, so a session in use is
 * never touched.
 */

import { join } from "node:path";
import { sessionPath, snapshotsDirOf } from "./session_dir.ts";
import { readWholeLog } from "./session_read.ts";
import { takeLease } from "./session.ts";
import { removeSummary } from "./session_summary.ts";

/**
 * Removes session `id` (a full id): its log, its summary, then the folder of file copies its undo keeps. Throws
 * `SessionInUseError` when another process holds it, `NotFound` when there is no such log.
 */
export async function removeSession(sessionsDir: string, id: string): Promise<void> {
  const path = sessionPath(sessionsDir, id);
  using _lease = await takeLease(path, id);
  await Deno.remove(path);
  await removeSummary(path);
  await Deno.remove(snapshotsDirOf(path), { recursive: true }).catch((error) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
}

/** What `repairSession` found and did. */
export type RepairReport =
  | { repaired: false; events: number }
  | {
    repaired: true;
    events: number;
    /** Why the cut line was unusable. */
    reason: string;
    /** Its 1-based line number. */
    line: number;
    /** Bytes removed from the end of the log. */
    bytes: number;
    /** The whole log as it was, kept before the cut. */
    backup: string;
  };

/**
 * Cuts a torn last line off the log of session `id` (a full id), after copying the log as it was
 * to `<log>.<stamp>.bak`. A log without one is left alone. Throws `SessionInUseError`, and
 * `CorruptSessionError` for a broken line before the last, which no cut can repair safely.
 */
export async function repairSession(
  sessionsDir: string,
  id: string,
  now: () => number,
): Promise<RepairReport> {
  const path = sessionPath(sessionsDir, id);
  using _lease = await takeLease(path, id);
  const state = await readWholeLog(id, path);
  if (state.torn === null || state.torn.line === null) {
    return { repaired: false, events: state.nextSeq };
  }
  const stamp = new Date(now()).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  const backup = join(sessionsDir, `${id}.ndjson.${stamp}.bak`);
  await Deno.copyFile(path, backup);
  await Deno.chmod(backup, 0o600).catch(() => undefined);
  await Deno.truncate(path, state.validLength);
  if (state.missingNewline) await Deno.writeTextFile(path, "\n", { append: true });
  return {
    repaired: true,
    events: state.nextSeq,
    reason: state.torn.reason,
    line: state.torn.line,
    bytes: state.torn.bytes,
    backup,
  };
}
