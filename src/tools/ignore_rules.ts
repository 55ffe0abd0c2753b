/**
 * Ignore files, read the way ripgrep reads them, so find and grep see the files a developer's
 * other tools see: `.gitignore` in every directory (inside a git repository only),
 * `.git/info/exclude` of the repository, and `.ignore` anywhere. A deeper file's rules win over a
 * shallower one's, `.ignore` wins over the git files, and a negated pattern (`!keep.log`) brings a
 * path back, even a hidden one. The gitignore syntax itself is the `ignore` package's, loaded only
 * when a walk meets an ignore file.
 */

import type { Ignore, Options } from "ignore";
import { dirname, join, sep } from "node:path";
import { readFileBytes } from "./text_file.ts";

/** What the rules say about one path: left out, brought back by a negation, or nothing. */
export type IgnoreVerdict = "ignored" | "whitelisted" | "none";

/** The names in a directory that carry rules. */
export const IGNORE_FILE = ".ignore";
export const GITIGNORE_FILE = ".gitignore";
export const GIT_DIR = ".git";

/** Ignore files larger than this are not read (they are hand-written, a few kB at most). */
const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/** The rules one directory adds, linked to the nearest directory above that adds some. */
interface Level {
  /** The directory, with a trailing separator. */
  prefix: string;
  ignore: Ignore | null;
  gitignore: Ignore | null;
  /** `.git/info/exclude`, at a repository's root. */
  exclude: Ignore | null;
  /** The directory holds `.git`: a repository's root, where `.gitignore` lookup stops. */
  gitRoot: boolean;
  parent: Level | null;
}

/** The rules in effect in one directory: its own level and its parents', nearest first. */
export class IgnoreRules {
  readonly #nearest: Level | null;
  /** Some directory here or above is a repository root, so `.gitignore` files count. */
  readonly #inRepository: boolean;

  private constructor(nearest: Level | null, inRepository: boolean) {
    this.#nearest = nearest;
    this.#inRepository = inRepository;
  }

  /** No rules at all (`no_ignore`). */
  static readonly NONE: IgnoreRules = new IgnoreRules(null, false);

  /**
   * The rules in effect at `root` from the ignore files of its ancestors (root's own files are
   * read when the walk lists it). Unreadable ancestors (outside the tool's permissions) add none.
   * When those rules would leave out `root` itself, which the caller asked for by name, they are
   * dropped, as ripgrep searches an explicitly named path whatever the ignore files say.
   */
  static async forRoot(root: string): Promise<IgnoreRules> {
    const ancestors: string[] = [];
    for (let dir = dirname(root);; dir = dirname(dir)) {
      ancestors.unshift(dir);
      if (dirname(dir) === dir) break;
    }
    let rules = IgnoreRules.NONE;
    for (const dir of ancestors) {
      rules = await rules.child(dir, new Set([IGNORE_FILE, GITIGNORE_FILE, GIT_DIR]));
    }
    if (rules.verdict(root, true) === "ignored") return new IgnoreRules(null, rules.#inRepository);
    return rules;
  }

  /**
   * The rules for directory `dir`, a child of this one's, given the names it contains (only
   * `.ignore`, `.gitignore` and `.git` matter). A directory without them shares these rules.
   */
  async child(dir: string, names: ReadonlySet<string>): Promise<IgnoreRules> {
    const gitRoot = names.has(GIT_DIR) && exists(join(dir, GIT_DIR));
    const ignore = names.has(IGNORE_FILE) ? await loadRules(join(dir, IGNORE_FILE)) : null;
    const gitignore = names.has(GITIGNORE_FILE) ? await loadRules(join(dir, GITIGNORE_FILE)) : null;
    const exclude = gitRoot ? await loadRules(join(dir, GIT_DIR, "info", "exclude")) : null;
    if (!gitRoot && ignore === null && gitignore === null) return this;
    const prefix = withSeparator(dir);
    const level = { prefix, ignore, gitignore, exclude, gitRoot, parent: this.#nearest };
    return new IgnoreRules(level, gitRoot || this.#inRepository);
  }

  /** What the rules say about `path` (absolute, below this directory), a directory or not. */
  verdict(path: string, isDirectory: boolean): IgnoreVerdict {
    // `.ignore` files first, nearest first; then `.gitignore` up to the repository root; then
    // the repository's exclude file: the first one with an opinion decides.
    for (let level = this.#nearest; level !== null; level = level.parent) {
      if (level.ignore === null) continue;
      const found = judge(level.ignore, level, path, isDirectory);
      if (found !== "none") return found;
    }
    if (!this.#inRepository) return "none";
    for (let level = this.#nearest; level !== null; level = level.parent) {
      if (level.gitignore !== null) {
        const found = judge(level.gitignore, level, path, isDirectory);
        if (found !== "none") return found;
      }
      if (level.gitRoot) {
        return level.exclude === null ? "none" : judge(level.exclude, level, path, isDirectory);
      }
    }
    return "none";
  }
}

function judge(rules: Ignore, level: Level, path: string, isDirectory: boolean): IgnoreVerdict {
  if (!path.startsWith(level.prefix)) return "none";
  let relative = path.slice(level.prefix.length);
  if (sep !== "/") relative = relative.replaceAll(sep, "/");
  if (relative === "") return "none";
  const result = rules.test(isDirectory ? `${relative}/` : relative);
  return result.ignored ? "ignored" : result.unignored ? "whitelisted" : "none";
}

function withSeparator(dir: string): string {
  return dir.endsWith(sep) ? dir : dir + sep;
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The `ignore` package, imported on first use: most walks never meet an ignore file. */
let ignorePackage: Promise<(options: Options) => Ignore> | undefined;

/** The rules of the ignore file at `path`; null when it is missing or unreadable. */
async function loadRules(path: string): Promise<Ignore | null> {
  const read = readFileBytes(path, path, MAX_IGNORE_FILE_BYTES);
  if (!read.ok) return null;
  ignorePackage ??= import("ignore").then((module) => module.default);
  const ignore = await ignorePackage;
  // Git matches case-sensitively (core.ignoreCase is off on Linux); `allowRelativePaths` only
  // keeps odd names like `...` from throwing.
  return ignore({ ignorecase: false, allowRelativePaths: true }).add(
    new TextDecoder().decode(read.bytes),
  );
}
