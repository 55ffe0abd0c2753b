/**
 * The quota around the model calls of a run: the latest snapshot the backend reports is cached,
 * crossing 80 % or 95 % of a window is warned about once per window, and with `--stop-at-quota`
 * a call is refused before any request is sent when the last known usage is at or past the line.
 * The quota and alert files are caches: failing to write them is one warning, never a failed run.
 */

import type { QuotaSnapshot, QuotaWindow } from "./snapshot.ts";
import type { UtcOffset } from "./reset_time.ts";
import { loadQuota, saveQuota } from "./store.ts";
import {
  dueAlerts,
  loadQuotaAlerts,
  rememberAlerts,
  saveQuotaAlerts,
  type WindowSlot,
} from "./alerts.ts";
import { alertMessage } from "./text.ts";
import { errorMessage } from "../util/error_message.ts";

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

/** The quota of one run, asked before each model call and told every snapshot it reports. */
export interface QuotaGuard {
  /** The window that forbids the next request (`--stop-at-quota`), or null when it may go. */
  stop(): QuotaStop | null;
  /** Keeps a snapshot a reply reported: cached, and warned about once per crossed threshold. */
  observe(snapshot: QuotaSnapshot): Promise<void>;
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
    await warn(`could not save ${path}: ${errorMessage(error)}`);
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
      await warn(alertMessage(alert, now(), options.utcOffset));
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
    stop: () =>
      options.stopAtPercent === undefined
        ? null
        : quotaStop(latest, options.stopAtPercent, now() / 1000),
    observe,
  };
}
