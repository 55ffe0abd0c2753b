/** `pixir status`: who is signed in, with what, until when, and the last known quota. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { EXIT } from "./failure.ts";
import type { Io } from "../util/io.ts";
import { pathsFrom } from "./inputs.ts";
import { rethrowAuthError } from "./auth_failure.ts";
import { readSignInState, type SignInState } from "../auth/sign_in_state.ts";
import { loadQuota, quotaFilePath } from "../quota/store.ts";
import type { QuotaSnapshot, QuotaWindow } from "../quota/snapshot.ts";
import { windowName } from "../quota/text.ts";

const FLAGS = { json: { type: "boolean" } } as const;

/** The JSON of `pixir status --json` (version 1). */
export interface StatusReport extends SignInState {
  v: 1;
  quota: QuotaSnapshot | null;
}

/** The `status` command. */
export const statusCommand: Command = {
  name: "status",
  summary: "show the sign-in, its expiry and the last known quota",
  help: `Usage: pixir status [--json]

Shows whether Pixir is signed in and with what (ChatGPT subscription or API key), the account's
email, plan and id, when the access token expires (it is refreshed automatically), where the
credentials are stored and with which file mode, and the last quota windows the server reported.
Exits 0 when signed in, 4 when not, 6 when PIXIR_ACCESS_BUNDLE(_FILE) holds no valid bundle.

Flags:
      --json           print the report as one JSON object: {v, signed_in, method, source, email,
                       plan, account_id, expires_at, issuer, auth_file, quota}; source is
                       "auth_file", "env" or "bundle" (an access-only bundle, with bundle.variable
                       naming where it was read from)
  -h, --help           show this help

Example:
  pixir status --json | jq .quota.primary.used_percent
`,
  async run(argv, io) {
    const { values } = parseFlags("status", argv, FLAGS);
    const report = await statusReport(io);
    if (values.json) await io.stdout.write(JSON.stringify(report) + "\n");
    else await io.stdout.write(describeStatus(report, io.now()));
    return report.signed_in ? EXIT.ok : EXIT.notAuthenticated;
  },
};

/** Gathers the sign-in (in the order `run` picks credentials) and the last quota snapshot. */
export async function statusReport(io: Io): Promise<StatusReport> {
  const paths = pathsFrom(io);
  let state: SignInState;
  try {
    state = await readSignInState(paths.configDir, io.env);
  } catch (error) {
    rethrowAuthError(error);
  }
  const { snapshot } = await loadQuota(quotaFilePath(paths));
  return { v: 1, ...state, quota: snapshot };
}

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
    lines.push(`  token       ${bundleExpiry(report.expires_at, now)}`);
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

function bundleExpiry(iso: string | null, now: number): string {
  const minutes = Math.round((Date.parse(iso ?? "") - now) / 60_000);
  return minutes > 0
    ? `expires ${iso} (in ${minutes} min; then re-export on the holder)`
    : `expired ${iso}: re-export on the holder`;
}

function window(w: QuotaWindow, now: number): string {
  const resets = w.resets_at === undefined
    ? ""
    : `, resets in ${Math.max(0, Math.round((w.resets_at * 1000 - now) / 60_000))} min`;
  return `${w.used_percent}% used${resets}`;
}
