/** The account's status, said for people. */

import type { StatusReport } from "../app/status.ts";
import { describeWindow, windowName } from "../quota/text.ts";
import { systemUtcOffset, type UtcOffset } from "../quota/reset_time.ts";

/** The report as lines for people, times relative to `now` (Unix ms). */
export function describeStatus(
  report: StatusReport,
  now: number,
  utcOffset: UtcOffset = systemUtcOffset,
): string {
  const lines: string[] = [];
  if (!report.signed_in) {
    lines.push("Not signed in. Run `pixir login` (or set OPENAI_API_KEY).");
  } else if (report.source === "bundle") {
    const from = report.bundle?.variable === "PIXIR_ACCESS_BUNDLE_FILE"
      ? `the file ${report.bundle.path}`
      : "PIXIR_ACCESS_BUNDLE";
    lines.push(`Using an access-only bundle from ${from} (never refreshed here)`);
    lines.push(`  plan        ${report.plan ?? "unknown"}`);
    lines.push(`  account     ${report.account_id}`);
    const minutes = Math.round((Date.parse(report.expires_at ?? "") - now) / 60_000);
    lines.push(
      `  token       ${
        minutes > 0
          ? `expires ${report.expires_at} (in ${minutes} min; then re-export on the holder)`
          : `expired ${report.expires_at}: re-export on the holder`
      }`,
    );
  } else if (report.method === "chatgpt") {
    lines.push(`Signed in with ChatGPT as ${report.email ?? "(no email in token)"}`);
    lines.push(`  plan        ${report.plan ?? "unknown"}`);
    lines.push(`  account     ${report.account_id}`);
    lines.push(`  token       ${expiry(report.expires_at, now)}`);
    lines.push(`  issuer      ${report.issuer}`);
  } else {
    lines.push(
      `Using an API key from ${report.source === "env" ? "OPENAI_API_KEY" : report.auth_file.path}`,
    );
  }
  const file = report.auth_file;
  lines.push(`  auth file   ${file.path} (${file.exists ? `mode ${file.mode}` : "none"})`);
  if (file.problem !== undefined) {
    lines.push(`  problem     ${file.problem}`);
    lines.push("  fix         run `pixir logout` to move it aside, then `pixir login`");
  }
  if (report.quota) {
    lines.push(`  quota       as of ${new Date(report.quota.observed_at * 1000).toISOString()}`);
    for (const w of [report.quota.primary, report.quota.secondary]) {
      if (w) lines.push(`    ${windowName(w).padEnd(10)}${describeWindow(w, now, utcOffset)}`);
    }
  }
  return lines.join("\n") + "\n";
}

function expiry(iso: string | null, now: number): string {
  if (iso === null) return "expiry unknown";
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  return minutes > 0
    ? `expires ${iso} (in ${minutes} min; refreshed automatically)`
    : `expired ${iso} (refreshed on next use)`;
}
