/**
 * Undoing a turn's file changes: planned, then done unless it is a dry run. The workspace's files
 * are read, restored and deleted by the file tools (the bubblewrap child that sees only the roots
 * where it works, else the Worker), with the same confinement as `write`, so a folder swapped for
 * a symlink while undo runs cannot make it write or delete anything outside.
 */

import { dirname } from "node:path";
import { Failure } from "./failure.ts";
import type { CanonicalEvent, Envelope, UndoData } from "../agent/event.ts";
import type { Session } from "../agent/session.ts";
import { MAX_SNAPSHOT_BYTES, sha256Hex, snapshotsIn } from "../agent/file_snapshots.ts";
import { applyUndo, plannedUndo, planUndo, type UndoFiles } from "../agent/undo.ts";
import { listSessions } from "../agent/session_list.ts";
import type { PixirPaths } from "../config/paths.ts";
import { type FileChange, FileToolWorker, startDenoWorker } from "../tools/file_worker.ts";
import { probeSandbox, runProgram, type SandboxStatus } from "../sandbox/os_sandbox.ts";
import { currentRuntime, sandboxedStarter } from "./file_tools_child.ts";
import { pixirFileKeys } from "../tools/pixir_files.ts";
import { isWithin } from "../tools/workspace.ts";
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
 * from the log read back to the start of the turn it concerns, never from the whole log. `paths`
 * are Pixir's folders, which undo never touches.
 */
export async function undoTurn(
  session: Session,
  choice: UndoChoice,
  paths: PixirPaths,
): Promise<UndoData> {
  const window = { path: session.path, events: await undoWindow(session, choice.turn) };
  const files = await confinedUndoFiles(session.started.cwd, window.events, paths);
  try {
    const planned = await planUndo(window, files, { turn: choice.turn, force: choice.force });
    if (!planned.ok) {
      throw new Failure("usage", planned.message, {
        hint: planned.forceTurn === undefined
          ? undefined
          : `to undo it again: ${undoForceCommand(session.id, planned.forceTurn)}`,
      });
    }
    return choice.dryRun
      ? plannedUndo(planned.plan)
      : await applyUndo(session, planned.plan, files);
  } finally {
    files.close();
  }
}

/**
 * Undo's access to the files of a session's `workspace`, through the file tools, whose roots are
 * the workspace and, for a file a run was granted outside it (`--allow-write`, as `events` show),
 * that file's folder.
 * `close` stops the Worker.
 */
export async function confinedUndoFiles(
  workspace: string,
  events: readonly Envelope<CanonicalEvent>[],
  paths: PixirPaths,
): Promise<UndoFiles & { close(): void }> {
  const outside = snapshotsIn(events)
    .map((snapshot) => dirname(snapshot.path))
    .filter((folder) => !isWithin(workspace, folder));
  const roots = [...new Set([workspace, ...outside])];
  const [configDir, dataDir] = await Promise.all([paths.configDir, paths.dataDir].map(realPath));
  const hidden = [...new Set([configDir, dataDir])];
  const access = { read: roots, write: roots, hidden };
  let sandbox: Promise<SandboxStatus> | undefined;
  const worker = new FileToolWorker({
    workspace,
    access,
    pixirFiles: pixirFileKeys(hidden),
    start: sandboxedStarter({
      sandbox: () => sandbox ??= probeSandbox(Deno.build.os, runProgram, workspace),
      workspace,
      access,
      runtime: currentRuntime(),
    }, startDenoWorker),
  });
  const signal = new AbortController().signal;
  return {
    async hash(path) {
      // Larger than any kept copy can be compared, yet bounded: a file is read whole to hash it.
      const prior = await worker.priorState(path, 4 * MAX_SNAPSHOT_BYTES, signal);
      if (!prior.ok) throw new Error(prior.error.message);
      switch (prior.state.kind) {
        case "absent":
          return null;
        case "too_large":
          throw new Error(`it is too large to compare (${prior.state.size} bytes)`);
        case "kept":
          return await sha256Hex(prior.state.content);
      }
    },
    async restore(path, content, mode) {
      succeeded(await worker.restore(path, content, mode, signal));
    },
    async remove(path) {
      succeeded(await worker.remove(path, signal));
    },
    close: () => worker.close(),
  };
}

function succeeded(change: FileChange): void {
  if (!change.ok) throw new Error(change.error.message);
}

/** A folder's real path when it exists, else the path as given. */
async function realPath(path: string): Promise<string> {
  try {
    return await Deno.realPath(path);
  } catch {
    return path;
  }
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
