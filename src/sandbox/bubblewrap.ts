/**
 * The bubblewrap (Linux) command line for a SandboxLayout: the whole filesystem read-only, the
 * writable paths bound read-write, Pixir's folders covered by empty tmpfs mounts, a minimal /dev,
 * and no network unless allowed. Mount order matters: later mounts cover earlier ones.
 */

import type { SandboxLayout } from "./layout.ts";

/** The bwrap arguments (without `bwrap` itself) that run a program inside `layout`. */
export function bubblewrapArgs(layout: SandboxLayout): string[] {
  const args = layout.writable === "all" ? ["--bind", "/", "/"] : ["--ro-bind", "/", "/"];
  // No pid namespace: Pixir stops a command by signalling its process group, which must stay
  // visible from outside, so /proc stays the host's (read-only).
  args.push("--dev", "/dev");
  if (layout.writable !== "all") {
    for (const path of layout.writable) args.push("--bind-try", path, path);
  }
  for (const path of layout.hidden) args.push("--tmpfs", path);
  if (!layout.net) args.push("--unshare-net");
  // --die-with-parent: killing bwrap (timeout, Ctrl+C) takes the whole sandbox down with it.
  args.push("--die-with-parent", "--chdir", layout.workspace, "--");
  return args;
}
