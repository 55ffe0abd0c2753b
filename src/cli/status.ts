/** `pixir status`: who is signed in, with what, until when, and the last known quota. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { EXIT } from "./failure.ts";
import type { Io } from "./io.ts";
import { pathsFrom } from "./inputs.ts";
import { rethrowAuthError } from "./auth_failure.ts";
import { authFileLocation, readAuthFile, type StoredAuth } from "../auth/auth_file.ts";
import { envApiKey } from "../auth/api_key.ts";
import { readClaims } from "../auth/jwt.ts";
import { loadQuota, quotaFilePath } from "../config/quota_file.ts";
import type { QuotaSnapshot, QuotaWindow } from "../provider/quota.ts";
import { windowName } from "../ui/quota_window.ts";

const FLAGS = { json: { type: "boolean" } } as const;

/** The JSON of `pixir status --json` (version 1). */
export interface StatusReport {
  v: 1;
  signed_in: boolean;
  /** "chatgpt" (subscription) or "api_key"; null when signed out. */
  method: "chatgpt" | "api_key" | null;
  /** Where the credential in use comes from. */
  source: "auth_file" | "env" | null;
  email: string | null;
  plan: string | null;
  account_id: string | null;
  /** Access-token expiry (ISO 8601); refreshed automatically before it passes. */
  expires_at: string | null;
  issuer: string | null;
  auth_file: { path: string; exists: boolean; mode: string | null };
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
Exits 0 when signed in, 4 when not.

Flags:
      --json           print the report as one JSON object: {v, signed_in, method, source, email,
                       plan, account_id, expires_at, issuer, auth_file, quota}
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

/** Gathers the report in the order `run` picks credentials. */
export async function statusReport(io: Io): Promise<StatusReport> {
  const paths = pathsFrom(io);
  const location = authFileLocation(paths.configDir);
  let stored: StoredAuth | null;
  try {
    stored = await readAuthFile(location);
  } catch (error) {
    rethrowAuthError(error);
  }
  const mode = await fileMode(location.file);
  const { snapshot } = await loadQuota(quotaFilePath(paths));
  const report: StatusReport = {
    v: 1,
    signed_in: false,
    method: null,
    source: null,
    email: null,
    plan: null,
    account_id: null,
    expires_at: null,
    issuer: null,
    auth_file: { path: location.file, exists: mode !== null, mode },
    quota: snapshot,
  };
  if (stored?.method === "chatgpt") {
    const access = readClaims(stored.tokens.access_token);
    const id = readClaims(stored.tokens.id_token);
    return {
      ...report,
      signed_in: true,
      method: "chatgpt",
      source: "auth_file",
      email: id?.email ?? access?.email ?? null,
      plan: id?.plan ?? access?.plan ?? null,
      account_id: stored.tokens.account_id,
      expires_at: access?.exp === undefined ? null : new Date(access.exp * 1000).toISOString(),
      issuer: stored.issuer,
    };
  }
  if (envApiKey(io.env) !== undefined) {
    return { ...report, signed_in: true, method: "api_key", source: "env" };
  }
  if (stored?.method === "api_key") {
    return { ...report, signed_in: true, method: "api_key", source: "auth_file" };
  }
  return report;
}

async function fileMode(path: string): Promise<string | null> {
  try {
    const { mode } = await Deno.stat(path);
    return mode === null ? "unknown" : `0${(mode & 0o777).toString(8)}`;
  } catch {
    return null;
  }
}

/** The report as lines for people, times relative to `now` (Unix ms). */
export function describeStatus(report: StatusReport, now: number): string {
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
