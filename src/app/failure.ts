/**
 * A failure the user or a script can see, as one structured value: `{kind, message, details}` and
 * a hint that fixes it. The runtime raises it; each front end says it in its own way (the CLI as an
 * exit code and a line on stderr, ACP as a JSON-RPC error).
 */

/** The error kinds a user or script can see at a boundary. */
export type FailureKind =
  | "usage"
  | "unknown_session"
  | "not_authenticated"
  | "bundle_invalid"
  | "permission_denied"
  | "usage_limit"
  | "context_overflow"
  | "invalid_request"
  | "provider"
  | "timeout"
  | "interrupted"
  | "iteration_cap"
  | "schema_mismatch"
  | "io"
  | "internal";

/** A failure at a boundary. */
export class Failure extends Error {
  readonly kind: FailureKind;
  readonly details: Record<string, unknown>;
  /** A command or step that fixes it, shown under the message. */
  readonly hint?: string;

  constructor(
    kind: FailureKind,
    message: string,
    opts: { details?: Record<string, unknown>; hint?: string } = {},
  ) {
    super(message);
    this.name = "Failure";
    this.kind = kind;
    this.details = opts.details ?? {};
    this.hint = opts.hint;
  }

  /** The JSON shape of this failure. */
  toJSON(): { kind: FailureKind; message: string; details: Record<string, unknown> } {
    return {
      kind: this.kind,
      message: this.message,
      details: this.hint ? { ...this.details, hint: this.hint } : this.details,
    };
  }
}
