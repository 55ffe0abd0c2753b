/** `pixir usage`: the plan's last known quota windows and the tokens spent, per day and session. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom } from "./inputs.ts";
import { type DayTokens, type SessionTokens, tokenTotals } from "../agent/token_totals.ts";
import { loadQuota, quotaFilePath } from "../quota/store.ts";
import type { QuotaSnapshot } from "../quota/snapshot.ts";
import { systemUtcOffset, type UtcOffset } from "../quota/reset_time.ts";
import { describeWindow, windowName } from "../quota/text.ts";

const FLAGS = {
  json: { type: "boolean" },
  days: { type: "string" },
} as const;

const DEFAULT_DAYS = 7;
const DAY_MS = 86_400_000;
/** Sessions shown in the plain listing; `--json` has them all. */
const SESSION_ROWS = 10;

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

/** The `usage` command. */
export const usageCommand: Command = {
  name: "usage",
  summary: "show the last known quota windows and the tokens spent per day and session",
  help: `Usage: pixir usage [--days N] [--json]

Shows the plan's last known usage windows (5-hour and weekly: percent used and when each resets),
as the ChatGPT backend reported them on the latest run with a subscription, and the tokens spent
per day and per session over the last N days, added up from the session logs.

Runs warn on stderr once per window when it passes 80 % and 95 %; \`pixir run --stop-at-quota PCT\`
ends a run (exit 5) before a request once a window is at or above PCT.

Flags:
      --days N         how many days of token figures (default: ${DEFAULT_DAYS})
      --json           print one JSON object: {v, quota, period_days, days, sessions}
  -h, --help           show this help

Example:
  pixir usage --days 30 --json | jq '.days[0].usage.total_tokens'
`,
  async run(argv, io) {
    const { values } = parseFlags(usageCommand, argv, FLAGS);
    const days = daysFrom(values.days);
    const paths = pathsFrom(io);
    const quota = await loadQuota(quotaFilePath(paths));
    if (quota.problem) await io.stderr.write(`pixir: warning: ${quota.problem}\n`);
    const totals = await tokenTotals(paths.sessionsDir, {
      sinceMs: io.now() - days * DAY_MS,
      utcOffset: systemUtcOffset,
    });
    for (const skipped of totals.skipped) {
      await io.stderr.write(`pixir: warning: skipped ${skipped.path}: ${skipped.reason}\n`);
    }
    const report: UsageReport = {
      v: 1,
      quota: quota.snapshot,
      period_days: days,
      days: totals.days,
      sessions: totals.sessions,
    };
    await io.stdout.write(
      values.json
        ? JSON.stringify(report) + "\n"
        : describeUsage(report, io.now(), systemUtcOffset),
    );
    return EXIT.ok;
  },
};

function daysFrom(value: string | undefined): number {
  if (value === undefined) return DEFAULT_DAYS;
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1) {
    throw new CliFailure("usage", `--days: "${value}" must be a whole number of days, at least 1`);
  }
  return days;
}

/** The plain-text report. */
export function describeUsage(report: UsageReport, nowMs: number, utcOffset: UtcOffset): string {
  const lines: string[] = [];
  const { quota } = report;
  if (quota === null || (!quota.primary && !quota.secondary)) {
    lines.push(
      "Quota: none known yet (the ChatGPT backend reports it on runs with a subscription)",
    );
  } else {
    const plan = quota.plan ? `, plan ${quota.plan}` : "";
    lines.push(`Quota (as of ${isoMinute(quota.observed_at * 1000)} UTC${plan})`);
    for (const w of [quota.primary, quota.secondary]) {
      if (w) lines.push(`  ${windowName(w).padEnd(9)} ${describeWindow(w, nowMs, utcOffset)}`);
    }
  }
  lines.push("");
  const period = `last ${report.period_days} day${report.period_days === 1 ? "" : "s"}`;
  if (report.days.length === 0) {
    lines.push(`Tokens: no model calls logged in the ${period}`);
    return lines.join("\n") + "\n";
  }
  lines.push(`Tokens per day (${period})`);
  lines.push(row(["DAY       ", "CALLS", "INPUT", "CACHED", "OUTPUT", "TOTAL"]));
  for (const d of report.days) lines.push(row([d.day, ...figures(d.model_calls, d)]));
  lines.push("");
  const shown = report.sessions.slice(0, SESSION_ROWS);
  const more = report.sessions.length - shown.length;
  lines.push(`Tokens per session (${period}${more > 0 ? `, newest ${SESSION_ROWS}` : ""})`);
  lines.push(row(["SESSION".padEnd(22), "CALLS", "INPUT", "CACHED", "OUTPUT", "TOTAL", "TITLE"]));
  for (const s of shown) lines.push(row([s.id, ...figures(s.model_calls, s), s.title]));
  if (more > 0) lines.push(`  … ${more} more (see --json)`);
  return lines.join("\n") + "\n";
}

function figures(calls: number, { usage }: { usage: DayTokens["usage"] }): string[] {
  return [
    String(calls).padStart(5),
    count(usage.input_tokens),
    count(usage.cached_tokens),
    count(usage.output_tokens),
    count(usage.total_tokens),
  ];
}

function count(n: number): string {
  return n.toLocaleString("en-US").padStart(11);
}

function row(cells: string[]): string {
  const [first, calls, ...rest] = cells;
  return `  ${first}  ${calls.padStart(5)}  ${
    rest.map((c, i) => i < 4 ? c.padStart(11) : c).join("  ")
  }`
    .trimEnd();
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}
