/** The usage report, said for people: the quota windows and the token tables. */

import type { UsageReport } from "../app/usage.ts";
import type { DayTokens } from "../agent/token_totals.ts";
import type { UtcOffset } from "../quota/reset_time.ts";
import { describeWindow, windowName } from "../quota/text.ts";
import { terminalLine } from "./terminal_text.ts";

/** Sessions shown in the plain listing; `--json` has them all. */
const SESSION_ROWS = 10;

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
  // A title is the session's first prompt: shown, never obeyed.
  for (const s of shown) {
    lines.push(row([s.id, ...figures(s.model_calls, s), terminalLine(s.title)]));
    const children = s.subagents;
    if (children.model_calls > 0) {
      lines.push(
        row([`  of which subagents`.padEnd(22), ...figures(children.model_calls, children)]),
      );
    }
  }
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
