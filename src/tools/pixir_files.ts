/**
 * The identities (`dev:ino`) of Pixir's own files and folders — credentials and their lock, rules,
 * quota, settings, session logs — so the file tools can refuse them however they are reached: a
 * hardlink inside the workspace has another name but the same inode. Runs on the host side (the
 * tools' Worker cannot see Pixir's folders). The folders and their direct subfolders are scanned
 * two levels deep, and scanned again only when one of them changed (its mtime), so a call costs a
 * few `stat`s.
 */

import { join } from "node:path";
import { fileKey } from "./confined_file.ts";

/** Returns the current identities of the files in `folders` (Pixir's config and data folders). */
export function pixirFileKeys(folders: readonly string[]): () => Promise<string[]> {
  let scanned: { stamps: Map<string, number>; keys: string[] } | undefined;
  return async () => {
    if (scanned === undefined || !(await unchanged(scanned.stamps))) scanned = await scan(folders);
    return scanned.keys;
  };
}

/** True when every scanned folder still has the mtime it had. */
async function unchanged(stamps: ReadonlyMap<string, number>): Promise<boolean> {
  for (const [folder, stamp] of stamps) {
    if ((await stampOf(folder)) !== stamp) return false;
  }
  return true;
}

async function stampOf(folder: string): Promise<number> {
  try {
    return (await Deno.stat(folder)).mtime?.getTime() ?? -1;
  } catch {
    return -1; // Missing: it is scanned again once it appears.
  }
}

async function scan(
  folders: readonly string[],
): Promise<{ stamps: Map<string, number>; keys: string[] }> {
  const stamps = new Map<string, number>();
  const keys = new Set<string>();
  const visit = async (folder: string, depth: number) => {
    stamps.set(folder, await stampOf(folder));
    const self = await keyOf(folder);
    if (self !== null) keys.add(self);
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory && depth > 0) await visit(path, depth - 1);
      else if (entry.isFile) {
        const key = await keyOf(path);
        if (key !== null) keys.add(key);
      }
    }
  };
  for (const folder of folders) await visit(folder, 1);
  return { stamps, keys: [...keys] };
}

async function keyOf(path: string): Promise<string | null> {
  try {
    return fileKey(await Deno.lstat(path));
  } catch {
    return null;
  }
}
