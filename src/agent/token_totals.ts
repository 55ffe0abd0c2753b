/**
 * Tokens spent, read from the session logs: every `usage` event is one model call, summed per
 * session and per calendar day (in the user's time zone, via `utcOffset`). The logs are the only
 * record, so the figures cover exactly what Pixir logged.
 */

import type { Usage } from "../provider/item.ts";
import { addUsage, ZERO_USAGE } from "../provider/usage.ts";
import type { UtcOffset } from "../quota/reset_time.ts";
import { parseLogLine } from "./log_line.ts";
import { readLinesForward } from "./log_lines.ts";
import { listSessions, type SessionSummary } from "./session_list.ts";

/** Tokens of one session. */
export interface SessionTokens {
  id: string;
  cwd: string;
  title: string;
  /** Last activity (ISO 8601). */
  updated: string;
  /** How many model calls reported usage, the child agents' included. */
  model_calls: number;
  usage: Usage;
  /** The part of `model_calls` and `usage` the session's child agents (`task`) spent. */
  subagents: { model_calls: number; usage: Usage };
}

/** Tokens of one day, across sessions. */
export interface DayTokens {
  /** The local calendar day, `YYYY-MM-DD`. */
  day: string;
  model_calls: number;
  usage: Usage;
}

/** Totals per session (newest activity first) and per day (newest first). */
export interface TokenTotals {
  sessions: SessionTokens[];
  days: DayTokens[];
  /** Logs that could not be read, and why. */
  skipped: { path: string; reason: string }[];
}

/** Which calls count and how days are cut. */
export interface TokenTotalsOptions {
  /** Only calls logged at or after this instant (epoch ms) count; sessions without any are left out. */
  sinceMs: number;
  utcOffset: UtcOffset;
}

/** Sums the usage events of every session log in `sessionsDir`. */
export async function tokenTotals(
  sessionsDir: string,
  options: TokenTotalsOptions,
): Promise<TokenTotals> {
  const listing = await listSessions(sessionsDir);
  const totals: TokenTotals = { sessions: [], days: [], skipped: [...listing.skipped] };
  const days = new Map<string, DayTokens>();
  for (const summary of listing.sessions) {
    try {
      const session = await sessionTokens(summary, options, days);
      if (session.model_calls > 0) totals.sessions.push(session);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      totals.skipped.push({ path: summary.path, reason });
    }
  }
  totals.days = [...days.values()].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  return totals;
}

/** One session's sums; each call is also added to its day in `days`. */
async function sessionTokens(
  summary: SessionSummary,
  options: TokenTotalsOptions,
  days: Map<string, DayTokens>,
): Promise<SessionTokens> {
  const session: SessionTokens = {
    id: summary.id,
    cwd: summary.cwd,
    title: summary.title,
    updated: summary.updated,
    model_calls: 0,
    usage: ZERO_USAGE,
    subagents: { model_calls: 0, usage: ZERO_USAGE },
  };
  for await (const line of readLinesForward(summary.path)) {
    const parsed = line.text === null ? null : parseLogLine(line.text);
    if (!parsed?.ok) continue;
    const { envelope } = parsed;
    const child = envelope.type === "subagent_event" ? envelope.data.event : undefined;
    const usage = envelope.type === "usage"
      ? envelope.data
      : child?.type === "usage"
      ? child.data
      : undefined;
    if (usage === undefined) continue;
    const at = Date.parse(envelope.ts);
    if (!(at >= options.sinceMs)) continue;
    session.model_calls += 1;
    session.usage = addUsage(session.usage, usage);
    if (child !== undefined) {
      session.subagents = {
        model_calls: session.subagents.model_calls + 1,
        usage: addUsage(session.subagents.usage, usage),
      };
    }
    const day = localDay(at, options.utcOffset);
    const sum = days.get(day) ?? { day, model_calls: 0, usage: ZERO_USAGE };
    days.set(day, { day, model_calls: sum.model_calls + 1, usage: addUsage(sum.usage, usage) });
  }
  return session;
}

/** The local calendar day of an instant. */
export function localDay(unixMs: number, utcOffset: UtcOffset): string {
  return new Date(unixMs + utcOffset(unixMs) * 60_000).toISOString().slice(0, 10);
}
