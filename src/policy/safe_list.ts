/**
 * The safe list: read-only programs that run without approval, each with the options that would
 * make it write, execute something else or read outside the workspace taken out. It judges one
 * simple command; the approval judges the whole line.
 */

import type { SimpleCommand, Word } from "./command_line.ts";

/** Why a simple command is not safe, or null when it is. */
export type Unsafe = string | null;

/** Options that make an otherwise read-only program write files or run programs. */
const FORBIDDEN_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  ls: [],
  cat: [],
  head: [],
  tail: [],
  wc: [],
  grep: [],
  rg: ["--pre", "--pre-glob", "-z", "--search-zip"],
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
  tree: ["-o"],
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

/** The programs on the safe list, for help texts and error messages. */
export const SAFE_PROGRAMS: readonly string[] = [
  ...Object.keys(FORBIDDEN_OPTIONS),
  ...Object.keys(GIT_READ_ONLY).map((sub) => `git ${sub}`),
];

/** Null when `command` is on the safe list, else why not. */
export function unsafeReason(command: SimpleCommand): Unsafe {
  if (command.redirects) return "it redirects input or output";
  const [program, ...args] = command.words;
  if (program === undefined) return "it is empty";
  if (program.pattern || program.text.includes("=")) {
    return "it starts with an assignment or pattern";
  }
  const outside = args.find(leavesWorkspace);
  if (outside !== undefined) return `${outside.text} may point outside the workspace`;
  if (program.text === "git") return unsafeGit(args);
  if (!Object.hasOwn(FORBIDDEN_OPTIONS, program.text)) {
    return `${program.text} is not on the safe list`;
  }
  return forbiddenOption(args, FORBIDDEN_OPTIONS[program.text]);
}

/** `git <read-only subcommand>`, with no global option (`-c`, `--exec-path`…) before it. */
function unsafeGit(args: readonly Word[]): Unsafe {
  const [sub, ...rest] = args;
  if (sub === undefined) return "git without a subcommand is not on the safe list";
  if (sub.text.startsWith("-")) return `git ${sub.text}: global options are not on the safe list`;
  if (!Object.hasOwn(GIT_READ_ONLY, sub.text)) return `git ${sub.text} is not on the safe list`;
  return forbiddenOption(rest, GIT_READ_ONLY[sub.text]);
}

/** The first forbidden option among `args`; a one-letter one also counts inside a `-abc` cluster. */
function forbiddenOption(args: readonly Word[], forbidden: readonly string[]): Unsafe {
  for (const arg of args) {
    const name = arg.text.split("=")[0];
    const clustered = forbidden.find((option) =>
      /^-[A-Za-z]$/.test(option) && /^-[A-Za-z]+$/.test(name) && name.includes(option[1])
    );
    const found = forbidden.includes(name) ? name : clustered;
    if (found !== undefined) return `option ${found} can write files or run programs`;
  }
  return null;
}

/**
 * True when a word could name something outside the workspace: an absolute or home path, a `..`
 * segment, a hidden-name pattern (which may match `..`), also inside `--opt=value` and `-fVALUE`.
 */
export function leavesWorkspace(word: Word): boolean {
  const candidates = [word.text];
  const eq = word.text.indexOf("=");
  if (word.text.startsWith("-") && eq > 0) candidates.push(word.text.slice(eq + 1));
  if (/^-[A-Za-z]./.test(word.text)) candidates.push(word.text.slice(2));
  return candidates.some((text) => {
    if (text.startsWith("/") || text.startsWith("~")) return true;
    const segments = text.split("/");
    if (segments.includes("..")) return true;
    return word.pattern && segments.some((s) => s.startsWith(".") || s.startsWith("["));
  });
}
