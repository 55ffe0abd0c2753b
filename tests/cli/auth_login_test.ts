import assert from "node:assert/strict";
import { join } from "node:path";
import { createAuthIssuer, ISSUER_CLIENT_ID, startAuthServer } from "../fakes/auth_server.ts";
import { base64url } from "../fakes/jwt.ts";
import { startLoopbackServer } from "../fakes/loopback_server.ts";
import type { Reply } from "../fakes/reply.ts";
import {
  ACCOUNT,
  assertNoStackTrace,
  browserOpenerStandIn,
  formOf,
  isRecord,
  listing,
  permissions,
  requestsTo,
  sandbox,
  storedAuth,
  tapReplies,
  waitForText,
} from "./helpers.ts";

const POSIX = Deno.build.os !== "windows";
const TOKEN_PATH = "/oauth/token";
const DEVICE_TOKEN_PATH = "/api/accounts/deviceauth/token";

Deno.test("login shows the device URL and code, polls until approval, stores the login", async () => {
  await using box = await sandbox();
  // Interval "1": a string, as the issuer sends it, and Pixir's one-second floor keeps this quick.
  const issuer = createAuthIssuer({
    account: ACCOUNT,
    deviceCode: { interval: "1", pendingPolls: 2 },
  });
  const device = tapReplies(issuer.routes, DEVICE_TOKEN_PATH);
  const tokens = tapReplies(device.routes, TOKEN_PATH);
  await using server = startLoopbackServer(tokens.routes);
  // A home that does not exist yet, two levels deep: Pixir makes it, private to its owner.
  const home = join(box.root, "config", "pixir");

  const result = await box.run(["login"], {
    apiKey: null,
    env: { PIXIR_HOME: home, PIXIR_AUTH_ISSUER: server.origin },
  });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "");
  assert.ok(result.stderr.includes(`${server.origin}/codex/device`), result.stderr);
  assert.match(result.stderr, /\bFAKE-0001\b/);
  assert.ok(result.stderr.includes(ACCOUNT.email), "the sign-in names who signed in");
  assert.equal(issuer.devicePolls, 3, "two pending polls, then the approval");
  assert.equal(issuer.refreshRequests, 0, "a fresh login is never refreshed");

  const exchanges = requestsTo(server.requests, TOKEN_PATH);
  assert.equal(exchanges.length, 1);
  const form = formOf(exchanges[0]);
  assert.equal(form.get("grant_type"), "authorization_code");
  assert.equal(form.get("client_id"), ISSUER_CLIENT_ID);
  assert.equal(form.get("redirect_uri"), `${server.origin}/deviceauth/callback`);
  const approval = jsonBody(device.replies.at(-1));
  assert.equal(form.get("code"), approval.authorization_code);
  assert.equal(form.get("code_verifier"), approval.code_verifier, "the server's own verifier");

  const stored = await storedAuth(home);
  assert.deepEqual(stored.tokens, storedTokens(tokens.replies));
  assert.equal(stored.version, 1);
  assert.equal(stored.method, "chatgpt");
  assert.equal(stored.issuer, server.origin);
  assert.ok(!Number.isNaN(Date.parse(String(stored.last_refresh))));
  if (POSIX) {
    assert.equal(await permissions(join(home, "auth.json")), 0o600);
    assert.equal(await permissions(home), 0o700);
  }
});

Deno.test("login explains how to enable device codes when the account has them off", async () => {
  await using box = await sandbox();
  await using auth = startAuthServer({ deviceCode: { enabled: false } });

  const result = await box.run(["login"], { env: { PIXIR_AUTH_ISSUER: auth.url } });

  assert.equal(result.code, 4, result.stderr);
  assert.match(result.stderr, /Settings → Security/);
  assert.match(result.stderr, /pixir login --browser/);
  assert.equal(auth.issuer.devicePolls, 0);
  assertNoStackTrace(result.stderr);
  assert.deepEqual(await listing(box.home), [], "nothing was written");
});

Deno.test("login (device code) declined by the user is exit 4 and stores nothing", async () => {
  await using box = await sandbox();
  await using auth = startAuthServer({
    deviceCode: { interval: "1", outcome: "decline" },
  });

  const result = await box.run(["login"], { env: { PIXIR_AUTH_ISSUER: auth.url } });

  assert.equal(result.code, 4, result.stderr);
  assert.match(result.stderr, /declined/);
  assert.equal(requestsTo(auth.requests, TOKEN_PATH).length, 0);
  assertNoStackTrace(result.stderr);
  assert.deepEqual(await listing(box.home), [], "nothing was written");
});

Deno.test("Ctrl+C while the device login polls is exit 130 and stores nothing", async () => {
  await using box = await sandbox();
  await using auth = startAuthServer({
    deviceCode: { interval: "1", pendingPolls: 1_000 },
  });

  const result = await box.run(["login"], {
    env: { PIXIR_AUTH_ISSUER: auth.url },
    signalAfter: { signal: "SIGINT", when: (stderr) => stderr.includes("Waiting for approval") },
    timeoutMs: 20_000,
  });

  assert.equal(result.code, 130, result.stderr);
  assert.equal(result.signal, null, "Pixir handled the signal and exited by itself");
  assert.match(result.stderr, /cancelled; nothing was saved/);
  assertNoStackTrace(result.stderr);
  assert.deepEqual(await listing(box.home), [], "no auth.json, no temporary file");
});

