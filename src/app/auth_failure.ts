/** Auth-layer failures as the runtime's failures, each with its kind. */

import { Failure } from "./failure.ts";
import type { AuthError } from "../auth/oauth.ts";
import { CredentialUnavailableError, NotAuthenticatedError } from "../auth/credential.ts";

/** The failure for a failed sign-in step. */
export function failureFromAuth(error: AuthError): Failure {
  const details = {
    auth_kind: error.kind,
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.code === undefined ? {} : { code: error.code }),
  };
  switch (error.kind) {
    case "aborted":
      return new Failure("interrupted", "sign-in cancelled; nothing was saved", { details });
    case "timeout":
      return new Failure("timeout", error.message, {
        details,
        hint: "run `pixir login` again for a new code",
      });
    case "not_enabled":
    case "denied":
    case "rejected":
      return new Failure("not_authenticated", error.message, { details });
    default:
      return new Failure("provider", error.message, { details });
  }
}

/** Maps the auth layer's thrown errors (no login, unreadable auth.json) onto failures. */
export function rethrowAuthError(error: unknown): never {
  throw authFailure(error);
}

/** The failure for an auth-layer error (no login, unreadable auth.json); anything else as is. */
export function authFailure(error: unknown): unknown {
  if (error instanceof NotAuthenticatedError) {
    const kind = error.fix === "reexport" ? "bundle_invalid" : "not_authenticated";
    return new Failure(kind, error.message, { hint: error.hint });
  }
  if (error instanceof CredentialUnavailableError) {
    return new Failure("io", error.message, error.hint ? { hint: error.hint } : {});
  }
  return error;
}
