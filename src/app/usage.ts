/** What the plan and the sessions used: the last known quota and the tokens per day and session. */

import type { PixirPaths } from "../config/paths.ts";
import { type DayTokens, type SessionTokens, tokenTotals } from "../agent/token_totals.ts";
import type { UtcOffset } from "../quota/reset_time.ts";
import type { QuotaSnapshot } from "../quota/snapshot.ts";
import { loadQuota, quotaFilePath } from "../quota/store.ts";

const DAY_MS = 86_400_000;

/** The JSON of `pixir usage --json` (version 1). */
export interface UsageReport {
  v: 1;
  /** The last quota snapshot a response carried; null when none is known. */
  quota: QuotaSnapshot | null;
  /** How many days back the token figures reach. */
  period_days: number;
  /** Tokens per local day, newest first. */
  days: DayTokens[];
  /** Tokens per session, newest activity first. */
  sessions: SessionTokens[];
}

/**
 * The report over the last `days` days (local days by `utcOffset`); an unreadable quota cache or
 * session log is a warning, never a failure.
 */
export async function usageReport(
  paths: PixirPaths,
  options: {
    days: number;
    now: number;
    utcOffset: UtcOffset;
    warn(message: string): void | Promise<void>;
  },
): Promise<UsageReport> {
  const quota = await loadQuota(quotaFilePath(paths));
  if (quota.problem) await options.warn(quota.problem);
  const totals = await tokenTotals(paths.sessionsDir, {
    sinceMs: options.now - options.days * DAY_MS,
    utcOffset: options.utcOffset,
  });
  for (const skipped of totals.skipped) {
    await options.warn(`skipped ${skipped.path}: ${skipped.reason}`);
  }
  return {
    v: 1,
    quota: quota.snapshot,
    period_days: options.days,
    days: totals.days,
    sessions: totals.sessions,
  };
}
