/** What an OS sandbox around a shell command must enforce, whichever OS mechanism does it. */

/** The filesystem and network view of a sandboxed command. */
export interface SandboxLayout {
  /** The command's working directory (real path). */
  workspace: string;
  /** Writable paths (the workspace unless read-only, granted folders, the temp dir), or all. */
  writable: "all" | readonly string[];
  /** Paths made unreachable: Pixir's config and data folders. */
  hidden: readonly string[];
  /** Whether the command may use the network. */
  net: boolean;
  /**
   * Environment variables the sandbox never receives (Pixir's credentials): removed before the
   * sandbox starts, so not even its first process's /proc/<pid>/environ holds them.
   */
  hiddenEnv?: readonly string[];
}
