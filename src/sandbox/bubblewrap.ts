/**
 * The bubblewrap (Linux) command line for a SandboxLayout: the whole filesystem read-only, the
 * writable paths bound read-write, the workspace bound read-only again when it is not writable but
 * lies inside a writable path (a workspace under the temp dir with `--read-only`), Pixir's folders
 * covered by empty tmpfs mounts, a minimal /dev, its own pid namespace with its own /proc, and no
 * network unless allowed. Mount order matters: a later mount covers an earlier one, so parents are
 * mounted before their children and the hidden folders last.
 */

import { isAbsolute, relative, sep } from "node:path";
import type { SandboxLayout } from "./layout.ts";

/** The bwrap arguments (without `bwrap` itself) that run a program inside `layout`. */
export function bubblewrapArgs(layout: SandboxLayout): string[] {
  const args = layout.writable === "all" ? ["--bind", "/", "/"] : ["--ro-bind", "/", "/"];
  args.push("--dev", "/dev");
  if (layout.writable !== "all") {
    const binds = layout.writable.map((path) => ({ path, flag: "--bind-try" }));
    const writable = layout.writable;
    if (
      !writable.some((path) => path === layout.workspace) &&
      writable.some((path) => contains(path, layout.workspace))
    ) {
      binds.push({ path: layout.workspace, flag: "--ro-bind" });
    }
    binds.sort((a, b) => depth(a.path) - depth(b.path));
    for (const { path, flag } of binds) args.push(flag, path, path);
  }
  // Its own pid namespace and /proc: a command sees only its own processes, never Pixir's
  // /proc/<pid>/environ. Stopping bwrap (--die-with-parent, its process group) ends them all.
  args.push("--unshare-pid", "--proc", "/proc");
  for (const path of layout.hidden) args.push("--tmpfs", path);
  if (!layout.net) args.push("--unshare-net");
  args.push("--die-with-parent", "--chdir", layout.workspace, "--");
  return args;
}

/** True when `inner` is below `outer` (not equal to it). */
function contains(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel !== "" && !isAbsolute(rel) && rel.split(sep)[0] !== "..";
}

function depth(path: string): number {
  return path.split(sep).filter((part) => part !== "").length;
}
