/** Undoing a turn's file changes: planned, then done unless it is a dry run. */

import { Failure } from "./failure.ts";
import type { CanonicalEvent, Envelope, UndoData } from "../agent/event.ts";
import type { Session } from "../agent/session.ts";
import { applyUndo, plannedUndo, planUndo } from "../agent/undo.ts";
import { listSessions } from "../agent/session_list.ts";
import { readLogFromTurn } from "../agent/session_read.ts";
import { currentSummary } from "../agent/session_summary.ts";

/** How an undo is asked for. */
export interface UndoChoice {
  turn?: number;
  dryRun: boolean;
  force: boolean;
}

/**
 * Plans undoing a turn and, unless it is a dry run, does it; nothing to undo is a usage failure.
 * The session may hold only its recent events (opened from its last compaction): the plan is made
 * from the log read back to the start of the turn it concerns, never from the whole log.
 */
export async function undoTurn(session: Session, choice: UndoChoice): Promise<UndoData> {
  const window = { path: session.path, events: await undoWindow(session, choice.turn) };
  const planned = await planUndo(window, { turn: choice.turn, force: choice.force });
  if (!planned.ok) {
    throw new Failure("usage", planned.message, {
      hint: planned.forceTurn === undefined
        ? undefined
        : `to undo it again: ${undoForceCommand(session.id, planned.forceTurn)}`,
    });
  }
  return choice.dryRun ? plannedUndo(planned.plan) : await applyUndo(session, planned.plan);
}

/**
 * The events undoing `turn` (default: the newest turn with kept files not undone yet) is judged
 * from: the log from that turn's start on. The session's summary names the turn without reading
 * the log; when no turn is left to undo, the newest one that changed files (or the last turn) is
 * read, so the reason given is the same as from the whole log.
 */
async function undoWindow(
  session: Session,
  turn: number | undefined,
): Promise<readonly Envelope<CanonicalEvent>[]> {
  const summary = await currentSummary(session.id, session.path);
  if (typeof summary === "string") return session.events;
  const { fileTurns, undoneTurns, turns } = summary.record;
  const from = turn !== undefined
    ? Math.min(turn, turns)
    : fileTurns.filter((t) => !undoneTurns.includes(t)).at(-1) ?? fileTurns.at(-1) ?? turns;
  if (from < 1) return session.events;
  return (await readLogFromTurn(session.id, session.path, from)).events;
}

/**
 * The session `pixir undo` without an id means: the newest session of the workspace that has a
 * turn to undo (a later run that changed no file does not hide an earlier one that did); with
 * `--turn`, or when none has one, the newest session, whose own reason is then reported.
 */
export async function undoableSessionOf(
  sessionsDir: string,
  workspace: string,
  choice: UndoChoice,
): Promise<string> {
  const { sessions } = await listSessions(sessionsDir);
  const mine = sessions.filter((session) => session.cwd === workspace);
  if (mine.length === 0) {
    throw new Failure("unknown_session", `no session found for workspace ${workspace}`, {
      hint: 'start one with: pixir run "…"',
    });
  }
  if (choice.turn !== undefined) return mine[0].id;
  // The listing's summaries say which turns kept files and which were undone: no log is read.
  const undoable = mine.find((s) => s.fileTurns.some((t) => !s.undoneTurns.includes(t)));
  return (undoable ?? mine[0]).id;
}

/** The command that undoes `turn` of session `id` whatever changed since, as it can be run. */
export function undoForceCommand(id: string, turn: number): string {
  return `pixir undo ${id} --turn ${turn} --force`;
}
