import assert from "node:assert/strict";
import { join } from "node:path";
import { createAuthIssuer, ISSUER_CLIENT_ID, type TokenResponse } from "../fakes/auth_server.ts";
import { textAnswer, tokenExpiredReply, toolCallAnswer } from "../fakes/fixtures.ts";
import { CHATGPT_BACKEND, type ResponsesServer } from "../fakes/responses_server.ts";
import {
  ACCOUNT,
  assertNoStackTrace,
  chatgptLogin,
  formOf,
  isRecord,
  listing,
  permissions,
  requestsTo,
  type Sandbox,
  sandbox,
  seedAuthFile,
  startChatgptBackend,
  storedAuth,
  subscriptionEnv,
} from "./helpers.ts";

const TOKEN_PATH = "/oauth/token";

/** The requests that reached the ChatGPT backend's Responses endpoint. */
function modelRequests(server: ResponsesServer) {
  return requestsTo(server.requests, CHATGPT_BACKEND.path);
}

/** The bearer token each request carried. */
function bearers(server: ResponsesServer): string[] {
  return modelRequests(server).map((request) =>
    (request.headers["authorization"] ?? "").replace(/^Bearer /, "")
  );
}

/** The tokens in `<home>/auth.json`. */
async function storedTokens(box: Sandbox): Promise<Record<string, unknown>> {
  const { tokens } = await storedAuth(box.home);
  assert.ok(isRecord(tokens), "auth.json holds tokens");
  return tokens;
}

/** Stores a login with `seeded`'s tokens, refreshed at `server`, and runs a prompt against it. */
async function runWithLogin(box: Sandbox, server: ResponsesServer, seeded: TokenResponse) {
  await seedAuthFile(box.home, chatgptLogin(server.origin, seeded));
  return await box.run(["run", "hi"], { env: subscriptionEnv(server) });
}

Deno.test("an access token with 2 minutes left is refreshed once, before the request", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("Hi.") }]);
  const seeded = issuer.issueTokens({ accessTokenSeconds: 120 });

  const result = await runWithLogin(box, server, seeded);

  assert.equal(result.code, 0, result.stderr);
  assert.equal(issuer.refreshRequests, 1);
  assert.deepEqual(
    server.requests.map((request) => request.path),
    [TOKEN_PATH, CHATGPT_BACKEND.path],
    "the refresh comes first",
  );
  const form = formOf(server.requests[0]);
  assert.equal(form.get("grant_type"), "refresh_token");
  assert.equal(form.get("refresh_token"), seeded.refresh_token);
  assert.equal(form.get("client_id"), ISSUER_CLIENT_ID);
  const stored = await storedTokens(box);
  assert.notEqual(stored.access_token, seeded.access_token);
  assert.notEqual(stored.refresh_token, seeded.refresh_token, "the rotated refresh token is kept");
  assert.equal(stored.account_id, ACCOUNT.accountId);
  assert.deepEqual(bearers(server), [stored.access_token], "the request used the new token");
  if (Deno.build.os !== "windows") {
    assert.equal(await permissions(join(box.home, "auth.json")), 0o600);
  }
});

Deno.test("an access token with 10 minutes left is used without a refresh", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("Hi.") }]);
  const seeded = issuer.issueTokens({ accessTokenSeconds: 600 });

  const result = await runWithLogin(box, server, seeded);

  assert.equal(result.code, 0, result.stderr);
  assert.equal(issuer.refreshRequests, 0);
  assert.deepEqual(bearers(server), [seeded.access_token]);
  assert.equal((await storedTokens(box)).refresh_token, seeded.refresh_token);
});

Deno.test("four runs started at once with an expired token refresh it exactly once", async () => {
  await using box = await sandbox();
  // Each refresh is answered only after a second, so the four runs overlap while it is pending.
  const issuer = createAuthIssuer({ account: ACCOUNT, refreshDelayMs: 1_000 });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("Hi.") }]);
  await seedAuthFile(
    box.home,
    chatgptLogin(server.origin, issuer.issueTokens({ accessTokenSeconds: -60 })),
  );

  const results = await Promise.all(
    Array.from({ length: 4 }, () => box.run(["run", "hi"], { env: subscriptionEnv(server) })),
  );

  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(issuer.refreshRequests, 1, "the single-use refresh token was spent once");
  const { access_token: current } = await storedTokens(box);
  assert.deepEqual(bearers(server), Array(4).fill(current), "every run used the refreshed token");
});

