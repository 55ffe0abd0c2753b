/**
 * Undoing one turn's file changes from the snapshots its tools left (see `file_snapshots.ts`):
 * files the turn created are deleted, files it changed get their previous content and mode back.
 * A file that changed again after the turn is left alone unless forced. The undo is logged as an
 * `undo` event. Changes made by shell commands were never snapshotted and are not undone.
 *
 * The workspace's files are read, written and deleted only through `UndoFiles`, which the caller
 * gives the file tools' confinement (a folder swapped for a symlink cannot redirect an undo); the
 * kept copies are Pixir's own data and are read here.
 */

import { join } from "node:path";
import type { FileSnapshotData, UndoData } from "./event.ts";
import type { Session } from "./session.ts";
import { snapshotsDirOf } from "./session_dir.ts";
import { sha256Hex, snapshotsIn } from "./file_snapshots.ts";

/**
 * How undo touches the workspace's files. Each method throws an Error whose message says why a
 * file could not be read, written or deleted.
 */
export interface UndoFiles {
  /** The SHA-256 (hex) of what `path` holds now; null when nothing is there. */
  hash(path: string): Promise<string | null>;
  /** Puts `content` at `path` with `mode` (when known), creating missing folders. */
  restore(path: string, content: Uint8Array<ArrayBuffer>, mode: number | null): Promise<void>;
  /** Deletes the file at `path`. */
  remove(path: string): Promise<void>;
}

/** What undo does to one file. */
export type UndoAction =
  | { kind: "restore"; path: string; blob: string; mode: number | null }
  | { kind: "delete"; path: string }
  | { kind: "skip"; path: string; reason: string };

/** The actions undoing one turn takes, in the order its tools first changed the files. */
export interface UndoPlan {
  turn: number;
  actions: UndoAction[];
}

/** Which turn to undo and how. */
export interface UndoRequest {
  /** The turn; default: the newest turn with file changes that was not undone yet. */
  turn?: number;
  /** Restore files even when they changed after the turn, and undo a turn again. */
  force?: boolean;
}

/**
 * A plan, or why there is nothing to undo; `forceTurn` is set when forcing that turn would undo it
 * (it was undone already).
 */
export type PlanOutcome =
  | { ok: true; plan: UndoPlan }
  | { ok: false; message: string; forceTurn?: number };

/** The note every undo report carries. */
export const SHELL_NOT_COVERED =
  "changes made by shell commands are not covered: only the write and edit tools are undone";

/**
 * The turn `request` means, or why there is nothing to undo; decided from the log alone (the
 * files are not looked at).
 */
function turnToUndo(
  session: Pick<Session, "events">,
  request: UndoRequest = {},
): { ok: true; turn: number } | (PlanOutcome & { ok: false }) {
  const events = session.events;
  const undone = new Set(events.flatMap((e) => e.type === "undo" ? [e.data.turn] : []));
  const turns = [...new Set(snapshotsIn(events).map((snapshot) => snapshot.turn))];
  const turn = request.turn ?? turns.filter((t) => !undone.has(t)).at(-1);
  if (turn === undefined) {
    return {
      ok: false,
      message: turns.length === 0
        ? "nothing to undo: no turn of this session changed a file with write or edit"
        : "nothing to undo: every turn that changed files was already undone",
    };
  }
  if (!turns.includes(turn)) {
    return {
      ok: false,
      message: `nothing to undo: turn ${turn} changed no file with write or edit`,
    };
  }
  if (undone.has(turn) && !request.force) {
    return { ok: false, message: `turn ${turn} was already undone`, forceTurn: turn };
  }
  return { ok: true, turn };
}

/**
 * Plans undoing a turn of `session` by comparing its files (read through `files`) with what the
 * turn left. Its `events` must hold at least everything from the start of the turn to undo (see
 * `undoWindow`).
 */
export async function planUndo(
  session: Pick<Session, "events" | "path">,
  files: UndoFiles,
  request: UndoRequest = {},
): Promise<PlanOutcome> {
  const chosen = turnToUndo(session, request);
  if (!chosen.ok) return chosen;
  const { turn } = chosen;
  const events = session.events;
  const snapshots = snapshotsIn(events);
  // The hash of what each change left; the last one of the turn is what the turn left.
  const left = new Map<string, string>();
  const laterTurn = new Map<string, number>();
  for (const event of events) {
    if (event.type !== "file_changed") continue;
    const { path } = event.data;
    if (event.data.turn === turn) left.set(path, event.data.sha256);
    if (event.data.turn > turn && !laterTurn.has(path)) laterTurn.set(path, event.data.turn);
  }
  const dir = snapshotsDirOf(session.path);
  const actions: UndoAction[] = [];
  for (const snapshot of snapshots.filter((s) => s.turn === turn)) {
    const action = await actionFor(snapshot, dir, files, {
      left: left.get(snapshot.path),
      laterTurn: laterTurn.get(snapshot.path),
      force: request.force ?? false,
    });
    if (action !== null) actions.push(action);
  }
  return { ok: true, plan: { turn, actions } };
}

