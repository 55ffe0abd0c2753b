/**
 * Filesystem failures a person fixes (a read-only or full disk, a folder they may not write), told
 * apart from bugs so they are reported as such, naming the folder.
 */

import { dirname, join } from "node:path";

/** What stops a write, in terms a person can act on. */
export type StorageProblem = "read_only" | "no_space" | "no_permission";

/** A storage failure: what went wrong, and where. */
export interface StorageFailure {
  problem: StorageProblem;
  /** The OS error code (EROFS, ENOSPC, EDQUOT, EACCES, EPERM). */
  code: string;
  /** The file or folder the failing call named, when the error says. */
  path?: string;
  /** The folder that could not be written in, when known. */
  folder?: string;
}

const PROBLEMS: Readonly<Record<string, StorageProblem>> = {
  EROFS: "read_only",
  ENOSPC: "no_space",
  EDQUOT: "no_space",
  EACCES: "no_permission",
  EPERM: "no_permission",
};

/** The storage failure `error` is, or null when it is something else. */
export function storageFailureOf(error: unknown): StorageFailure | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !(code in PROBLEMS)) return null;
  // Deno names the call and its path last: "… (os error 30): open '/home/u/.pixir/auth.json'".
  const path = /: [a-z_]+ '([^']+)'(?: -> '[^']+')?$/.exec(error.message)?.[1];
  return { problem: PROBLEMS[code], code, path, folder: path && dirname(path) };
}

/**
 * Checks that files can be created in `dir` (made, 0700, when missing) by creating and removing a
 * small file there. Throws the filesystem error when they cannot.
 */
export async function probeWritable(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  // Named like an atomic write's temp file, so a probe a crash left behind is swept.
  const probe = join(dir, `.write-check.${crypto.randomUUID()}.tmp`);
  const file = await Deno.open(probe, { write: true, createNew: true, mode: 0o600 });
  file.close();
  await Deno.remove(probe);
}
