/**
 * How safe-list git runs: git starts other programs from its configuration (fsmonitor, hooks,
 * pager, external diff, textconv, signature checks, credential and ssh helpers), and the model may
 * have planted files git reads. So every such program is switched off on git's command line —
 * which outranks every config file — the system and global config files are not read, and a
 * repository git would only find as a bare folder layout is refused.
 */

/** `-c` settings that turn off every program git could start from config for a read-only command. */
const SWITCHED_OFF: readonly string[] = [
  "core.fsmonitor=false",
  "core.hooksPath=/dev/null",
  "core.pager=cat",
  "core.sshCommand=false",
  "core.askPass=false",
  "credential.helper=",
  "gpg.program=false",
  "gpg.ssh.program=false",
  "gpg.x509.program=false",
  "log.showSignature=false",
  // No transport at all: a partial clone would otherwise fetch missing objects over the network.
  "protocol.allow=never",
  "safe.bareRepository=explicit",
];

/** Subcommand options that keep diff output from running external diff and textconv programs. */
const NO_DIFF_PROGRAMS: readonly string[] = ["--no-ext-diff", "--no-textconv"];

/** Subcommands that print diffs (so take NO_DIFF_PROGRAMS). */
const DIFF_SUBCOMMANDS = new Set(["diff", "log", "show"]);

/**
 * Variables for safe-list git: no system or global config file (a file the model could have
 * written at `~/.gitconfig` is never read), no prompts, no pager, and no optional index writes.
 */
export const GIT_ENVIRONMENT: Readonly<Record<string, string>> = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_PAGER: "cat",
  GIT_OPTIONAL_LOCKS: "0",
};

/**
 * The argv and environment that run `git SUB ARGS…` (already judged safe) with every
 * config-driven program switched off: Pixir's options come first, so the judged words follow
 * unchanged.
 */
export function hardenedGit(
  argv: readonly string[],
): { argv: string[]; env: Record<string, string> } {
  const [git, sub, ...rest] = argv;
  const config = SWITCHED_OFF.flatMap((setting) => ["-c", setting]);
  const subOptions = DIFF_SUBCOMMANDS.has(sub) ? NO_DIFF_PROGRAMS : [];
  return {
    argv: [git, "--no-pager", ...config, sub, ...subOptions, ...rest],
    env: { ...GIT_ENVIRONMENT },
  };
}
