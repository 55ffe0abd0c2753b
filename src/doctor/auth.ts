/**
 * The sign-in check of `pixir doctor`, from the same state `pixir status` shows. Being signed out
 * is a warning (doctor is often run before `pixir login`); an unreadable credentials file, or one
 * others can read, is an error.
 */

import { check, type CheckResult } from "./check.ts";
import { readSignInState } from "../auth/sign_in_state.ts";
import { CredentialUnavailableError, NotAuthenticatedError } from "../auth/credential.ts";

/** Checks the stored sign-in in `configDir` and the environment's API key. */
export async function authCheck(
  configDir: string,
  env: (name: string) => string | undefined,
): Promise<CheckResult> {
  let state;
  try {
    state = await readSignInState(configDir, env);
  } catch (error) {
    if (!(error instanceof CredentialUnavailableError || error instanceof NotAuthenticatedError)) {
      throw error;
    }
    return check("auth", "auth", "error", error.message, {
      ...(error.hint === undefined ? {} : { fix: error.hint }),
    });
  }
  const file = state.auth_file;
  const details = { ...state };
  // Windows has no mode bits ("unknown"); elsewhere the group and others bits must be clear.
  if (file.mode !== null && file.mode !== "unknown" && (parseInt(file.mode, 8) & 0o077) !== 0) {
    return check(
      "auth",
      "auth",
      "error",
      `${file.path} has mode ${file.mode}: others can read it`,
      {
        fix: `chmod 600 ${file.path}`,
        details,
      },
    );
  }
  if (!state.signed_in) {
    return check("auth", "auth", "warn", "not signed in", {
      fix: "run `pixir login` (or set OPENAI_API_KEY)",
      details,
    });
  }
  const summary = state.source === "bundle"
    ? `access-only bundle from ${state.bundle?.variable}, expires ${state.expires_at} (never refreshed here)`
    : state.method === "chatgpt"
    ? `signed in with ChatGPT as ${state.email ?? "(no email in token)"}${
      state.plan ? ` (${state.plan})` : ""
    }`
    : `API key from ${state.source === "env" ? "OPENAI_API_KEY" : file.path}`;
  return check("auth", "auth", "ok", summary, { details });
}
