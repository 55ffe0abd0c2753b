/**
 * The quota around each model call of a run: the latest snapshot the backend reports is cached,
 * crossing 80 % or 95 % of a window is warned about once per window, and with `--stop-at-quota`
 * a call is refused before any request is sent when the last known usage is at or past the line.
 * The quota and alert files are caches: failing to write them is one warning, never a failed run.
 */

import type { ModelEvent } from "../provider/model_event.ts";
import type { ProviderError } from "../provider/error.ts";
import type { QuotaSnapshot, QuotaWindow } from "../provider/quota.ts";
import type { UtcOffset } from "../provider/reset_time.ts";
import { loadQuota, saveQuota } from "../config/quota_file.ts";
import {
  dueAlerts,
  loadQuotaAlerts,
  rememberAlerts,
  saveQuotaAlerts,
  type WindowSlot,
} from "../config/quota_alerts.ts";
import { describeWindow, windowName } from "../ui/quota_window.ts";

/** What the guard needs: where the caches live, the limit, and the effects. */
export interface QuotaGuardOptions {
  now: () => number;
  /** Shows a warning (stderr in `run`, a notice in chat). */
  warn: (message: string) => void | Promise<void>;
  quotaFile: string;
  alertsFile: string;
  /** `--stop-at-quota`: refuse a call once a window is at or above this percentage. */
  stopAtPercent?: number;
  utcOffset: UtcOffset;
}

/** Wraps model calls of one run. */
export interface QuotaGuard {
  /** Runs `call` unless the quota says stop, passing its events through and keeping its quota. */
  call(call: () => AsyncIterable<ModelEvent>): AsyncIterable<ModelEvent>;
}

/** The window that ends a run under `--stop-at-quota`. */
export interface QuotaStop {
  slot: WindowSlot;
  window: QuotaWindow;
}

/**
 * The first window of `snapshot` at or above `percent`, ignoring a window whose reset time has
 * passed by `nowSeconds` (its figure is stale); null when every window is below.
 */
export function quotaStop(
  snapshot: QuotaSnapshot | null,
  percent: number,
  nowSeconds: number,
): QuotaStop | null {
  if (!snapshot) return null;
  for (const slot of ["primary", "secondary"] as const) {
    const window = snapshot[slot];
    if (!window || (window.resets_at !== undefined && window.resets_at <= nowSeconds)) continue;
    if (window.used_percent >= percent) return { slot, window };
  }
  return null;
}

/** A guard starting from the cached snapshot (so the very first request can be refused). */
export async function quotaGuard(options: QuotaGuardOptions): Promise<QuotaGuard> {
  const { now, warn } = options;
  let latest = (await loadQuota(options.quotaFile)).snapshot;
  const failedWrites = new Set<string>();

  const warnWriteFailure = async (path: string, error: unknown) => {
    if (failedWrites.has(path)) return;
    failedWrites.add(path);
    const reason = error instanceof Error ? error.message : String(error);
    await warn(`could not save ${path}: ${reason}`);
  };

  const observe = async (snapshot: QuotaSnapshot) => {
    latest = snapshot;
    try {
      await saveQuota(options.quotaFile, snapshot);
    } catch (error) {
      await warnWriteFailure(options.quotaFile, error);
    }
    const warned = await loadQuotaAlerts(options.alertsFile);
    const due = dueAlerts(snapshot, warned);
    if (due.length === 0) return;
    for (const alert of due) {
      await warn(
        `${alert.threshold}% of the ${windowName(alert.window)} quota reached: ${
          describeWindow(alert.window, now(), options.utcOffset)
        }`,
      );
    }
    try {
      await saveQuotaAlerts(
        options.alertsFile,
        rememberAlerts(warned, due, Math.floor(now() / 1000)),
      );
    } catch (error) {
      await warnWriteFailure(options.alertsFile, error);
    }
  };

  return {
    async *call(call) {
      if (options.stopAtPercent !== undefined) {
        const stop = quotaStop(latest, options.stopAtPercent, now() / 1000);
        if (stop) {
          yield { type: "failed", error: stopError(stop, options.stopAtPercent) };
          return;
        }
      }
      for await (const event of call()) {
        if (event.type === "quota") await observe(event.snapshot);
        yield event;
      }
    },
  };
}

function stopError(stop: QuotaStop, percent: number): ProviderError {
  return {
    kind: "usage_limit",
    message: `stopped before the next request: the ${
      windowName(stop.window)
    } quota is at ${stop.window.used_percent}% (--stop-at-quota ${percent})`,
    retryable: false,
    code: "stop_at_quota",
    ...(stop.window.resets_at === undefined ? {} : { resets_at: stop.window.resets_at }),
    details: { window: stop.slot, used_percent: stop.window.used_percent, stop_at: percent },
  };
}
