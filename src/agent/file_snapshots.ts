/**
 * Keeping what a turn's file tools change, so the turn can be undone without git. Before a tool
 * first changes a file in a turn, the file's content (or its absence) is kept as a blob at
 * `<sessionsDir>/<id>.snapshots/<turn>/<n>` and a `file_snapshot` event is logged; after each
 * change, a `file_changed` event records a hash of what the tool left. This runs on the host side:
 * the tools' Worker has no access to Pixir's data folder.
 */

import { writeFileAtomic } from "../util/atomic_write.ts";
import { join } from "node:path";
import type { CanonicalEvent, Envelope, FileSnapshotData } from "./event.ts";
import type { Session } from "./session.ts";
import { snapshotsDirOf } from "./session_dir.ts";
import { formatBytes } from "../tools/truncation.ts";

/** Files larger than this are recorded as not undoable instead of being copied. */
export const MAX_SNAPSHOT_BYTES = 10 * 1024 * 1024;

/** What a file tool's change is wrapped in. */
export interface FileSnapshots {
  /** Keeps the previous state of `path` (real, absolute) unless this turn already did. */
  beforeChange(path: string): Promise<void>;
  /** Records what a tool left in `path` after changing it. */
  afterChange(path: string): Promise<void>;
}

/** Where and how snapshots are kept. */
export interface FileSnapshotOptions {
  session: Session;
  /** Receives the logged events. */
  emit(envelope: Envelope<CanonicalEvent>): void | Promise<void>;
  /** Largest content kept, in bytes; default `MAX_SNAPSHOT_BYTES`. */
  maxBytes?: number;
}

/** SHA-256 of `bytes`, in hex. */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

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
    async beforeChange(path) {
      const turn = session.turns;
      const kept = snapshotsIn(session.events).filter((snapshot) => snapshot.turn === turn);
      if (kept.some((snapshot) => snapshot.path === path)) return;
      const state = await fileState(path, maxBytes);
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
    async afterChange(path) {
      const sha256 = await sha256Hex(await Deno.readFile(path));
      await record({
        type: "file_changed",
        data: { turn: session.turns, path, sha256 },
      });
    },
  };
}

/** A file's state before a change. */
type FileState =
  | { kind: "absent" }
  | { kind: "too_large"; size: number; mode: number | null }
  | { kind: "kept"; content: Uint8Array; mode: number | null };

async function fileState(path: string, maxBytes: number): Promise<FileState> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { kind: "absent" };
    throw error;
  }
  const mode = info.mode === null ? null : info.mode & 0o7777;
  if (info.size > maxBytes) return { kind: "too_large", size: info.size, mode };
  return { kind: "kept", content: await Deno.readFile(path), mode };
}

/** Writes a blob readable by its owner only, in folders only its owner can enter. */
async function writeBlob(path: string, content: Uint8Array): Promise<void> {
  const dir = join(path, "..");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  // Whole or absent: a blob cut short by a crash would restore a truncated file.
  await writeFileAtomic(path, content, { mode: 0o600 });
}
