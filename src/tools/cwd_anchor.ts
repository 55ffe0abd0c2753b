/**
 * The current-directory anchor: a symlink to `/proc/self/cwd`, kept in Pixir's data folder.
 *
 * Deno has no `openat`, and it resolves every path — relative ones too — through the *path* of the
 * current directory, so entering a folder does not anchor later calls to it. The kernel's
 * `/proc/self/cwd` does: it is a link to the current directory's inode, wherever that folder is
 * named now. Deno refuses `/proc/self` paths to a Worker without every permission, but it checks
 * the path text it is given, so a granted symlink to `/proc/self/cwd` reaches the pinned folder
 * itself: `<anchor>/NAME` is NAME in the folder the process entered, however the path to it is
 * swapped meanwhile. The link lives in Pixir's data folder, which sandboxed commands cannot see.
 */

import { isAbsolute, join } from "node:path";

/** What the anchor points at: the process's current directory, by inode (Linux procfs). */
export const ANCHOR_TARGET = "/proc/self/cwd";

/** The anchor's name inside Pixir's data folder. */
const ANCHOR_NAME = ".cwd-anchor";

/**
 * Makes sure `<folder>/.cwd-anchor` is a symlink to `/proc/self/cwd` and returns its path; null
 * where the kernel offers no such link (macOS, Windows, a Linux without /proc), or the folder is
 * not an absolute path or not writable. The link is replaced atomically if something else holds the name.
 */
export async function prepareCwdAnchor(folder: string): Promise<string | null> {
  if (!isAbsolute(folder) || Deno.build.os !== "linux" || !(await procCwdWorks())) return null;
  const anchor = join(folder, ANCHOR_NAME);
  try {
    if (await isAnchor(anchor)) return anchor;
    const temp = join(folder, `${ANCHOR_NAME}.${crypto.randomUUID()}.tmp`);
    await Deno.symlink(ANCHOR_TARGET, temp);
    try {
      await Deno.rename(temp, anchor);
    } catch (error) {
      await Deno.remove(temp).catch(() => {});
      throw error;
    }
    return (await isAnchor(anchor)) ? anchor : null;
  } catch {
    return null; // No anchor: the tools fall back to re-checking paths (see confined_file.ts).
  }
}

/** True when `path` is a symlink whose text is exactly `/proc/self/cwd`. */
async function isAnchor(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isSymlink && (await Deno.readLink(path)) === ANCHOR_TARGET;
  } catch {
    return false;
  }
}

/** True when `/proc/self/cwd` names this process's current directory. */
async function procCwdWorks(): Promise<boolean> {
  try {
    return (await Deno.readLink(ANCHOR_TARGET)) === Deno.cwd();
  } catch {
    return false;
  }
}

/**
 * Checks, in the scratch folder `scratch`, that a name read through an anchor resolves in the
 * entered folder even after that folder's path was swapped for a symlink to another one. Puts the
 * current directory back before returning.
 */
export async function anchorHolds(scratch: string): Promise<boolean> {
  await Deno.mkdir(scratch, { recursive: true });
  const anchor = await prepareCwdAnchor(scratch);
  if (anchor === null) return false;
  const before = Deno.cwd();
  const pinned = join(scratch, "pinned");
  const other = join(scratch, "other");
  try {
    await Deno.mkdir(pinned);
    await Deno.mkdir(other);
    await Deno.writeTextFile(join(pinned, "f"), "pinned");
    await Deno.writeTextFile(join(other, "f"), "other");
    Deno.chdir(pinned);
    await Deno.rename(pinned, join(scratch, "moved"));
    await Deno.symlink(other, pinned);
    return (await Deno.readTextFile(join(anchor, "f"))) === "pinned";
  } catch {
    return false;
  } finally {
    Deno.chdir(before);
  }
}
