import assert from "node:assert/strict";
import { join } from "node:path";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { QUOTA_HEADERS, textAnswer } from "../fakes/fixtures.ts";
import {
  ACCOUNT,
  chatgptLogin,
  isRecord,
  jsonObject,
  type Sandbox,
  sandbox,
  seedAuthFile,
  startChatgptBackend,
  subscriptionEnv,
} from "./helpers.ts";

const POSIX = Deno.build.os !== "windows";

/** An issuer that is never contacted: `status` only reads what is stored. */
const ISSUER = "https://issuer.invalid";

/** The fields of `pixir status --json`, as the README documents them. */
const STATUS_KEYS = [
  "account_id",
  "auth_file",
  "email",
  "expires_at",
  "issuer",
  "method",
  "plan",
  "quota",
  "signed_in",
  "source",
  "v",
];

/** Stores a ChatGPT login whose access token expires an hour after `issuedAt`; returns when. */
async function seedLogin(box: Sandbox, issuedAt: number, mode?: number): Promise<string> {
  const issuer = createAuthIssuer({ account: ACCOUNT, now: () => issuedAt });
  const tokens = issuer.issueTokens({ accessTokenSeconds: 3600 });
  await seedAuthFile(box.home, chatgptLogin(ISSUER, tokens), mode);
  return new Date((Math.floor(issuedAt / 1000) + 3600) * 1000).toISOString();
}

/** The one JSON object `status --json` printed, its keys checked against the README. */
function statusReport(stdout: string): Record<string, unknown> {
  assert.equal(stdout.trim().split("\n").length, 1, `one line expected:\n${stdout}`);
  const report = jsonObject(stdout);
  assert.deepEqual(Object.keys(report).sort(), STATUS_KEYS);
  return report;
}

Deno.test("status --json describes the stored ChatGPT login, over OPENAI_API_KEY", async () => {
  await using box = await sandbox();
  const expiresAt = await seedLogin(box, Date.now());

  const result = await box.run(["status", "--json"]);

  assert.equal(result.code, 0, result.stderr);
  const report = statusReport(result.stdout);
  assert.ok(isRecord(report.auth_file));
  // Windows has no Unix mode to report.
  const mode = POSIX ? "0600" : report.auth_file.mode;
  assert.deepEqual(report, {
    v: 1,
    signed_in: true,
    method: "chatgpt",
    source: "auth_file",
    email: ACCOUNT.email,
    plan: ACCOUNT.plan,
    account_id: ACCOUNT.accountId,
    expires_at: expiresAt,
    issuer: ISSUER,
    auth_file: { path: join(box.home, "auth.json"), exists: true, mode },
    quota: null,
  });
});

Deno.test("status in plain text names the account's email and plan", async () => {
  await using box = await sandbox();
  await seedLogin(box, Date.now());

  const result = await box.run(["status"]);

  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stdout.includes(ACCOUNT.email), result.stdout);
  assert.match(result.stdout, new RegExp(`^\\s*plan\\s+${ACCOUNT.plan}$`, "m"));
  assert.match(result.stdout, /refreshed automatically/);
});

Deno.test({
  name: "status reports the auth file's actual mode",
  ignore: !POSIX,
  async fn() {
    await using box = await sandbox();
    await seedLogin(box, Date.now(), 0o644);

    const result = await box.run(["status", "--json"]);

    assert.equal(result.code, 0, result.stderr);
    const report = statusReport(result.stdout);
    assert.ok(isRecord(report.auth_file));
    assert.equal(report.auth_file.mode, "0644");
  },
});

Deno.test("status when signed out is exit 4, in JSON and in text", async () => {
  await using box = await sandbox();

  const json = await box.run(["status", "--json"], { apiKey: null });
  const text = await box.run(["status"], { apiKey: null });

  assert.equal(json.code, 4, json.stderr);
  assert.deepEqual(statusReport(json.stdout), {
    v: 1,
    signed_in: false,
    method: null,
    source: null,
    email: null,
    plan: null,
    account_id: null,
    expires_at: null,
    issuer: null,
    auth_file: { path: join(box.home, "auth.json"), exists: false, mode: null },
    quota: null,
  });
  assert.equal(text.code, 4, text.stderr);
  assert.match(text.stdout, /Not signed in/);
  assert.match(text.stdout, /pixir login/);
});

Deno.test("status names where an API key comes from: the environment or auth.json", async () => {
  await using box = await sandbox();

  const fromEnv = await box.run(["status", "--json"]);
  await seedAuthFile(box.home, { version: 1, method: "api_key", api_key: "sk-stored" });
  const fromFile = await box.run(["status", "--json"], { apiKey: null });

  assert.equal(fromEnv.code, 0, fromEnv.stderr);
  const env = statusReport(fromEnv.stdout);
  assert.deepEqual([env.signed_in, env.method, env.source], [true, "api_key", "env"]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  const file = statusReport(fromFile.stdout);
  assert.deepEqual([file.signed_in, file.method, file.source], [true, "api_key", "auth_file"]);
  assert.ok(!fromFile.stdout.includes("sk-stored"), "the key itself is never shown");
});

Deno.test("status shows the quota the ChatGPT backend reported on the last run", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("Hi.") }]);
  await seedAuthFile(box.home, chatgptLogin(server.origin, issuer.issueTokens()));
  const before = Math.floor(Date.now() / 1000);

  const run = await box.run(["run", "hi"], { env: subscriptionEnv(server) });
  const json = await box.run(["status", "--json"]);
  const text = await box.run(["status"]);

  assert.equal(run.code, 0, run.stderr);
  assert.equal(json.code, 0, json.stderr);
  const { quota } = statusReport(json.stdout);
  assert.ok(isRecord(quota), `no quota in ${json.stdout}`);
  const { observed_at: observedAt, ...windows } = quota;
  assert.ok(typeof observedAt === "number" && observedAt >= before, "observed during the run");
  const header = (name: string) => Number(QUOTA_HEADERS[`x-codex-${name}`]);
  assert.deepEqual(windows, {
    primary: {
      used_percent: header("primary-used-percent"),
      window_minutes: header("primary-window-minutes"),
      resets_at: header("primary-reset-at"),
    },
    secondary: {
      used_percent: header("secondary-used-percent"),
      window_minutes: header("secondary-window-minutes"),
    },
  });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /5-hour\s+12\.5% used/);
  assert.match(text.stdout, /7-day\s+3% used/);
});
