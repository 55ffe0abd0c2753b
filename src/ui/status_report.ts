/** The account's status, said for people. */

import type { StatusReport } from "../app/status.ts";
import type { QuotaWindow } from "../quota/snapshot.ts";
import { windowName } from "../quota/text.ts";

/** The report as lines for people, times relative to `now` (Unix ms). */
export function describeStatus(report: StatusReport, now: number): string {
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
  if (report.quota) {
    lines.push(`  quota       as of ${new Date(report.quota.observed_at * 1000).toISOString()}`);
    for (const w of [report.quota.primary, report.quota.secondary]) {
      if (w) lines.push(`    ${windowName(w).padEnd(10)}${window(w, now)}`);
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

function window(w: QuotaWindow, now: number): string {
  const resets = w.resets_at === undefined
    ? ""
    : `, resets in ${Math.max(0, Math.round((w.resets_at * 1000 - now) / 60_000))} min`;
  return `${w.used_percent}% used${resets}`;
}