Deno.test("with tokens living less than the refresh margin, a run refreshes once", async (t) => {
  for (
    const [kind, script] of [
      ["text run", [{ sse: textAnswer("Hi.") }]],
      ["tool run", [
        { sse: toolCallAnswer({ name: "ls", arguments: '{"path":"."}', callId: "call_ls" }) },
        { sse: textAnswer("Listed.") },
      ]],
    ] as const
  ) {
    await t.step(kind, async () => {
      await using box = await sandbox();
      // Every token the issuer mints lives two minutes: less than the five-minute margin.
      const issuer = createAuthIssuer({ account: ACCOUNT, accessTokenSeconds: 120 });
      await using server = startChatgptBackend(issuer, [...script]);

      const result = await runWithLogin(box, server, issuer.issueTokens());

      assert.equal(result.code, 0, result.stderr);
      assert.equal(issuer.refreshRequests, 1, "one refresh for the whole run");
      const { access_token: current } = await storedTokens(box);
      assert.ok(bearers(server).every((bearer) => bearer === current));
    });
  }
});

Deno.test("three concurrent runs with short-lived tokens refresh once in all", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({
    account: ACCOUNT,
    accessTokenSeconds: 120,
    refreshDelayMs: 1_000,
  });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("Hi.") }]);
  await seedAuthFile(box.home, chatgptLogin(server.origin, issuer.issueTokens()));

  const results = await Promise.all(
    Array.from({ length: 3 }, () => box.run(["run", "hi"], { env: subscriptionEnv(server) })),
  );

  for (const result of results) assert.equal(result.code, 0, result.stderr);
  assert.equal(issuer.refreshRequests, 1);
});

Deno.test("a refresh token already spent elsewhere is exit 4, naming `pixir login`", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("Hi.") }]);
  const seeded = issuer.issueTokens({ accessTokenSeconds: -60 });
  // Another copy of the same login refreshes first, which spends the single-use refresh token.
  const elsewhere = await fetch(`${server.origin}${TOKEN_PATH}`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: seeded.refresh_token,
      client_id: ISSUER_CLIENT_ID,
    }),
  });
  await elsewhere.body?.cancel();
  assert.equal(elsewhere.status, 200);

  const result = await runWithLogin(box, server, seeded);

  assert.equal(result.code, 4, result.stderr);
  assert.match(result.stderr, /pixir login/);
  assertNoStackTrace(result.stderr);
  assert.equal(issuer.refreshRequests, 2, "Pixir tried the dead refresh token once, no more");
  assert.equal(modelRequests(server).length, 0);
  assert.deepEqual(await listing(join(box.home, "sessions")), [], "no session for a dead sign-in");
  assert.doesNotMatch(result.stderr, /pixir resume/);
});

Deno.test("a 401 token_expired from the backend: one refresh, one retry, answered", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  const seeded = issuer.issueTokens();
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("Recovered.") }], {
    // Revoked on the server's side although its expiry claim says it has an hour left.
    expiredTokens: [seeded.access_token],
  });

  const result = await runWithLogin(box, server, seeded);

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "Recovered.\n");
  assert.equal(issuer.refreshRequests, 1);
  const { access_token: refreshed } = await storedTokens(box);
  assert.deepEqual(bearers(server), [seeded.access_token, refreshed]);
});

Deno.test("a second 401 after the refresh is exit 4", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using server = startChatgptBackend(issuer, [tokenExpiredReply()]);
  const seeded = issuer.issueTokens();

  const result = await runWithLogin(box, server, seeded);

  assert.equal(result.code, 4, result.stderr);
  assert.match(result.stderr, /pixir login/);
  assertNoStackTrace(result.stderr);
  assert.equal(issuer.refreshRequests, 1, "one refresh, not one per 401");
  const { access_token: refreshed } = await storedTokens(box);
  assert.deepEqual(bearers(server), [seeded.access_token, refreshed], "one retry, then give up");
});
