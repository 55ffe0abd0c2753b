/**
 * Access-only bundles through the real CLI: `pixir auth export --access-only` on the holder, and
 * workers that run on the bundle alone, in memory, never refreshing, ending with exit 7.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { textAnswer, tokenExpiredReply } from "../fakes/fixtures.ts";
import { CHATGPT_BACKEND, type ResponsesServer } from "../fakes/responses_server.ts";
import type { RunResult } from "../harness/cli.ts";
import {
  ACCOUNT,
  assertNoStackTrace,
  chatgptLogin,
  jsonObject,
  requestsTo,
  type Sandbox,
  sandbox,
  seedAuthFile,
  startChatgptBackend,
  storedAuth,
  subscriptionEnv,
} from "./helpers.ts";

const PREFIX = "pixir-bundle-v1.";

/** The JSON inside a bundle's text. */
function bundleBody(text: string): Record<string, unknown> {
  assert.ok(text.startsWith(PREFIX), `a versioned bundle: ${text.slice(0, 20)}`);
  const body = text.slice(PREFIX.length).replaceAll("-", "+").replaceAll("_", "/");
  return jsonObject(atob(body + "=".repeat((4 - body.length % 4) % 4)));
}

/** A holder signed in with tokens good for `seconds` more; the issuer mints 4 h tokens. */
async function holder(seconds: number, refreshDelayMs = 0) {
  const box = await sandbox();
  const issuer = createAuthIssuer({
    account: ACCOUNT,
    accessTokenSeconds: 4 * 3600,
    refreshDelayMs,
  });
  const server = startChatgptBackend(issuer, [{ sse: textAnswer("Hi.") }]);
  const seeded = issuer.issueTokens({ accessTokenSeconds: seconds });
  await seedAuthFile(box.home, chatgptLogin(server.origin, seeded));
  const exportBundle = (args: string[] = []) =>
    box.run(["auth", "export", "--access-only", ...args], {
      apiKey: null,
      env: subscriptionEnv(server),
    });
  return {
    box,
    issuer,
    server,
    seeded,
    exportBundle,
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await box[Symbol.asyncDispose]();
    },
  };
}

/** Runs `args` on a worker with no sign-in of its own and `bundle` in its environment. */
function onWorker(
  worker: Sandbox,
  server: ResponsesServer,
  args: string[],
  env: Record<string, string>,
): Promise<RunResult> {
  return worker.run(args, { apiKey: null, env: { ...subscriptionEnv(server), ...env } });
}

/** Every file under `dir`, as text. */
async function filesUnder(dir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) {
      for (const [p, text] of await filesUnder(path)) found.set(p, text);
    } else if (entry.isFile) found.set(path, await Deno.readTextFile(path));
  }
  return found;
}

/** Fails when `secret` appears in any output of `results` or any file the worker wrote. */
async function assertNowhere(secret: string, worker: Sandbox, results: RunResult[]) {
  for (const { stdout, stderr } of results) {
    assert.ok(!stdout.includes(secret), "the token is not in stdout");
    assert.ok(!stderr.includes(secret), "the token is not in stderr");
  }
  for (const [path, text] of await filesUnder(worker.root)) {
    assert.ok(!text.includes(secret), `the token is not in ${path}`);
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("export refreshes a token expiring inside --min-valid, once, and omits the refresh and id tokens", async () => {
  await using h = await holder(30 * 60);

  const result = await h.exportBundle(["--min-valid", "2h"]);

  assert.equal(result.code, 0, result.stderr);
  assert.equal(h.issuer.refreshRequests, 1);
  const text = result.stdout.trim();
  const stored = await storedAuth(h.box.home);
  const tokens = stored.tokens as Record<string, string>;
  const body = bundleBody(text);
  assert.deepEqual(Object.keys(body).sort(), [
    "access_token",
    "account_id",
    "expires_at",
    "plan",
    "v",
  ]);
  assert.equal(body.access_token, tokens.access_token, "the refreshed token, as stored");
  assert.equal(body.account_id, ACCOUNT.accountId);
  assert.equal(body.plan, ACCOUNT.plan);
  assert.ok((body.expires_at as number) * 1000 - Date.now() > 2 * 3600_000);
  for (const secret of [tokens.refresh_token, tokens.id_token, h.seeded.refresh_token]) {
    assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret));
  }
});

