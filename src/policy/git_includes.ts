/**
 * Git's `include.path` and `includeIf.<condition>.path` pull other files into a repository's
 * configuration, and such a file may sit in the workspace, where the model writes freely: a
 * planted `[filter "x"] clean = …` would then run when safe-list `git diff` compares a file. The
 * switches of `git_hardening.ts` cannot turn include processing off, so safe-list git is not run
 * at all in a repository whose configuration includes any file: such a line is judged like any
 * other command (asked about, or refused where nobody can answer).
 *
 * The configuration is listed by git itself (the repository git would find, with the same
 * hardening), so what is judged is what git would read. Files git reads when it starts are the
 * repository's own (`.git/config`, `config.worktree`), which the file tools never write.
 */

import { GIT_ENVIRONMENT, hardenedGit } from "./git_hardening.ts";
import type { SafeInvocation } from "./safe_list.ts";

/** What running a program gave: its exit code and output, or that it could not start. */
export type ProgramOutcome =
  | { started: true; code: number; stdout: string; stderr: string }
  | { started: false };

/** Runs `argv` in `cwd` with `env` added; injected so tests need no git. */
export type RunProgram = (
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string,
) => Promise<ProgramOutcome>;

/** How long listing the configuration may take before it counts as unreadable. */
const LIST_TIMEOUT_MS = 10_000;

/**
 * A screen for safe-list invocations: null for anything but git, and for git run in `workspace`
 * a reason when the repository's configuration includes other files or cannot be read. Git is
 * looked up on `searchPath` (the trusted PATH safe-list programs use), when given.
 */
export function gitIncludeScreen(
  workspace: string,
  searchPath: string | undefined,
  run: RunProgram = runProgram,
): (invocation: SafeInvocation) => Promise<string | null> {
  const path: Record<string, string> = searchPath === undefined ? {} : { PATH: searchPath };
  return async (invocation) => {
    if (invocation.argv[0] !== "git") return null;
    const { argv } = hardenedGit(["git", "config", "--list", "--show-origin", "--name-only", "-z"]);
    const outcome = await run(argv, { ...GIT_ENVIRONMENT, ...path }, workspace);
    // Without git there is nothing to steer: the command fails on its own.
    if (!outcome.started) return null;
    if (outcome.code !== 0) {
      const why = outcome.stderr.trim().split("\n")[0] || `exit code ${outcome.code}`;
      return `git cannot read this repository's configuration (${why}), so safe-list git does not run here`;
    }
    const includes = includeDirectives(outcome.stdout);
    if (includes.length === 0) return null;
    return `this repository's git configuration includes other files (${
      includes.join("; ")
    }), which the model may have written, so safe-list git does not run here`;
  };
}

/** `include.path` and `includeIf.*.path` entries of `git config --list --show-origin --name-only -z` output. */
export function includeDirectives(listing: string): string[] {
  const fields = listing.split("\0");
  const found: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [origin, name] = [fields[i], fields[i + 1]];
    if (/^include\.path$/i.test(name) || /^includeif\..*\.path$/is.test(name)) {
      found.push(`${name} in ${origin.replace(/^file:/, "")}`);
    }
  }
  return found;
}

/** Runs a program with a time limit; output as text. */
async function runProgram(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<ProgramOutcome> {
  const [program, ...args] = argv;
  try {
    const output = await new Deno.Command(program, {
      args,
      env: { ...env },
      cwd,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
    }).output();
    const text = new TextDecoder();
    return {
      started: true,
      code: output.code,
      stdout: text.decode(output.stdout),
      stderr: text.decode(output.stderr),
    };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { started: false };
    const reason = error instanceof Error ? error.message : String(error);
    return { started: true, code: -1, stdout: "", stderr: reason };
  }
}
