/**
 * How full the model's context is: the last model call's input plus its output is what the next
 * request will carry at least (the whole history is resent every call), measured against the
 * model's window. Right after a compaction only the summary's size is known, until the next call.
 */

import type { CanonicalEvent } from "./event.ts";
import { type ModelInfo, modelInfo } from "../provider/models.ts";

/** The context in use, as of the last model call. */
export interface ContextUsage {
  /** Input tokens of the last model call plus its output tokens; 0 before the first call. */
  used_tokens: number;
  /** The model's context window, in tokens. */
  window: number;
  /** `used_tokens` as a percentage of `window`, one decimal. */
  percent: number;
}

/**
 * The context in use after `events` (a session's canonical events) for `model`, whose window
 * comes from `catalog` when it knows the model, else from the built-in table.
 */
export function contextUsage(
  events: readonly CanonicalEvent[],
  model: string,
  catalog: readonly ModelInfo[] = [],
): ContextUsage {
  const window = modelInfo(model, catalog).context_window;
  let used = 0;
  let compacted = false;
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.type === "compaction") compacted = true;
    if (event.type === "usage") {
      // The summarising call read the old history; what remains of it is the summary it wrote.
      used = compacted
        ? event.data.output_tokens
        : event.data.input_tokens + event.data.output_tokens;
      break;
    }
  }
  return { used_tokens: used, window, percent: Math.round((used / window) * 1000) / 10 };
}
