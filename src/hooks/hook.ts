/**
 * Hooks: the person's own commands, run at points of a session's life with the event as JSON on
 * stdin. The configuration follows Claude Code's `hooks` settings (event → matcher groups →
 * command hooks), so a file people already write works here; this module holds the shared names
 * and the record of one run as the session log keeps it.
 */

/** The points of a session where hooks run. */
export type HookEventName =
  | "SessionStart"
  | "UserPromptSubmit"
  | "PreToolUse"
  | "PostToolUse"
  | "Stop";

/** Every hook event, in the order a session meets them. */
export const HOOK_EVENTS: readonly HookEventName[] = [
  "SessionStart",
  "UserPromptSubmit",
  "PreToolUse",
  "PostToolUse",
  "Stop",
];

/** Where a hook was configured: the person's own file, or a trusted project's. */
export type HookSource = "user" | "project";

/**
 * How one hook run ended: `ok` (exit 0), `blocked` (it denied or blocked what it was asked about),
 * `failed` (another exit code, or output that is not what a hook may print), `timeout`, or
 * `error` (it could not be started).
 */
export type HookOutcome = "ok" | "blocked" | "failed" | "timeout" | "error";

/** The record of one hook run, logged as a `hook` event. */
export interface HookRunData {
  event: HookEventName;
  command: string;
  source: HookSource;
  outcome: HookOutcome;
  /** The exit code, when it exited. */
  exit_code?: number;
  /** What went wrong, or the reason it blocked. */
  message?: string;
  /** Context it added for the model. */
  context?: string;
  /** The tool call it was about (PreToolUse, PostToolUse). */
  call_id?: string;
  duration_ms: number;
}
