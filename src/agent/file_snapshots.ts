/**
 * Keeping what a turn's file tools change, so the turn can be undone without git. Before a tool
 * first changes a file in a turn, the file's content (or its absence) is kept as a blob at
 * `<sessionsDir>/<id>.snapshots/<turn>/<n>` and a `file_snapshot` event is logged; after each
 * change, a `file_changed` event records a hash of what the tool left. The file is read by the
 * tools (in their Worker, race-free, never a FIFO or a file outside the roots); the copy is kept
 * on the host side, because the Worker has no access to Pixir's data folder.
 */

import { writeFileAtomic } from "../util/atomic_write.ts";
import { join } from "node:path";
import type { CanonicalEvent, Envelope, FileSnapshotData } from "./event.ts";
import type { Session } from "./session.ts";
import { snapshotsDirOf } from "./session_dir.ts";
import { formatBytes } from "../tools/truncation.ts";
import type { FileState } from "../tools/prior_state.ts";

/** Files larger than this are recorded as not undoable instead of being copied. */
export const MAX_SNAPSHOT_BYTES = 10 * 1024 * 1024;

/** What a file tool's change is wrapped in. */
export interface FileSnapshots {
  /** Largest content kept, in bytes: a bigger file is recorded as not undoable. */
  maxBytes: number;
  /**
   * Keeps `state`, the previous state of `path` (real, absolute), unless this turn already kept
   * that path. The state is read by the file tools' own race-free opening (in their Worker).
   */
  beforeChange(path: string, state: FileState): Promise<void>;
  /** Records the SHA-256 of what a tool left in `path` after changing it. */
  afterChange(path: string, sha256: string): Promise<void>;
}

/** Where and how snapshots are kept. */
export interface FileSnapshotOptions {
  session: Session;
  /** Receives the logged events. */
  emit(envelope: Envelope<CanonicalEvent>): void | Promise<void>;
  /** Largest content kept, in bytes; default `MAX_SNAPSHOT_BYTES`. */
  maxBytes?: number;
}

export { sha256Hex } from "../util/sha256.ts";

/** The snapshot events a session logged. */
export function snapshotsIn(events: readonly Envelope<CanonicalEvent>[]): FileSnapshotData[] {
  return events.flatMap((event) => event.type === "file_snapshot" ? [event.data] : []);
}

/** Snapshots for `options.session`, kept in its snapshot folder. */
export function fileSnapshots(options: FileSnapshotOptions): FileSnapshots {
  const { session } = options;
  const maxBytes = options.maxBytes ?? MAX_SNAPSHOT_BYTES;
  const record = async (event: CanonicalEvent) => {
    await options.emit(await session.append(event));
  };
  return {
    maxBytes,
    async beforeChange(path, state) {
      const turn = session.turns;
      const kept = snapshotsIn(session.events).filter((snapshot) => snapshot.turn === turn);
      if (kept.some((snapshot) => snapshot.path === path)) return;
      const base = { turn, path, existed: state.kind !== "absent" };
      if (state.kind === "absent") {
        await record({ type: "file_snapshot", data: { ...base, size: 0, mode: null } });
      } else if (state.kind === "too_large") {
        const not_undoable = `larger than ${formatBytes(maxBytes)}, so its content was not kept`;
        await record({
          type: "file_snapshot",
          data: { ...base, size: state.size, mode: state.mode, not_undoable },
        });
      } else {
        const blob = `${turn}/${kept.length + 1}`;
        await writeBlob(join(snapshotsDirOf(session.path), blob), state.content);
        await record({
          type: "file_snapshot",
          data: { ...base, blob, size: state.content.length, mode: state.mode },
        });
      }
      // The copy must outlive a crash during the change it guards against.
      await session.flush();
    },
    async afterChange(path, sha256) {
      await record({
        type: "file_changed",
        data: { turn: session.turns, path, sha256 },
      });
    },
  };
}

/** Writes a blob readable by its owner only, in folders only its owner can enter. */
async function writeBlob(path: string, content: Uint8Array): Promise<void> {
  const dir = join(path, "..");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  // Whole or absent: a blob cut short by a crash would restore a truncated file.
  await writeFileAtomic(path, content, { mode: 0o600 });
}
