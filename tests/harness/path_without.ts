/**
 * A PATH on which one program is missing, for end-to-end runs "on a machine without it" (such as
 * bubblewrap): a folder of symlinks to every other program of the current PATH.
 */

import { join } from "node:path";

/** Fills `dir` with links to every program on `path` but `missing`; returns the new PATH. */
export async function pathWithout(
  missing: string,
  dir: string,
  path = Deno.env.get("PATH") ?? "",
): Promise<string> {
  const seen = new Set<string>([missing]);
  for (const folder of path.split(":").filter((entry) => entry !== "")) {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (seen.has(entry.name)) continue;
      seen.add(entry.name);
      await Deno.symlink(join(folder, entry.name), join(dir, entry.name));
    }
  }
  return dir;
}
