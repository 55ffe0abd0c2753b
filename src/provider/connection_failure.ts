/** A model call's connection that failed or broke, as a provider failure naming the URL. */

import type { ProviderError } from "./error.ts";
import { type ConnectionPhase, describeConnectionFailure } from "../util/connection_cause.ts";

export type { ConnectionPhase } from "../util/connection_cause.ts";

/**
 * The provider failure for a connection to `url` that failed during `phase`: retryable, with the
 * URL, the cause and the runtime's own words in `details`, and what to check as `details.hint`.
 */
export function connectionFailure(
  error: unknown,
  url: string,
  phase: ConnectionPhase,
): ProviderError {
  const { cause, what, check, reason } = describeConnectionFailure(error, phase);
  return {
    kind: "transport",
    message: `${url}: ${what}`,
    retryable: true,
    details: { url, cause, phase, reason, hint: check },
  };
}
