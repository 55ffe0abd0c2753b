/** Sweeping what a killed Pixir left half-done: temp files of atomic writes no process holds. */

import type { Io } from "../util/io.ts";
import { pathsFrom } from "./folders.ts";
import { removeStaleTemps } from "../util/atomic_write.ts";

/**
 * Removes stale temp files from Pixir's folders (config, data, sessions). Best effort and quiet: a
 * folder that cannot be read or written is reported by the command that needs it, not here.
 */
export async function sweepStaleFiles(io: Io): Promise<void> {
  let folders: string[];
  try {
    const paths = pathsFrom(io);
    folders = [...new Set([paths.configDir, paths.dataDir, paths.sessionsDir])];
  } catch {
    return; // no home folder: the command says so itself
  }
  for (const folder of folders) await removeStaleTemps(folder).catch(() => []);
}
