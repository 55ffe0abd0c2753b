/**
 * Walking a directory tree for find and grep: depth first in name order, never into symlinked
 * directories (so a walk cannot leave the tree or loop), leaving out hidden and ignored entries
 * as ripgrep does (see ignore_rules.ts) unless asked, bounded and abortable.
 */

import type { JsonSchema } from "../provider/request.ts";
import { GIT_DIR, GITIGNORE_FILE, IGNORE_FILE, IgnoreRules } from "./ignore_rules.ts";

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
  /** The walk stops after visiting this many entries. */
  maxEntries: number;
  signal: AbortSignal;
  /** Also visit hidden entries (names starting with `.`, `.git` included). */
  hidden?: boolean;
  /** Visit what ignore files leave out too. */
  noIgnore?: boolean;
  /**
   * Lists a folder met on the walk (the root too); by default by its path. The file tools pass a
   * ConfinedTree's, which pins each folder it lists (see confined_file.ts).
   */
  list?: (dir: string) => Iterable<Deno.DirEntry>;
}

/** How a walk ended. */
export interface WalkSummary {
  /** `limit`: maxEntries reached; `stopped`: the visitor asked to stop. */
  end: "complete" | "limit" | "stopped" | "aborted";
  visited: number;
  /** Directories below the root that could not be listed (permissions, races). */
  unreadable: number;
}

/** Entries visited before a walk gives up: enough for big repositories, bounded for `/`. */
export const DEFAULT_MAX_ENTRIES = 100_000;

/** The sentence tool descriptions use to say what a walk leaves out, and how to get it. */
export const WALK_RULES = "Skips hidden files and what .gitignore, .git/info/exclude and .ignore " +
  "exclude (see hidden, no_ignore), like ripgrep. Does not follow symlinked directories.";

/** The `hidden` argument of find and grep. */
export const HIDDEN_PARAMETER: JsonSchema = {
  type: "boolean",
  description: "Include names starting with `.`. Default: false.",
};

/** The `no_ignore` argument of find and grep. */
export const NO_IGNORE_PARAMETER: JsonSchema = {
  type: "boolean",
  description: "Include ignored files. Default: false.",
};

/** A walk runs this long between yields to the event loop, so aborts and timers get a turn. */
const SLICE_MS = 25;

/** A directory whose children are still to be visited, with the rules in effect inside it. */
interface Pending extends WalkEntry {
  rules: IgnoreRules;
}

/**
 * Visits every entry below `root` (not `root` itself), parents before children, siblings in name
 * order; hidden and ignored entries are neither visited nor entered unless the options say so.
 * `visit` returns false to stop the walk. An unreadable root throws; an unreadable subdirectory
 * is counted and skipped. Directories are listed synchronously (several times faster than the
 * async calls for a big tree); the walk yields to the event loop every few milliseconds.
 */
export async function walkTree(
  root: string,
  options: WalkOptions,
  visit: (entry: WalkEntry) => boolean | void | Promise<boolean | void>,
): Promise<WalkSummary> {
  const summary: WalkSummary = { end: "complete", visited: 0, unreadable: 0 };
  const hidden = options.hidden ?? false;
  const noIgnore = options.noIgnore ?? false;
  const list = options.list ?? Deno.readDirSync;
  const stack: Pending[] = [];
  const pushChildren = async (dir: string, relative: string, parentRules: IgnoreRules) => {
    const children = listDirectory(list, dir, relative);
    const rules = noIgnore ? parentRules : await parentRules.child(dir, ruleFiles(children));
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      const isDirectory = child.kind === "directory";
      const verdict = rules.verdict(child.path, isDirectory);
      if (verdict === "ignored") continue;
      if (!hidden && verdict !== "whitelisted" && baseName(child.relative).startsWith(".")) {
        continue;
      }
      stack.push({ ...child, rules });
    }
  };
  await pushChildren(root, "", noIgnore ? IgnoreRules.NONE : await IgnoreRules.forRoot(root));
  let sliceStart = performance.now();
  using turns = new EventLoopTurns();
  for (let entry = stack.pop(); entry !== undefined; entry = stack.pop()) {
    if (performance.now() - sliceStart > SLICE_MS) {
      await turns.next();
      sliceStart = performance.now();
    }
    if (options.signal.aborted) return { ...summary, end: "aborted" };
    if (summary.visited >= options.maxEntries) return { ...summary, end: "limit" };
    summary.visited++;
    const { rules, ...visited } = entry;
    if ((await visit(visited)) === false) return { ...summary, end: "stopped" };
    if (entry.kind !== "directory") continue;
    try {
      await pushChildren(entry.path, entry.relative, rules);
    } catch {
      summary.unreadable++;
    }
  }
  return summary;
}

/**
 * Turns of the event loop for a long synchronous walk: a message posted to itself comes back after
 * pending timers and I/O have had their turn, at once, where `setTimeout(0)` waits milliseconds.
 */
class EventLoopTurns {
  #channel: MessageChannel | null = null;

  /** Resolves on the next turn of the event loop. */
  next(): Promise<void> {
    const channel = this.#channel ??= new MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(null);
    });
  }

  [Symbol.dispose](): void {
    this.#channel?.port1.close();
    this.#channel?.port2.close();
  }
}

/**
 * What goes before an entry's `relative` path to show it as the model sees paths: the walk root
 * as `resolveForTool` shows it (`root`), with `/` between segments. Cheaper than working out each
 * entry's path relative to the workspace, on a walk of many thousands of entries.
 */
export function shownPrefix(root: string): string {
  return root === "." ? "" : `${root.replaceAll("\\", "/")}/`;
}

function listDirectory(
  list: (dir: string) => Iterable<Deno.DirEntry>,
  dir: string,
  relative: string,
): WalkEntry[] {
  const entries: WalkEntry[] = [];
  const separator = dir.endsWith("/") || dir.endsWith("\\") ? "" : SEPARATOR;
  for (const entry of list(dir)) {
    entries.push({
      path: `${dir}${separator}${entry.name}`,
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

/** The names among `entries` that carry ignore rules. */
function ruleFiles(entries: readonly WalkEntry[]): Set<string> {
  const names = new Set<string>();
  for (const entry of entries) {
    const name = baseName(entry.relative);
    if (name === IGNORE_FILE || name === GITIGNORE_FILE || name === GIT_DIR) names.add(name);
  }
  return names;
}

const SEPARATOR = Deno.build.os === "windows" ? "\\" : "/";

function baseName(relative: string): string {
  return relative.slice(relative.lastIndexOf("/") + 1);
}
