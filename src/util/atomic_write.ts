/**
 * Replacing a file's content atomically: the new content goes to a temp file in the same
 * directory, is synced, takes over the old file's mode, then is renamed over the target. Readers
 * see the old file or the new one, never a half-written mix.
 *
 * A temp file is locked (flock) from its creation until it is renamed or removed, so a process
 * killed in between leaves one that no one holds: `removeStaleTemps` sweeps those at the next start
 * without touching a temp another process is still writing.
 */

import { basename, dirname, join } from "node:path";

/** What a write did. */
export interface WriteOutcome {
  /** True when no file existed at the path before. */
  created: boolean;
  /** Bytes written. */
  bytes: number;
}

/** How the written file's permission bits are chosen. */
export interface WriteOptions {
  /**
   * Exactly these bits, whatever the umask and whatever the old file had; the temp file is
   * created with them, so the content is never readable more widely (for secrets: 0o600).
   * Without it, a new file gets the default mode (0666 less the umask) and an existing file
   * keeps its mode.
   */
  mode?: number;
  /**
   * False skips forcing the content to disk before the rename: for a cache that is checked when
   * read and rebuilt when wrong, where a sync per write would cost more than a lost write.
   */
  sync?: boolean;
}

/**
 * Writes `content` (text as UTF-8, or bytes as they are) to `path` atomically; the parent directory
 * must exist. Throws filesystem errors (`IsADirectory` when `path` is a directory); the temp file
 * never outlives a failure.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  const existingMode = await modeOf(path);
  const finalMode = options.mode ?? existingMode;
  const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
  await withTemp(
    path,
    data,
    options.mode,
    finalMode,
    (temp) => Deno.rename(temp, path),
    options.sync ?? true,
  );
  return { created: existingMode === undefined, bytes: data.length };
}

/**
 * Creates `path` with exactly `content` and `mode`, all at once: the content is written and synced
 * in a temp file that is then hard-linked into place. Throws `AlreadyExists` when `path` exists
 * (it is never replaced), and other filesystem errors; the temp file never outlives a failure.
 */
export async function linkNewFile(path: string, content: Uint8Array, mode: number): Promise<void> {
  await withTemp(path, content, mode, mode, async (temp) => {
    await Deno.link(temp, path);
    await Deno.remove(temp);
  });
}

/** A temp file's name: hidden, beside its target, unique, and recognisable by the sweeper. */
const TEMP_NAME = /^\..+\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/**
 * Writes `data` to a fresh locked temp file beside `path`, then lets `install` put it in place.
 * A sweeper may remove the temp in the instant between its creation and its lock; the write then
 * starts over once.
 */
async function withTemp(
  path: string,
  data: Uint8Array,
  createMode: number | undefined,
  finalMode: number | null | undefined,
  install: (temp: string) => Promise<void>,
  sync = true,
): Promise<void> {
  for (let attempt = 1;; attempt++) {
    const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
    const file = await Deno.open(temp, { write: true, createNew: true, mode: createMode ?? 0o666 });
    try {
      await file.lock(true);
      for (let offset = 0; offset < data.length;) offset += await file.write(data.subarray(offset));
      if (sync) await file.syncData();
      // The umask may have changed the mode at creation; set the intended one exactly.
      if (typeof finalMode === "number" && Deno.build.os !== "windows") {
        await Deno.chmod(temp, finalMode);
      }
      await install(temp);
      return;
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      // The folder was there when the temp was made, so a missing file is the sweeper's doing.
      if (!(error instanceof Deno.errors.NotFound) || attempt > 1) throw error;
    } finally {
      // Unlocked before the close: closing a handle an async call just used can lag behind it, and
      // the installed file (for a link, the same inode) must not look locked to its next user.
      await file.unlock().catch(() => {});
      file.close();
    }
  }
}

/**
 * Removes the temp files a killed writer left in `dir` (not its subfolders): those no process holds
 * locked. Returns their paths. A missing folder has none; other errors are thrown.
 */
export async function removeStaleTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  for (const entry of entries) {
    if (!entry.isFile || !TEMP_NAME.test(entry.name)) continue;
    const path = join(dir, entry.name);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch {
      continue; // renamed or removed meanwhile by its writer
    }
    try {
      if (!(await file.tryLock(true))) continue;
      await Deno.remove(path);
      removed.push(path);
    } catch {
      // Gone meanwhile, or not ours to remove: it stays for a later sweep.
    } finally {
      file.close();
    }
  }
  return removed;
}

/**
 * The permission bits of the file at `path`: undefined when nothing is there, null where the
 * platform has no modes (Windows).
 */
async function modeOf(path: string): Promise<number | null | undefined> {
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) throw new Deno.errors.IsADirectory(`${path} is a directory`);
    return info.mode === null ? null : info.mode & 0o7777;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
