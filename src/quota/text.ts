/**
 * The quota said for a person: a window's name by length and how much of it is used, the warning
 * at a crossed threshold, and why `--stop-at-quota` refused a request.
 */

import type { QuotaWindow } from "./snapshot.ts";
import { describeReset, type UtcOffset } from "./reset_time.ts";
import type { DueAlert } from "./alerts.ts";

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

/** "80% of the 5-hour quota reached: 82% used, resets in 43 min, at 12:43". */
export function alertMessage(alert: DueAlert, nowMs: number, utcOffset: UtcOffset): string {
  return `${alert.threshold}% of the ${windowName(alert.window)} quota reached: ${
    describeWindow(alert.window, nowMs, utcOffset)
  }`;
}

/** Why a request was not sent under `--stop-at-quota PCT`. */
export function stopMessage(window: QuotaWindow, percent: number): string {
  return `stopped before the next request: the ${
    windowName(window)
  } quota is at ${window.used_percent}% (--stop-at-quota ${percent})`;
}
