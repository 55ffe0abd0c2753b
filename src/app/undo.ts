/** Undoing a turn's file changes: planned, then done unless it is a dry run. */

import { Failure } from "./failure.ts";
import type { UndoData } from "../agent/event.ts";
import type { Session } from "../agent/session.ts";
import { applyUndo, plannedUndo, planUndo } from "../agent/undo.ts";
import { listSessions } from "../agent/session_list.ts";
import { openNamedSession } from "./session_lookup.ts";

/** How an undo is asked for. */
export interface UndoChoice {
  turn?: number;
  dryRun: boolean;
  force: boolean;
}

/** Plans undoing a turn and, unless it is a dry run, does it; nothing to undo is a usage failure. */
export async function undoTurn(session: Session, choice: UndoChoice): Promise<UndoData> {
  const planned = await planUndo(session, { turn: choice.turn, force: choice.force });
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
 * The session `pixir undo` without an id means: the newest session of the workspace that has a
 * turn to undo (a later run that changed no file does not hide an earlier one that did); with
 * `--turn`, or when none has one, the newest session, whose own reason is then reported.
 */
export async function undoableSessionOf(
  sessionsDir: string,
  workspace: string,
  choice: UndoChoice & { now: () => number },
): Promise<string> {
  const { sessions } = await listSessions(sessionsDir);
  const mine = sessions.filter((session) => session.cwd === workspace);
  if (mine.length === 0) {
    throw new Failure("unknown_session", `no session found for workspace ${workspace}`, {
      hint: 'start one with: pixir run "…"',
    });
  }
  if (choice.turn !== undefined) return mine[0].id;
  for (const summary of mine) {
    const session = await openNamedSession(sessionsDir, { id: summary.id }, choice.now, true);
    if ((await planUndo(session, { force: choice.force })).ok) return summary.id;
  }
  return mine[0].id;
}

/** The command that undoes `turn` of session `id` whatever changed since, as it can be run. */
export function undoForceCommand(id: string, turn: number): string {
  return `pixir undo ${id} --turn ${turn} --force`;
}