Deno.test("export of a token good for longer than --min-valid makes no refresh; --json reports it", async () => {
  await using h = await holder(3 * 3600);

  const result = await h.exportBundle(["--min-valid", "10m", "--json"]);

  assert.equal(result.code, 0, result.stderr);
  assert.equal(h.issuer.refreshRequests, 0);
  const report = jsonObject(result.stdout.trim());
  assert.deepEqual(Object.keys(report), ["v", "bundle", "account_id", "plan", "expires_at"]);
  assert.equal(bundleBody(String(report.bundle)).access_token, h.seeded.access_token);
  assert.equal(report.account_id, ACCOUNT.accountId);
  assert.ok(Date.parse(String(report.expires_at)) > Date.now() + 2 * 3600_000);
});

Deno.test("export refuses without --access-only, with a bad --min-valid, and when signed out", async () => {
  await using h = await holder(3 * 3600);
  const bare = await h.box.run(["auth", "export"], { apiKey: null });
  assert.equal(bare.code, 2);
  assert.match(bare.stderr, /--access-only is required/);
  const bad = await h.exportBundle(["--min-valid", "soon"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--min-valid: "soon"/);
  await using empty = await sandbox();
  const signedOut = await empty.run(["auth", "export", "--access-only"], { apiKey: null });
  assert.equal(signedOut.code, 4);
  assert.match(signedOut.stderr, /pixir login/);
  for (const r of [bare, bad, signedOut]) assertNoStackTrace(r.stderr);
});

Deno.test("five concurrent exports of an expired sign-in make exactly one refresh", async () => {
  // Each refresh is answered after a second, so the five exports overlap while it is pending.
  await using h = await holder(-60, 1_000);

  const results = await Promise.all(Array.from({ length: 5 }, () => h.exportBundle()));

  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(h.issuer.refreshRequests, 1, "the single-use refresh token was spent once");
  const bundles = new Set(results.map((r) => bundleBody(r.stdout.trim()).access_token));
  const stored = (await storedAuth(h.box.home)).tokens as Record<string, string>;
  assert.deepEqual([...bundles], [stored.access_token], "every export handed out the same token");
});

Deno.test("a worker answers on the bundle alone, in memory: no auth.json, no refresh, no token in any file or output", async () => {
  await using h = await holder(3 * 3600);
  const bundle = (await h.exportBundle()).stdout.trim();
  await using worker = await sandbox();

  const run = await onWorker(worker, h.server, ["run", "--json", "hi"], {
    PIXIR_ACCESS_BUNDLE: bundle,
  });
  const status = await onWorker(worker, h.server, ["status", "--json"], {
    PIXIR_ACCESS_BUNDLE: bundle,
  });
  const doctor = await onWorker(worker, h.server, ["doctor", "--json"], {
    PIXIR_ACCESS_BUNDLE: bundle,
  });

  assert.equal(run.code, 0, run.stderr);
  const requests = requestsTo(h.server.requests, CHATGPT_BACKEND.path);
  assert.equal(requests.length, 1);
  assert.equal(requests[0].headers["authorization"], `Bearer ${h.seeded.access_token}`);
  assert.equal(requests[0].headers["chatgpt-account-id"], ACCOUNT.accountId);
  assert.equal(h.issuer.refreshRequests, 0);
  assert.equal(await fileExists(join(worker.home, "auth.json")), false, "nothing saved");
  assert.equal(status.code, 0, status.stderr);
  const report = jsonObject(status.stdout.trim());
  assert.equal(report.source, "bundle");
  assert.equal(report.method, "chatgpt");
  assert.deepEqual(report.bundle, { variable: "PIXIR_ACCESS_BUNDLE" });
  assert.equal(
    report.expires_at,
    new Date((bundleBody(bundle).expires_at as number) * 1000).toISOString(),
  );
  assert.match(doctor.stdout, /access-only bundle from PIXIR_ACCESS_BUNDLE/);
  await assertNowhere(h.seeded.access_token, worker, [run, status, doctor]);
  await assertNowhere(bundle, worker, [run, status, doctor]);
});

Deno.test("a worker reads its bundle from the file PIXIR_ACCESS_BUNDLE_FILE names", async () => {
  await using h = await holder(3 * 3600);
  const bundle = (await h.exportBundle()).stdout;
  await using worker = await sandbox();
  const secretFile = join(worker.root, "bundle.secret");
  await Deno.writeTextFile(secretFile, bundle);
  const env = { PIXIR_ACCESS_BUNDLE_FILE: secretFile };

  const run = await onWorker(worker, h.server, ["run", "hi"], env);
  const status = await onWorker(worker, h.server, ["status"], env);

  assert.equal(run.code, 0, run.stderr);
  assert.match(status.stdout, new RegExp(`access-only bundle from the file ${secretFile}`));
  assert.equal(await fileExists(join(worker.home, "auth.json")), false);
  const missing = await onWorker(worker, h.server, ["run", "hi"], {
    PIXIR_ACCESS_BUNDLE_FILE: join(worker.root, "absent"),
  });
  assert.equal(missing.code, 7);
  assert.match(missing.stderr, /no such file/);
});

Deno.test("an expired bundle ends the worker with exit 7 before any request, naming the re-export", async () => {
  await using h = await holder(-60);
  // Reading the holder's stored (expired) token directly makes a bundle that has expired.
  const expired = PREFIX + btoa(JSON.stringify({
    v: 1,
    access_token: h.seeded.access_token,
    account_id: ACCOUNT.accountId,
    plan: "pro",
    expires_at: Math.floor(Date.now() / 1000) - 60,
  })).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  await using worker = await sandbox();

  const result = await onWorker(worker, h.server, ["run", "--json", "hi"], {
    PIXIR_ACCESS_BUNDLE: expired,
  });

  assert.equal(result.code, 7, result.stderr);
  const failure = jsonObject(result.stdout.trim().split("\n").at(-1) ?? "");
  const error = failure.error as Record<string, unknown>;
  assert.equal(error.kind, "bundle_invalid");
  assert.match(String(error.message), /the access bundle expired at/);
  assert.match(JSON.stringify(error.details), /pixir auth export --access-only/);
  assert.equal(h.server.requests.length, 0, "no request, no refresh");
  await assertNowhere(h.seeded.access_token, worker, [result]);
  assertNoStackTrace(result.stderr);
});

Deno.test("a malformed bundle is exit 7, naming the variable but never echoing it", async () => {
  await using h = await holder(3 * 3600);
  await using worker = await sandbox();
  const junk = "pixir-bundle-v1.not-base64-json-SECRETISH";

  const run = await onWorker(worker, h.server, ["run", "hi"], { PIXIR_ACCESS_BUNDLE: junk });
  const status = await onWorker(worker, h.server, ["status"], { PIXIR_ACCESS_BUNDLE: junk });

  for (const result of [run, status]) {
    assert.equal(result.code, 7, result.stderr);
    assert.match(result.stderr, /PIXIR_ACCESS_BUNDLE does not hold a valid access bundle/);
    assert.ok(!result.stderr.includes("SECRETISH") && !result.stdout.includes("SECRETISH"));
    assertNoStackTrace(result.stderr);
  }
  assert.equal(h.server.requests.length, 0);
});

Deno.test("a refused bundle (401) ends the worker at once with exit 7, no retry, session resumable", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT, accessTokenSeconds: 4 * 3600 });
  await using server = startChatgptBackend(issuer, [tokenExpiredReply()]);
  await seedAuthFile(box.home, chatgptLogin(server.origin, issuer.issueTokens()));
  const exported = await box.run(["auth", "export", "--access-only"], {
    apiKey: null,
    env: subscriptionEnv(server),
  });
  assert.equal(exported.code, 0, exported.stderr);
  const bundle = exported.stdout.trim();
  await using worker = await sandbox();

  const result = await onWorker(worker, server, ["run", "hi"], { PIXIR_ACCESS_BUNDLE: bundle });

  assert.equal(result.code, 7, result.stderr);
  assert.match(result.stderr, /refused the access bundle/);
  assert.match(result.stderr, /pixir auth export --access-only/);
  assert.equal(requestsTo(server.requests, CHATGPT_BACKEND.path).length, 1, "no retry");
  assert.equal(issuer.refreshRequests, 0, "a worker never refreshes");
  assert.equal((await worker.sessionIds()).length, 1, "the session is kept");
  assert.match(result.stderr, /pixir resume/);
  await assertNowhere(bundleBody(bundle).access_token as string, worker, [result]);
});

Deno.test("--auth api-key on a worker ignores the bundle", async () => {
  await using h = await holder(3 * 3600);
  const bundle = (await h.exportBundle()).stdout.trim();
  await using worker = await sandbox();
  const status = await worker.run(["status", "--json"], { env: { PIXIR_ACCESS_BUNDLE: "" } });
  assert.equal(jsonObject(status.stdout.trim()).source, "env", "an empty variable is no bundle");
  const run = await worker.run(["run", "--auth", "api-key", "hi"], {
    server: h.server,
    env: { PIXIR_ACCESS_BUNDLE: bundle },
  });
  assert.notEqual(run.code, 7, run.stderr);
  const auth = h.server.requests.at(-1)?.headers["authorization"];
  assert.ok(!auth?.includes(h.seeded.access_token), "the API key was used, not the bundle");
});
