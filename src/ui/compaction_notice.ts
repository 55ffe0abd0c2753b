/** The one line both renderers show when a session's history was compacted. */

import type { CompactionData } from "../agent/event.ts";

const WHY: Record<CompactionData["reason"], string> = {
  manual: "on request",
  threshold: "the context passed its threshold",
  overflow: "the request did not fit the context window",
};

/** Says that, why, and from how many tokens the conversation was summarised. */
export function compactionNotice(data: CompactionData): string {
  return `compacted the conversation (${WHY[data.reason]}): ${data.tokens_before} tokens in use ` +
    "were summarised; the task and the latest exchanges are kept as they are";
}
