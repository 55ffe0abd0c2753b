/**
 * Every way a command can fail, as one structured value with a documented exit code. Commands
 * throw `CliFailure` (the runtime throws its `Failure`); main turns either into an exit code and
 * `{ok:false,error:{kind,message,details}}`.
 */

import type { ProviderError } from "../provider/error.ts";
import { storageFailureOf } from "../util/storage_error.ts";
import { Failure, type FailureKind } from "../app/failure.ts";

/** Exit codes, as documented in the README. */
export const EXIT = {
  ok: 0,
  runtime: 1,
  usage: 2,
  permission: 3,
  notAuthenticated: 4,
  usageLimit: 5,
  schemaMismatch: 6,
  bundleInvalid: 7,
  /** `pixir review --fail-on`: a finding at or above the threshold. */
  findings: 8,
  timeout: 124,
  interrupted: 130,
  outputClosed: 141,
} as const;

/** A failure at the CLI boundary: a runtime failure with the exit code it ends the process with. */
export class CliFailure extends Failure {
  readonly exitCode: number;

  constructor(
    kind: FailureKind,
    message: string,
    opts: { details?: Record<string, unknown>; hint?: string; exitCode?: number } = {},
  ) {
    super(kind, message, opts);
    this.name = "CliFailure";
    this.exitCode = opts.exitCode ?? exitCodeFor(kind);
  }

  /** The CLI's view of any failure: a runtime failure gets its kind's exit code. */
  static from(failure: Failure): CliFailure {
    return failure instanceof CliFailure ? failure : new CliFailure(failure.kind, failure.message, {
      details: failure.details,
      hint: failure.hint,
    });
  }
}

/** The documented exit code of a failure kind. */
export function exitCodeFor(kind: FailureKind): number {
  switch (kind) {
    case "usage":
    case "unknown_session":
      return EXIT.usage;
    case "permission_denied":
      return EXIT.permission;
    case "not_authenticated":
      return EXIT.notAuthenticated;
    case "usage_limit":
      return EXIT.usageLimit;
    case "schema_mismatch":
      return EXIT.schemaMismatch;
    case "bundle_invalid":
      return EXIT.bundleInvalid;
    case "timeout":
      return EXIT.timeout;
    case "interrupted":
      return EXIT.interrupted;
    default:
      return EXIT.runtime;
  }
}

/** The fix when a provider refuses the hosted web search tool. */
const WEB_SEARCH_REFUSED =
  "the provider refused the hosted web_search tool: run without --search " +
  "(and web_search = true), or set supports_web_search = false for this provider";

/**
 * Maps a provider failure onto the CLI's kinds, keeping the provider's facts as details;
 * `authHint` says how to fix a rejected credential of the kind that was used.
 */
export function failureFromProvider(error: ProviderError, authHint: string): CliFailure {
  const details: Record<string, unknown> = { provider_kind: error.kind };
  if (error.status !== undefined) details.status = error.status;
  if (error.code !== undefined) details.code = error.code;
  if (error.request_id !== undefined) details.request_id = error.request_id;
  if (error.resets_at !== undefined) details.resets_at = error.resets_at;
  if (error.details) Object.assign(details, error.details);
  switch (error.kind) {
    case "usage_limit":
      return new CliFailure("usage_limit", error.message, { details });
    case "auth":
      // A worker's bundle cannot be renewed here: its own code tells a fleet to re-export.
      if (error.details?.fix === "reexport") {
        return new CliFailure("bundle_invalid", error.message, { details, hint: authHint });
      }
      return new CliFailure("not_authenticated", error.message, { details, hint: authHint });
    case "context_overflow":
      return new CliFailure("context_overflow", error.message, { details });
    case "invalid_request":
      return new CliFailure("invalid_request", error.message, {
        details,
        // A provider that claims the hosted search and then refuses it is named as the cause.
        ...(/web_search/.test(error.message) ? { hint: WEB_SEARCH_REFUSED } : {}),
      });
    case "idle_timeout":
      return new CliFailure("timeout", error.message, { details });
    case "aborted":
      return new CliFailure("interrupted", "interrupted", { details });
    default:
      return new CliFailure("provider", error.message, { details });
  }
}

/**
 * A filesystem failure a person can fix (read-only, full, not writable) as an `io` failure naming
 * the folder and the fix; undefined for any other error. `fallbackFolder` is named when the error
 * does not say where.
 */
export function storageFailure(error: unknown, fallbackFolder?: string): CliFailure | undefined {
  const found = storageFailureOf(error);
  if (found === null) return undefined;
  const folder = found.folder ?? fallbackFolder ?? "Pixir's folder";
  const elsewhere = "or set PIXIR_HOME to a writable folder";
  const [what, fix] = found.problem === "read_only"
    ? [
      "the file system is read-only",
      `make ${folder} writable (remount it read-write), ${elsewhere}`,
    ]
    : found.problem === "no_space"
    ? ["no space left on the device", `free some space on the disk of ${folder}, ${elsewhere}`]
    : ["permission denied", `give your user write access to ${folder} (chmod u+w), ${elsewhere}`];
  return new CliFailure("io", `cannot write in ${folder}: ${what}`, {
    details: { folder, code: found.code, ...(found.path ? { path: found.path } : {}) },
    hint: fix,
  });
}
