/**
 * The safe list: read-only programs that run without approval, each with the options that would
 * make it write, execute something else or read outside the workspace taken out. A line earns it
 * only as one simple command whose every word is a plain literal, and then runs without a shell,
 * as exactly the words judged here.
 */

import type { CommandLine, SimpleCommand, Word } from "./command_line.ts";
import { hardenedGit } from "./git_hardening.ts";

/** Why a command line is not safe, or null when it is. */
export type Unsafe = string | null;

/** Options that make an otherwise read-only program write files or run programs. */
const FORBIDDEN_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  ls: [],
  cat: [],
  head: [],
  tail: [],
  wc: [],
  grep: [],
  rg: ["--pre", "--pre-glob", "-z", "--search-zip", "--hostname-bin"],
  find: [
    "-exec",
    "-execdir",
    "-ok",
    "-okdir",
    "-delete",
    "-fprint",
    "-fprint0",
    "-fprintf",
    "-fls",
  ],
  pwd: [],
  echo: [],
  stat: [],
  du: [],
  // `-R` makes tree write an HTML file into every folder it lists.
  tree: ["-o", "-R"],
  basename: [],
  dirname: [],
  realpath: [],
  which: [],
  true: [],
  false: [],
};

/** git subcommands that only read the repository, and their options that write or run tools. */
const GIT_READ_ONLY: Readonly<Record<string, readonly string[]>> = {
  status: [],
  diff: ["--output", "--ext-diff", "--textconv"],
  log: ["--output", "--ext-diff", "--textconv"],
  show: ["--output", "--ext-diff", "--textconv"],
};

/**
 * Options git would take as an abbreviation of a forbidden one were they not options in their own
 * right (git accepts any unambiguous prefix of a long option).
 */
const GIT_EXACT_OPTIONS: readonly string[] = ["--text"];

/** The programs on the safe list, for help texts and error messages. */
export const SAFE_PROGRAMS: readonly string[] = [
  ...Object.keys(FORBIDDEN_OPTIONS),
  ...Object.keys(GIT_READ_ONLY).map((sub) => `git ${sub}`),
];

/** A command line the safe list accepts, and the argv and environment to run it with. */
export interface SafeInvocation {
  kind: "argv";
  /** The program and its arguments, exactly the judged words (git gets its hardening options). */
  argv: string[];
  /** Variables set for the program (git's config files switched off). */
  env: Record<string, string>;
}

/** Null when `line` is on the safe list, else why not. */
export function unsafeLine(line: CommandLine): Unsafe {
  if (line.hazards.length > 0) return `it uses ${line.hazards.join(", ")}`;
  if (line.commands.length !== 1 || line.connectors.length > 0) {
    return "it is more than one command (pipes and lists run through the shell)";
  }
  return unsafeReason(line.commands[0]);
}

/** Null when `command` on its own is on the safe list, else why not. */
export function unsafeReason(command: SimpleCommand): Unsafe {
  if (command.redirects.length > 0) return "it redirects input or output";
  const rewritten = command.words.find((w) => !w.plain);
  if (rewritten !== undefined) {
    return `${rewritten.text} is not a plain word (the shell would expand or rewrite it)`;
  }
  const [program, ...args] = command.words;
  if (program === undefined) return "it is empty";
  const outside = args.find(leavesWorkspace);
  if (outside !== undefined) return `${outside.text} may point outside the workspace`;
  if (program.text === "git") return unsafeGit(args);
  if (!Object.hasOwn(FORBIDDEN_OPTIONS, program.text)) {
    return `${program.text} is not on the safe list`;
  }
  return forbiddenOption(args, FORBIDDEN_OPTIONS[program.text], false);
}

/** How a safe line runs, or null when it is not safe. */
export function safeInvocation(line: CommandLine): SafeInvocation | null {
  if (unsafeLine(line) !== null) return null;
  const argv = line.commands[0].words.map((w) => w.text);
  return { kind: "argv", ...(argv[0] === "git" ? hardenedGit(argv) : { argv, env: {} }) };
}

/** `git <read-only subcommand>`, with no global option (`-c`, `--exec-path`…) before it. */
function unsafeGit(args: readonly Word[]): Unsafe {
  const [sub, ...rest] = args;
  if (sub === undefined) return "git without a subcommand is not on the safe list";
  if (sub.text.startsWith("-")) return `git ${sub.text}: global options are not on the safe list`;
  if (!Object.hasOwn(GIT_READ_ONLY, sub.text)) return `git ${sub.text} is not on the safe list`;
  return forbiddenOption(rest, GIT_READ_ONLY[sub.text], true);
}

/**
 * The first forbidden option among `args`; a one-letter one also counts inside a `-abc` cluster,
 * and with `abbreviations` a long one also counts when shortened to an unambiguous prefix.
 */
function forbiddenOption(
  args: readonly Word[],
  forbidden: readonly string[],
  abbreviations: boolean,
): Unsafe {
  for (const arg of args) {
    const name = arg.text.split("=")[0];
    const clustered = forbidden.find((option) =>
      /^-[A-Za-z]$/.test(option) && /^-[A-Za-z]+$/.test(name) && name.includes(option[1])
    );
    const shortened = abbreviations && name.startsWith("--") && name.length > 2 &&
        !GIT_EXACT_OPTIONS.includes(name)
      ? forbidden.find((option) => option.startsWith(name))
      : undefined;
    const found = forbidden.includes(name) ? name : clustered ?? shortened;
    if (found !== undefined) return `option ${found} can write files or run programs`;
  }
  return null;
}

/**
 * True when a word could name something outside the workspace: an absolute or home path or a
 * `..` segment, also inside `--opt=value` and `-fVALUE`.
 */
export function leavesWorkspace(word: Word): boolean {
  const candidates = [word.text];
  const eq = word.text.indexOf("=");
  if (word.text.startsWith("-") && eq > 0) candidates.push(word.text.slice(eq + 1));
  if (/^-[A-Za-z]./.test(word.text)) candidates.push(word.text.slice(2));
  return candidates.some((text) =>
    text.startsWith("/") || text.startsWith("~") || text.split("/").includes("..")
  );
}
