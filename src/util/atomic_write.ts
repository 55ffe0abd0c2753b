/**
 * Replacing a file's content atomically: the new content goes to a temp file in the same
 * directory, is synced, takes over the old file's mode, then is renamed over the target. Readers
 * see the old file or the new one, never a half-written mix.
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
}

/**
 * Writes `content` (text as UTF-8, or bytes as they are) to `path` atomically; the parent directory must exist. Throws filesystem
 * errors (`IsADirectory` when `path` is a directory); the temp file never outlives a failure.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array,
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  const existingMode = await modeOf(path);
  const finalMode = options.mode ?? existingMode;
  const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
  const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  const file = await Deno.open(temp, { write: true, createNew: true, mode: options.mode ?? 0o666 });
  try {
    try {
      for (let offset = 0; offset < data.length;) offset += await file.write(data.subarray(offset));
      await file.syncData();
    } finally {
      file.close();
    }
    // The umask may have changed the mode at creation; set the intended one exactly.
    if (typeof finalMode === "number" && Deno.build.os !== "windows") {
      await Deno.chmod(temp, finalMode);
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    throw error;
  }
  return { created: existingMode === undefined, bytes: data.length };
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