/** What is known about a file beyond its snapshot. */
interface FileFacts {
  /** Hash of what the turn left in it; absent when the change was not recorded. */
  left: string | undefined;
  /** The first later turn that changed it too. */
  laterTurn: number | undefined;
  force: boolean;
}

/** The action for one snapshotted file; null when the turn left it as it was. */
async function actionFor(
  snapshot: FileSnapshotData,
  dir: string,
  files: UndoFiles,
  facts: FileFacts,
): Promise<UndoAction | null> {
  const { path, blob } = snapshot;
  if (snapshot.not_undoable !== undefined) {
    return { kind: "skip", path, reason: `not undoable: ${snapshot.not_undoable}` };
  }
  const before = blob === undefined ? null : await readBlob(dir, blob);
  if (snapshot.existed && before === null) {
    return { kind: "skip", path, reason: "its kept copy is missing from the session's data" };
  }
  let nowHash: string | null;
  try {
    nowHash = await files.hash(path);
  } catch (error) {
    return { kind: "skip", path, reason: `could not read it: ${reasonOf(error)}` };
  }
  const beforeHash = before === null ? null : await sha256Hex(before);
  // Already as it was before the turn (a failed edit, or restored by hand): nothing to do.
  if (nowHash === beforeHash) return null;
  if (nowHash !== facts.left && !facts.force) {
    const reason = facts.left === undefined
      ? "it changed, but what the turn left was not recorded"
      : facts.laterTurn !== undefined
      ? `turn ${facts.laterTurn} changed it again`
      : nowHash === null
      ? "it was deleted after the turn"
      : "it changed after the turn";
    return { kind: "skip", path, reason };
  }
  // A file that existed has its copy (checked above); one without a copy was created by the turn.
  return blob === undefined || !snapshot.existed
    ? { kind: "delete", path }
    : { kind: "restore", path, blob, mode: snapshot.mode };
}

/**
 * Carries out `plan` and logs it as an `undo` event. A file that cannot be restored or removed is
 * reported as skipped with the reason; the other files are still undone.
 */
export async function applyUndo(
  session: Session,
  plan: UndoPlan,
  files: UndoFiles,
): Promise<UndoData> {
  const dir = snapshotsDirOf(session.path);
  const result: UndoData = { turn: plan.turn, restored: [], deleted: [], skipped: [] };
  for (const action of plan.actions) {
    try {
      switch (action.kind) {
        case "restore": {
          const content = await readBlob(dir, action.blob);
          if (content === null) throw new Error("its kept copy is missing");
          await files.restore(action.path, content, action.mode);
          result.restored.push(action.path);
          break;
        }
        case "delete":
          await files.remove(action.path);
          result.deleted.push(action.path);
          break;
        case "skip":
          result.skipped.push({ path: action.path, reason: action.reason });
          break;
      }
    } catch (error) {
      result.skipped.push({ path: action.path, reason: `could not undo: ${reasonOf(error)}` });
    }
  }
  await session.append({ type: "undo", data: result });
  await session.flush();
  return result;
}

/** Blob names are `<turn>/<n>`; anything else in a log is refused rather than followed. */
const BLOB_NAME = /^\d+\/\d+$/;

/** A kept copy's content; null when it is missing or its name is not a blob name. */
async function readBlob(dir: string, blob: string): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!BLOB_NAME.test(blob)) return null;
  try {
    return await Deno.readFile(join(dir, blob));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What `plan` would do, in the shape of the `undo` event, without doing it. */
export function plannedUndo(plan: UndoPlan): UndoData {
  const paths = (kind: UndoAction["kind"]) =>
    plan.actions.flatMap((action) => action.kind === kind ? [action.path] : []);
  return {
    turn: plan.turn,
    restored: paths("restore"),
    deleted: paths("delete"),
    skipped: plan.actions.flatMap((action) =>
      action.kind === "skip" ? [{ path: action.path, reason: action.reason }] : []
    ),
  };
}
