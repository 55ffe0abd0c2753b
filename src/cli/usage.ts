/** `pixir usage`: the plan's last known quota windows and the tokens spent, per day and session. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom } from "./inputs.ts";
import { usageReport } from "../app/usage.ts";
import { systemUtcOffset } from "../quota/reset_time.ts";
import { describeUsage } from "../ui/usage_report.ts";

const FLAGS = {
  json: { type: "boolean" },
  days: { type: "string" },
} as const;

const DEFAULT_DAYS = 7;

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
    const { values } = parseFlags("usage", argv, FLAGS);
    const days = daysFrom(values.days);
    const warn = (message: string) => io.stderr.write(`pixir: warning: ${message}\n`);
    const report = await usageReport(pathsFrom(io), {
      days,
      now: io.now(),
      utcOffset: systemUtcOffset,
      warn,
    });
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
