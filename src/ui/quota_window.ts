/** A plan usage window said for a person: its name by length and how much of it is used. */

import type { QuotaWindow } from "../provider/quota.ts";
import { describeReset, type UtcOffset } from "../provider/reset_time.ts";

/** "5-hour", "7-day" (or "5h", "7d" in the short form): the window's length as people say it. */
export function windowName(w: QuotaWindow, form: "long" | "short" = "long"): string {
  const m = w.window_minutes;
  if (m === undefined) return form === "long" ? "window" : "quota";
  const [count, unit] = m % 1440 === 0
    ? [m / 1440, "day"]
    : m % 60 === 0
    ? [m / 60, "hour"]
    : [m, "min"];
  return form === "long" ? `${count}-${unit}` : `${count}${unit[0]}`;
}

/** "82% used, resets in 43 min, at 14:20" (the reset part only when known). */
export function describeWindow(w: QuotaWindow, nowMs: number, utcOffset: UtcOffset): string {
  if (w.resets_at === undefined) return `${w.used_percent}% used`;
  const wait = w.resets_at - nowMs / 1000;
  return wait <= 0
    ? `${w.used_percent}% used (the window has reset since)`
    : `${w.used_percent}% used, resets ${describeReset(wait, nowMs, utcOffset)}`;
}