Deno.test({
  name: "login --browser: a wrong state is refused, the right callback signs in",
  // The opener stand-in below is a shell script; Windows opens URLs with rundll32.
  ignore: !POSIX,
  async fn() {
    await using box = await sandbox();
    const issuer = createAuthIssuer({ account: ACCOUNT });
    const tokens = tapReplies(issuer.routes, TOKEN_PATH);
    await using server = startLoopbackServer(tokens.routes);
    const opened = join(box.root, "opened-url");
    const path = await browserOpenerStandIn(box.root, opened);

    const login = box.run(["login", "--browser"], {
      env: { PIXIR_AUTH_ISSUER: server.origin, PATH: path },
      timeoutMs: 30_000,
    });
    const url = new URL(await waitForText(opened));
    const query = url.searchParams;
    const redirectUri = query.get("redirect_uri") ?? "";
    // 1455, or 1457 when another program holds 1455 on this machine.
    const port = /^http:\/\/localhost:(1455|1457)\/auth\/callback$/.exec(redirectUri)?.[1];
    try {
      assert.ok(port, `redirect_uri ${redirectUri}`);
      assert.equal(`${url.origin}${url.pathname}`, `${server.origin}/oauth/authorize`);
      assert.equal(query.get("response_type"), "code");
      assert.equal(query.get("client_id"), ISSUER_CLIENT_ID);
      assert.equal(query.get("code_challenge_method"), "S256");
      assert.equal(query.get("originator"), "pixir");
      assert.deepEqual(query.get("scope")?.split(" ").sort(), [
        "email",
        "offline_access",
        "openid",
        "profile",
      ]);
      assert.ok((query.get("state") ?? "").length >= 16, "the state is unguessable");

      // The browser: the issuer sends it on to the callback with a code and the state.
      const authorized = await fetch(url, { redirect: "manual" });
      await authorized.body?.cancel();
      assert.equal(authorized.status, 302);
      const callback = new URL(authorized.headers.get("location") ?? "");
      assert.equal(callback.searchParams.get("state"), query.get("state"));
      const local = `http://127.0.0.1:${port}/auth/callback`;

      const code = callback.searchParams.get("code");
      const forged = await fetch(`${local}?code=${code}&state=forged`);
      assert.equal(forged.status, 400);
      assert.match(await forged.text(), /State mismatch/);

      // Answered only if the login was still waiting after the forgery.
      const landed = await fetch(`${local}${callback.search}`);
      assert.equal(landed.status, 200);
      assert.match(await landed.text(), /Signed in to Pixir/);
    } catch (error) {
      // Leave no login behind waiting for a browser: the callback server's /cancel ends it.
      if (port) await fetch(`http://127.0.0.1:${port}/cancel`).then((r) => r.text(), () => {});
      await login.catch(() => {});
      throw error;
    }

    const result = await login;
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stderr.includes(url.href), "the authorize URL is printed as well");
    const exchanges = requestsTo(server.requests, TOKEN_PATH);
    assert.equal(exchanges.length, 1, "the forged callback was never redeemed");
    const form = formOf(exchanges[0]);
    assert.equal(form.get("redirect_uri"), redirectUri);
    assert.equal(await s256(form.get("code_verifier") ?? ""), query.get("code_challenge"));
    assert.equal(issuer.refreshRequests, 0);
    const stored = await storedAuth(box.home);
    assert.equal(stored.method, "chatgpt");
    assert.equal(stored.issuer, server.origin);
    assert.deepEqual(stored.tokens, storedTokens(tokens.replies));
    assert.equal(await permissions(join(box.home, "auth.json")), 0o600);
  },
});

Deno.test("login --with-api-key stores the key piped on stdin, privately", async () => {
  await using box = await sandbox();

  const result = await box.run(["login", "--with-api-key"], { apiKey: null, stdin: "sk-test\n" });

  assert.equal(result.code, 0, result.stderr);
  assert.ok(!result.stderr.includes("sk-test"), "the key is never echoed");
  assert.deepEqual(await storedAuth(box.home), {
    version: 1,
    method: "api_key",
    api_key: "sk-test",
  });
  if (POSIX) assert.equal(await permissions(join(box.home, "auth.json")), 0o600);
});

Deno.test("login --with-api-key refuses a key given as an argument, storing nothing", async () => {
  await using box = await sandbox();

  const result = await box.run(["login", "--with-api-key", "sk-x"], { apiKey: null });

  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /stdin/);
  assert.ok(!result.stderr.includes("sk-x"), "the key is not echoed into logs");
  assertNoStackTrace(result.stderr);
  assert.deepEqual(await listing(box.home), []);
});

/** The JSON body of a stand-in's reply. */
function jsonBody(reply: Reply | undefined): Record<string, unknown> {
  assert.ok(reply && "body" in reply && isRecord(reply.body), "a JSON reply");
  return reply.body;
}

/** What auth.json must hold after the token endpoint's one reply: its tokens, and the account. */
function storedTokens(replies: readonly Reply[]): Record<string, unknown> {
  assert.equal(replies.length, 1, "one token exchange");
  const { id_token, access_token, refresh_token } = jsonBody(replies[0]);
  return { id_token, access_token, refresh_token, account_id: ACCOUNT.accountId };
}

/** The PKCE S256 challenge of `verifier`. */
async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}
