/** Undoing a turn's file changes: planned, then done unless it is a dry run. */

import { Failure } from "./failure.ts";
import type { UndoData } from "../agent/event.ts";
import type { Session } from "../agent/session.ts";
import { applyUndo, plannedUndo, planUndo } from "../agent/undo.ts";

/** How an undo is asked for. */
export interface UndoChoice {
  turn?: number;
  dryRun: boolean;
  force: boolean;
}

/** Plans undoing a turn and, unless it is a dry run, does it; nothing to undo is a usage failure. */
export async function undoTurn(session: Session, choice: UndoChoice): Promise<UndoData> {
  const planned = await planUndo(session, { turn: choice.turn, force: choice.force });
  if (!planned.ok) throw new Failure("usage", planned.message);
  return choice.dryRun ? plannedUndo(planned.plan) : await applyUndo(session, planned.plan);
}
