/** `pixir status`: who is signed in, with what, until when, and the last known quota. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { EXIT } from "./failure.ts";
import type { Io } from "../util/io.ts";
import { pathsFrom } from "./inputs.ts";
import { rethrowAuthError } from "./auth_failure.ts";
import { readSignInState, type SignInState } from "../auth/sign_in_state.ts";
import { loadQuota, quotaFilePath } from "../quota/store.ts";
import type { QuotaSnapshot } from "../quota/snapshot.ts";
import { describeWindow, windowName } from "../quota/text.ts";
import { systemUtcOffset, type UtcOffset } from "../quota/reset_time.ts";

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
Exits 0 when signed in, 4 when not, 1 when auth.json exists but cannot be read or understood
(the report says why; \`pixir logout\` moves it aside).

Flags:
      --json           print the report as one JSON object: {v, signed_in, method, source, email,
                       plan, account_id, expires_at, issuer, auth_file, quota}
  -h, --help           show this help

Example:
  pixir status --json | jq .quota.primary.used_percent
`,
  async run(argv, io) {
    const { values } = parseFlags(statusCommand, argv, FLAGS);
    const report = await statusReport(io);
    if (values.json) await io.stdout.write(JSON.stringify(report) + "\n");
    else await io.stdout.write(describeStatus(report, io.now()));
    if (report.auth_file.problem !== undefined) return EXIT.runtime;
    return report.signed_in ? EXIT.ok : EXIT.notAuthenticated;
  },
};

/** Gathers the sign-in (in the order `run` picks credentials) and the last quota snapshot. */
export async function statusReport(io: Io): Promise<StatusReport> {
  const paths = pathsFrom(io);
  let state: SignInState;
  try {
    state = await readSignInState(paths.configDir, io.env, { tolerateBadFile: true });
  } catch (error) {
    rethrowAuthError(error);
  }
  const { snapshot } = await loadQuota(quotaFilePath(paths));
  return { v: 1, ...state, quota: snapshot };
}

/** The report as lines for people, times relative to `now` (Unix ms). */
export function describeStatus(
  report: StatusReport,
  now: number,
  utcOffset: UtcOffset = systemUtcOffset,
): string {
  const lines: string[] = [];
  if (!report.signed_in) {
    lines.push("Not signed in. Run `pixir login` (or set OPENAI_API_KEY).");
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
