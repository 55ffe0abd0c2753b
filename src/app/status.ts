/** The account's status: who is signed in, with what, until when, and the last known quota. */

import { rethrowAuthError } from "./auth_failure.ts";
import { readSignInState, type SignInState } from "../auth/sign_in_state.ts";
import type { PixirPaths } from "../config/paths.ts";
import type { QuotaSnapshot } from "../quota/snapshot.ts";
import { loadQuota, quotaFilePath } from "../quota/store.ts";

/** The JSON of `pixir status --json` (version 1). */
export interface StatusReport extends SignInState {
  v: 1;
  quota: QuotaSnapshot | null;
}

/** Gathers the sign-in (in the order `run` picks credentials) and the last quota snapshot. */
export async function statusReport(
  paths: PixirPaths,
  env: (name: string) => string | undefined,
): Promise<StatusReport> {
  let state: SignInState;
  try {
    state = await readSignInState(paths.configDir, env);
  } catch (error) {
    rethrowAuthError(error);
  }
  const { snapshot } = await loadQuota(quotaFilePath(paths));
  return { v: 1, ...state, quota: snapshot };
}
