/**
 * One line of `pixir doctor`: a named check with its outcome and, when something is wrong, the fix.
 * Errors make doctor exit 1; warnings are shown but leave the exit code alone.
 */

/**
 * How a check came out: `ok`; `warn` (works, but worth knowing or fixing); `error` (Pixir cannot
 * work this way); `skip` (not run, e.g. network checks with --offline).
 */
export type CheckStatus = "ok" | "warn" | "error" | "skip";

/** The part of the installation a check looks at. */
export type CheckGroup =
  | "runtime"
  | "permissions"
  | "paths"
  | "auth"
  | "sandbox"
  | "network"
  | "mcp";

/** The outcome of one check. */
export interface CheckResult {
  /** Stable identifier, e.g. "permission.read", "endpoint.openai". */
  id: string;
  group: CheckGroup;
  status: CheckStatus;
  /** One line saying what was found. */
  summary: string;
  /** What to do about a warning or an error. */
  fix?: string;
  /** The facts behind the summary, for `--json`. */
  details?: Record<string, unknown>;
}

/** A check result; `fix` and `details` are left out when not given. */
export function check(
  id: string,
  group: CheckGroup,
  status: CheckStatus,
  summary: string,
  extra: { fix?: string; details?: Record<string, unknown> } = {},
): CheckResult {
  return {
    id,
    group,
    status,
    summary,
    ...(extra.fix === undefined ? {} : { fix: extra.fix }),
    ...(extra.details === undefined ? {} : { details: extra.details }),
  };
}

/** Whether any check found an error. */
export function hasErrors(checks: readonly CheckResult[]): boolean {
  return checks.some((c) => c.status === "error");
}
