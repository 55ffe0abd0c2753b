/**
 * Git's configuration is code: it names programs that even read-only git commands run (fsmonitor,
 * hooks, diff drivers). So file tools never write where git would read configuration from:
 * inside any `.git` (a folder, or the `.git` file that points elsewhere), a `.gitconfig`, a
 * `.config/git/` folder, or the files that make a folder a bare repository (`HEAD`, `config`,
 * `commondir`) in the workspace or any folder above it, where git looks for a repository.
 */

import { dirname, isAbsolute, relative, sep } from "node:path";

/** Characters some file systems ignore in names (macOS), so `.g\u200cit` is `.git` there. */
const IGNORED_IN_NAMES = /[\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/g;

/** Names that make a folder a repository git finds on its own (a bare layout). */
const BARE_REPOSITORY_FILES = new Set(["head", "config", "commondir"]);

/**
 * Why writing `real` (an absolute real path below `root`, a writable root of the tools) would let
 * a file steer git, or null when it would not. `workspace` is where git commands run.
 */
export function gitConfigRefusal(workspace: string, root: string, real: string): string | null {
  // Compared the way a case-insensitive file system would (`.GIT`, `.GitConfig`).
  const fold = (path: string) => path.replace(IGNORED_IN_NAMES, "").toLowerCase();
  const inRoot = fold(relative(root, real)).split(sep);
  if (inRoot.includes(".git")) return "is inside a .git folder (or is one)";
  const segments = fold(real).split(sep);
  const name = segments[segments.length - 1];
  if (name === ".gitconfig") return "is a git configuration file";
  if (segments.some((s, i) => s === ".config" && segments[i + 1] === "git")) {
    return "is in git's configuration folder (.config/git)";
  }
  if (BARE_REPOSITORY_FILES.has(name) && isAncestorOrSelf(dirname(real), workspace)) {
    return `would make ${dirname(real)} look like a bare git repository`;
  }
  return null;
}

/** True when `folder` is `path` or one of the folders above it. */
function isAncestorOrSelf(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!isAbsolute(rel) && rel.split(sep)[0] !== "..");
}
