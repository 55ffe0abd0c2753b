/**
 * The change `pixir review` looks at, as a unified diff built by git: the uncommitted work, a
 * branch against its merge base, or one commit. Git runs hardened (no hooks, pager, fsmonitor,
 * external diff or textconv, no global or system config) since the repository under review may
 * be someone else's. A diff larger than the budget is cut at file boundaries, and the files left
 * out are named.
 */

import { hardenedGit } from "../policy/git_hardening.ts";
import { Failure } from "./failure.ts";

/** Which change to review. */
export type ReviewTarget =
  | { kind: "uncommitted" }
  | { kind: "base"; branch: string }
  | { kind: "commit"; sha: string };

/** What one git command printed. */
export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs git with `args` in the repository (hardened by the caller's wiring, see `gitRunner`). */
export type RunGit = (args: readonly string[]) => Promise<GitOutput>;

/** The diff to review, bounded. */
export interface ReviewDiff {
  target: ReviewTarget;
  /** The work tree's top folder: the paths of the diff are relative to it. */
  root: string;
  /** What the diff is compared with: a commit, or the empty tree for a repository without one. */
  base: string;
  /** The unified diff sent (whole files only). */
  text: string;
  /** Files in the whole diff. */
  files: number;
  /** Bytes of the diff git made (untracked files past the budget are only named, not counted). */
  bytes: number;
  /** Files whose diff did not fit the budget and was left out, in diff order. */
  leftOut: string[];
  /** The commit's message, for `--commit`. */
  message?: string;
}

/** The most diff text sent to the model: about 50k tokens, leaving room to read files. */
export const MAX_DIFF_BYTES = 200_000;

/** Git's empty tree: what a repository without a commit is compared with. */
const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

/** A git runner over `Deno.Command` in `cwd`, with the hardening of safe-list git. */
export function gitRunner(cwd: string, searchPath: string | undefined): RunGit {
  return async (args) => {
    const { argv, env } = hardenedGit(["git", ...args]);
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(argv[0], {
        args: argv.slice(1),
        cwd,
        env: { ...env, PATH: searchPath ?? "/usr/bin:/bin", LC_ALL: "C" },
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
    } catch (error) {
      throw new Failure("usage", `cannot run git: ${String(error)}`, {
        hint: "install git, or put it on PATH",
      });
    }
    const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
  };
}

/**
 * Builds the diff of `target` with `git` (at most `maxBytes` of it). Throws a usage Failure for a
 * folder outside a repository, an unknown branch or commit, or a name that could pass for an
 * option.
 */
export async function reviewDiff(
  git: RunGit,
  target: ReviewTarget,
  maxBytes = MAX_DIFF_BYTES,
): Promise<ReviewDiff> {
  const inside = await git(["rev-parse", "--show-toplevel"]);
  const root = inside.stdout.trim();
  if (inside.code !== 0 || root === "") {
    throw new Failure("usage", "review: this folder is not inside a git work tree", {
      hint: "run it in a repository, or give one with --cwd",
    });
  }
  let base: string;
  let diff: string;
  let message: string | undefined;
  // Untracked files past the budget are named, never diffed: a folder of build output that no
  // ignore file names would otherwise cost one git call per file.
  let unread: string[] = [];
  switch (target.kind) {
    case "uncommitted": {
      base = await commitOf(git, "HEAD") ?? EMPTY_TREE;
      diff = await gitDiff(git, ["diff", "--no-color", base]);
      ({ diff, unread } = await withUntracked(git, diff, maxBytes));
      break;
    }
    case "base": {
      const branch = await requireCommit(git, target.branch, "--base");
      const mergeBase = await git(["merge-base", "HEAD", branch]);
      if (mergeBase.code !== 0) {
        throw new Failure("usage", `review: HEAD and ${target.branch} share no history`, {
          hint: "give the branch this one was started from",
        });
      }
      base = mergeBase.stdout.trim();
      diff = await gitDiff(git, ["diff", "--no-color", base]);
      ({ diff, unread } = await withUntracked(git, diff, maxBytes));
      break;
    }
    case "commit": {
      const sha = await requireCommit(git, target.sha, "--commit");
      const parent = await commitOf(git, `${sha}^`);
      base = parent ?? EMPTY_TREE;
      diff = await gitDiff(git, ["diff", "--no-color", base, sha]);
      const log = await git(["log", "-1", "--format=%B", sha]);
      message = log.code === 0 ? log.stdout.trim() : undefined;
      break;
    }
  }
  const cut = bounded(diff, maxBytes);
  return {
    target,
    root,
    base,
    ...cut,
    files: cut.files + unread.length,
    leftOut: [...cut.leftOut, ...unread],
    ...(message ? { message } : {}),
  };
}

/** The full hash of `rev` as a commit, or null when it names none. */
async function commitOf(git: RunGit, rev: string): Promise<string | null> {
  const out = await git([
    "rev-parse",
    "--verify",
    "--quiet",
    "--end-of-options",
    `${rev}^{commit}`,
  ]);
  return out.code === 0 ? out.stdout.trim() : null;
}

/** The commit a flag names; a usage Failure for an option-like or unknown name. */
async function requireCommit(git: RunGit, name: string, flag: string): Promise<string> {
  if (name.startsWith("-") || name.trim() === "") {
    throw new Failure("usage", `${flag}: "${name}" is not a branch or commit name`);
  }
  const sha = await commitOf(git, name);
  if (sha === null) {
    throw new Failure("usage", `${flag}: ${name} names no commit in this repository`, {
      hint: "see the names with `git branch -a` or `git log --oneline`",
    });
  }
  return sha;
}

async function gitDiff(git: RunGit, args: readonly string[]): Promise<string> {
  const out = await git(args);
  if (out.code !== 0) {
    throw new Failure("io", `git ${args[0]} failed: ${out.stderr.trim() || `exit ${out.code}`}`);
  }
  return out.stdout;
}

/**
 * `diff` followed by the files git does not track yet (ignored ones left out), as diffs that add
 * them, while it is within `maxBytes`; the untracked files past that are returned by name.
 */
async function withUntracked(
  git: RunGit,
  diff: string,
  maxBytes: number,
): Promise<{ diff: string; unread: string[] }> {
  const listed = await git(["ls-files", "--others", "--exclude-standard", "-z"]);
  if (listed.code !== 0) return { diff, unread: [] };
  const unread: string[] = [];
  let bytes = new TextEncoder().encode(diff).length;
  for (const file of listed.stdout.split("\0").filter((name) => name !== "")) {
    if (bytes > maxBytes) {
      unread.push(file);
      continue;
    }
    // `--no-index` exits 1 when the files differ, which they always do here.
    const out = await git(["diff", "--no-color", "--no-index", "--", "/dev/null", file]);
    if (out.code > 1) continue;
    diff += out.stdout;
    bytes += new TextEncoder().encode(out.stdout).length;
  }
  return { diff, unread };
}

/** The diff cut at the last whole file within `maxBytes`; the files left out, by name. */
function bounded(
  diff: string,
  maxBytes: number,
): Pick<ReviewDiff, "text" | "files" | "bytes" | "leftOut"> {
  const parts = diff.split(/^(?=diff --git )/m).filter((part) => part.startsWith("diff --git "));
  const encoder = new TextEncoder();
  let text = "";
  let used = 0;
  const leftOut: string[] = [];
  for (const part of parts) {
    const size = encoder.encode(part).length;
    if (leftOut.length === 0 && used + size <= maxBytes) {
      text += part;
      used += size;
    } else {
      leftOut.push(fileOf(part));
    }
  }
  return { text, files: parts.length, bytes: encoder.encode(diff).length, leftOut };
}

/** The file a `diff --git a/X b/Y` part is about (its new name). */
function fileOf(part: string): string {
  const header = part.slice(0, part.indexOf("\n"));
  const match = / b\/(.*)$/.exec(header);
  return match ? match[1] : header.slice("diff --git ".length);
}
