/**
 * Walking a directory tree for find and grep: depth first in name order, never into symlinked
 * directories (so a walk cannot leave the tree or loop), skipping noise, bounded and abortable.
 */

import { join } from "node:path";
import { mentionsSegment } from "./glob.ts";

/** One entry met on the walk. */
export interface WalkEntry {
  /** Absolute path. */
  path: string;
  /** Path relative to the walk's root, with `/` between segments. */
  relative: string;
  /** Symlinks are reported as such and never followed. */
  kind: "file" | "directory" | "symlink" | "other";
}

/** How far a walk goes. */
export interface WalkOptions {
  /** Names of directories not descended into. */
  skip: ReadonlySet<string>;
  /** The walk stops after visiting this many entries. */
  maxEntries: number;
  signal: AbortSignal;
  /** Lists a folder's entries; default `Deno.readDir`. File tools pass a race-free listing. */
  list?: (dir: string) => AsyncIterable<Deno.DirEntry> | Promise<Iterable<Deno.DirEntry>>;
}

/** How a walk ended. */
export interface WalkSummary {
  /** `limit`: maxEntries reached; `stopped`: the visitor asked to stop. */
  end: "complete" | "limit" | "stopped" | "aborted";
  visited: number;
  /** Directories below the root that could not be listed (permissions, races). */
  unreadable: number;
}

/** Directories that are almost never what a search is after. */
export const NOISE_DIRECTORIES: readonly string[] = [".git", "node_modules"];

/** Entries visited before a walk gives up: enough for big repositories, bounded for `/`. */
export const DEFAULT_MAX_ENTRIES = 100_000;

/** The noise directories to skip, keeping any that one of `patterns` names explicitly. */
export function skippedDirectories(patterns: readonly string[]): Set<string> {
  return new Set(
    NOISE_DIRECTORIES.filter((name) => !patterns.some((p) => mentionsSegment(p, name))),
  );
}

/**
 * Visits every entry below `root` (not `root` itself), parents before children, siblings in name
 * order; skipped directories are neither visited nor entered. `visit` returns false to stop the
 * walk. An unreadable root throws; an unreadable subdirectory is counted and skipped.
 */
export async function walkTree(
  root: string,
  options: WalkOptions,
  visit: (entry: WalkEntry) => boolean | void | Promise<boolean | void>,
): Promise<WalkSummary> {
  const summary: WalkSummary = { end: "complete", visited: 0, unreadable: 0 };
  const stack: WalkEntry[] = [];
  const pushChildren = async (dir: string, relative: string) => {
    const children = await listDirectory(dir, relative, options.list ?? Deno.readDir);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  };
  await pushChildren(root, "");
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    if (options.signal.aborted) return { ...summary, end: "aborted" };
    if (entry.kind === "directory" && options.skip.has(baseName(entry.relative))) continue;
    if (summary.visited >= options.maxEntries) return { ...summary, end: "limit" };
    summary.visited++;
    if ((await visit(entry)) === false) return { ...summary, end: "stopped" };
    if (entry.kind !== "directory") continue;
    try {
      await pushChildren(entry.path, entry.relative);
    } catch {
      summary.unreadable++;
    }
  }
  return summary;
}

async function listDirectory(
  dir: string,
  relative: string,
  list: NonNullable<WalkOptions["list"]>,
): Promise<WalkEntry[]> {
  const entries: WalkEntry[] = [];
  for await (const entry of await list(dir)) {
    entries.push({
      path: join(dir, entry.name),
      relative: relative === "" ? entry.name : `${relative}/${entry.name}`,
      kind: entry.isSymlink
        ? "symlink"
        : entry.isDirectory
        ? "directory"
        : entry.isFile
        ? "file"
        : "other",
    });
  }
  // Code-unit order, like Array.prototype.sort: the same on every machine and locale.
  return entries.sort((a, b) => (a.relative < b.relative ? -1 : 1));
}

function baseName(relative: string): string {
  return relative.slice(relative.lastIndexOf("/") + 1);
}
