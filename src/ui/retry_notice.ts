/** The one line both renderers show, and keep updating, while a failed model call is retried. */

import type { ProviderError } from "../provider/error.ts";
import { oneLine } from "./tool_summary.ts";

/** "retry 2 in 0.4 s: the server is overloaded" — the attempt, the delay and the cause. */
export function retryNotice(
  data: { attempt: number; delay_ms: number; error: ProviderError },
): string {
  const seconds = (data.delay_ms / 1000).toFixed(1);
  return `retry ${data.attempt} in ${seconds} s: ${oneLine(data.error.message)}`;
}
