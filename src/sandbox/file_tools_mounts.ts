/**
 * The bubblewrap command line for the file tools' child process: unlike a shell command's sandbox
 * (the whole filesystem read-only), the child sees only what it needs — the system's programs and
 * libraries and Pixir's own runtime, read-only, and the granted roots (read-only, or read-write
 * for the write roots) — with Pixir's folders covered by empty tmpfs mounts wherever a mount would
 * show them. A path the tools resolve, however a folder is swapped for a symlink meanwhile, can
 * only land inside those mounts: a symlink to Pixir's folder, or anywhere else, leads nowhere.
 */

import { isAbsolute, relative, sep } from "node:path";

/** What the child may see. Every path absolute. */
export interface FileToolsMounts {
  /** The child's working directory (the workspace). */
  workspace: string;
  /** Granted roots the tools read. */
  read: readonly string[];
  /** Granted roots the tools write (bound read-write). */
  write: readonly string[];
  /** What running the child needs, bound read-only: its executable's folder, its code, caches. */
  runtime: readonly string[];
  /** Pixir's own folders, covered wherever a mount would show them. */
  hidden: readonly string[];
}

/** How a system path looks on this machine: a folder or file to bind, or a symlink to re-create. */
export type SystemPath =
  | { path: string; kind: "bind" }
  | { path: string; kind: "symlink"; target: string };

/** Where programs and their shared libraries live on Linux. */
export const SYSTEM_PATHS: readonly string[] = [
  "/usr",
  "/lib",
  "/lib32",
  "/lib64",
  "/bin",
  "/sbin",
  "/etc/ld.so.cache",
];

/** The bwrap arguments (without `bwrap` itself) that run a program with only `mounts` visible. */
export function fileToolsBubblewrapArgs(
  mounts: FileToolsMounts,
  system: readonly SystemPath[],
): string[] {
  const args = ["--unshare-all", "--die-with-parent", "--new-session"];
  for (const entry of system) {
    if (entry.kind === "symlink") args.push("--symlink", entry.target, entry.path);
    else args.push("--ro-bind-try", entry.path, entry.path);
  }
  // A fresh /tmp: the machine's is not a root unless granted (then bound below, over this one).
  args.push("--tmpfs", "/tmp");
  const hidden = (path: string) => mounts.hidden.some((h) => within(h, path));
  const binds = [
    ...mounts.runtime.map((path) => ({ path, flag: "--ro-bind-try", order: 0 })),
    ...mounts.read.map((path) => ({ path, flag: "--ro-bind-try", order: 1 })),
    ...mounts.write.map((path) => ({ path, flag: "--bind-try", order: 1 })),
  ].filter(({ path }) => !hidden(path));
  // Runtime first, then roots parents before children (a later mount covers an earlier one); a
  // root both read and written is bound once, writable.
  binds.sort((a, b) => a.order - b.order || depth(a.path) - depth(b.path));
  const bound = new Map<string, string>();
  for (const { path, flag } of binds) {
    if (bound.get(path) === "--bind-try") continue;
    bound.set(path, flag);
  }
  for (const [path, flag] of bound) args.push(flag, path, path);
  args.push("--dev", "/dev", "--proc", "/proc");
  const shown = [...bound.keys()];
  for (const path of mounts.hidden) {
    if (shown.some((root) => within(root, path))) args.push("--tmpfs", path);
  }
  args.push("--chdir", mounts.workspace, "--");
  return args;
}

/** How each of `paths` looks on this machine (missing ones left out). */
export async function systemPaths(paths: readonly string[] = SYSTEM_PATHS): Promise<SystemPath[]> {
  const found: SystemPath[] = [];
  for (const path of paths) {
    try {
      const info = await Deno.lstat(path);
      found.push(
        info.isSymlink
          ? { path, kind: "symlink", target: await Deno.readLink(path) }
          : { path, kind: "bind" },
      );
    } catch {
      // Not on this machine.
    }
  }
  return found;
}

/** True when `path` is `root` or below it. */
function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel.split(sep)[0] !== "..");
}

function depth(path: string): number {
  return path.split(sep).filter((part) => part !== "").length;
}
