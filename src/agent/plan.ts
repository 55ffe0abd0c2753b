/** The plan in force in a session: the last one the model sent, or the one a compaction kept. */

import type { PlanData } from "../tools/plan.ts";
import type { CanonicalEvent } from "./event.ts";

/** The latest plan among `events` (a `plan` event, or a compaction's kept plan); null if none. */
export function currentPlan(events: readonly CanonicalEvent[]): PlanData | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.type === "plan") return event.data;
    if (event.type === "compaction" && event.data.plan !== undefined) return event.data.plan;
  }
  return null;
}
