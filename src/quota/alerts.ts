/**
 * Quota thresholds: which crossings of 80 % and 95 % of a usage window deserve a warning, and the
 * file remembering the ones already given, so a user hears each once per window — not once per
 * run. A window is told apart from the next one of the same kind by its reset time. Like the quota
 * cache, the file is only a memory aid: a broken one reads as "nothing warned yet".
 */

import { dirname, join } from "node:path";
import { isRecord, parseJson } from "../util/json.ts";
import type { QuotaSnapshot, QuotaWindow } from "./snapshot.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";

/** The share of a window, in percent, at which Pixir warns. */
export const QUOTA_THRESHOLDS: readonly number[] = [80, 95];

/** Which window of the plan: the short (five hours) or the long (a week) one. */
export type WindowSlot = "primary" | "secondary";

/** A threshold crossed in one window. */
export interface QuotaAlert {
  slot: WindowSlot;
  /** The window's reset time, Unix seconds; null when the server did not say. */
  resets_at: number | null;
  threshold: number;
}

/** A crossing worth a warning now, with the window it concerns. */
export interface DueAlert extends QuotaAlert {
  window: QuotaWindow;
}

/** Where the warned crossings are kept: beside the quota cache. */
export function quotaAlertsPath(paths: { readonly dataDir: string }): string {
  return join(paths.dataDir, "quota_alerts.json");
}

/**
 * The crossings in `snapshot` not yet in `warned`, at most one per window: the highest threshold
 * reached (a jump from 70 % to 96 % warns once, at 95 %).
 */
export function dueAlerts(snapshot: QuotaSnapshot, warned: readonly QuotaAlert[]): DueAlert[] {
  const due: DueAlert[] = [];
  for (const slot of ["primary", "secondary"] as const) {
    const window = snapshot[slot];
    if (!window) continue;
    const reached = QUOTA_THRESHOLDS.filter((t) => window.used_percent >= t);
    const highest = reached.at(-1);
    if (highest === undefined) continue;
    const alert: QuotaAlert = { slot, resets_at: window.resets_at ?? null, threshold: highest };
    if (!warned.some((w) => sameAlertOrHigher(w, alert))) due.push({ ...alert, window });
  }
  return due;
}

function sameAlertOrHigher(known: QuotaAlert, alert: QuotaAlert): boolean {
  return known.slot === alert.slot && known.resets_at === alert.resets_at &&
    known.threshold >= alert.threshold;
}

/**
 * `warned` plus `added`, without the crossings of windows that have reset by `nowSeconds` (they
 * can never match again), so the file stays small.
 */
export function rememberAlerts(
  warned: readonly QuotaAlert[],
  added: readonly QuotaAlert[],
  nowSeconds: number,
): QuotaAlert[] {
  return [
    ...warned,
    ...added.map(({ slot, resets_at, threshold }) => ({
      slot,
      resets_at,
      threshold,
    })),
  ].filter((a) => a.resets_at === null || a.resets_at > nowSeconds);
}

/** The crossings already warned about; a missing or broken file is none. Never throws. */
export async function loadQuotaAlerts(path: string): Promise<QuotaAlert[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return [];
  }
  const json = parseJson(text);
  if (!isRecord(json) || !Array.isArray(json.warned)) return [];
  return json.warned.filter(isQuotaAlert);
}

/** Replaces the file with `alerts` (0600, written atomically). Throws filesystem errors. */
export async function saveQuotaAlerts(path: string, alerts: readonly QuotaAlert[]): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify({ v: 1, warned: alerts })}\n`, { mode: 0o600 });
}

function isQuotaAlert(value: unknown): value is QuotaAlert {
  return isRecord(value) &&
    (value.slot === "primary" || value.slot === "secondary") &&
    (value.resets_at === null || typeof value.resets_at === "number") &&
    typeof value.threshold === "number";
}
