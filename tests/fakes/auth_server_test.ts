import assert from "node:assert/strict";
import { decodeJwt } from "jose";
import {
  type AuthIssuerOptions,
  type AuthServer,
  createAuthIssuer,
  ISSUER_CLIENT_ID,
  startAuthServer,
  type TokenResponse,
} from "./auth_server.ts";
import { textAnswer } from "./fixtures.ts";
import { AUTH_CLAIM, base64url } from "./jwt.ts";
import { startResponsesServer } from "./responses_server.ts";

const NOW_MS = 1_767_225_600_000;

function start(options: AuthIssuerOptions = {}): AuthServer {
  return startAuthServer({ now: () => NOW_MS, ...options });
}

async function postJson(url: string, body: unknown): Promise<Response> {
  return await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function postForm(url: string, fields: Record<string, string>): Promise<Response> {
  // URLSearchParams as the body makes fetch send application/x-www-form-urlencoded.
  return await fetch(url, { method: "POST", body: new URLSearchParams(fields) });
}

/** The status and JSON body of a response. */
async function reply(response: Response): Promise<{ status: number; body: unknown }> {
  return { status: response.status, body: await response.json() };
}

async function requestUserCode(server: AuthServer): Promise<Record<string, unknown>> {
  const response = await postJson(`${server.url}/api/accounts/deviceauth/usercode`, {
    client_id: ISSUER_CLIENT_ID,
  });
  assert.equal(response.status, 200);
  return await response.json();
}

async function poll(server: AuthServer, code: Record<string, unknown>): Promise<Response> {
  return await postJson(`${server.url}/api/accounts/deviceauth/token`, {
    device_auth_id: code.device_auth_id,
    user_code: code.user_code,
  });
}

function refresh(server: AuthServer, refreshToken: string): Promise<Response> {
  return postForm(`${server.url}/oauth/token`, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: ISSUER_CLIENT_ID,
  });
}

async function s256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function assertTokenSet(body: unknown): asserts body is TokenResponse {
  assert.ok(typeof body === "object" && body !== null);
  const { id_token, access_token, refresh_token, expires_in } = body as Record<string, unknown>;
  for (const jwt of [id_token, access_token]) {
    assert.equal(typeof jwt, "string");
    assert.equal(String(jwt).split(".").length, 3);
  }
  assert.equal(typeof refresh_token, "string");
  assert.equal(typeof expires_in, "number");
}

Deno.test("the user code carries interval as a string by default, as the issuer sends it", async () => {
  await using server = start();
  const code = await requestUserCode(server);
  assert.deepEqual(Object.keys(code).sort(), ["device_auth_id", "interval", "user_code"]);
  assert.equal(code.interval, "5");
  assert.match(String(code.user_code), /^[A-Z]{4}-\d{4}$/);
  assert.equal(server.requests[0].headers["content-type"], "application/json");
});

Deno.test("the interval can be a number or left out", async () => {
  for (const [interval, expected] of [[7, 7], [null, undefined]] as const) {
    await using server = start({ deviceCode: { interval } });
    const code = await requestUserCode(server);
    assert.equal(code.interval, expected);
    assert.equal("interval" in code, expected !== undefined);
  }
});

Deno.test("with device login not enabled, the user-code endpoint answers 404", async () => {
  await using server = start({ deviceCode: { enabled: false } });
  const response = await postJson(`${server.url}/api/accounts/deviceauth/usercode`, {
    client_id: ISSUER_CLIENT_ID,
  });
  assert.equal(response.status, 404);
  await response.body?.cancel();
});

Deno.test("the user-code endpoint wants JSON with the known client id", async () => {
  await using server = start();
  const url = `${server.url}/api/accounts/deviceauth/usercode`;
  const wrongClient = await reply(await postJson(url, { client_id: "app_other" }));
  assert.equal(wrongClient.status, 400);
  const asForm = await reply(await postForm(url, { client_id: ISSUER_CLIENT_ID }));
  assert.equal(asForm.status, 400);
});

Deno.test("polls are pending (403) N times, then yield the server-made PKCE pair", async () => {
  await using server = start({ deviceCode: { pendingPolls: 2 } });
  const code = await requestUserCode(server);
  const pending = [await reply(await poll(server, code)), await reply(await poll(server, code))];
  for (const { status, body } of pending) {
    assert.equal(status, 403);
    assert.match(JSON.stringify(body), /deviceauth_authorization_pending/);
  }
  const approved = await reply(await poll(server, code));
  assert.equal(approved.status, 200);
  const grant = approved.body as Record<string, string>;
  assert.deepEqual(Object.keys(grant).sort(), [
    "authorization_code",
    "code_challenge",
    "code_verifier",
  ]);
  assert.equal(grant.code_challenge, await s256(grant.code_verifier));
  assert.equal(server.issuer.devicePolls, 3);
});

Deno.test("the device grant exchanges once, form-encoded, with the device redirect URI", async () => {
  await using server = start();
  const grant = await (await poll(server, await requestUserCode(server))).json();
  const fields = {
    grant_type: "authorization_code",
    code: grant.authorization_code,
    redirect_uri: `${server.url}/deviceauth/callback`,
    client_id: ISSUER_CLIENT_ID,
    code_verifier: grant.code_verifier,
  };
  const url = `${server.url}/oauth/token`;
  const wrongRedirect = await reply(
    await postForm(url, { ...fields, redirect_uri: "http://localhost:1455/auth/callback" }),
  );
  assert.equal(wrongRedirect.status, 400);
  const wrongVerifier = await reply(await postForm(url, { ...fields, code_verifier: "x" }));
  assert.equal(wrongVerifier.status, 400);

  const exchanged = await reply(await postForm(url, fields));
  assert.equal(exchanged.status, 200);
  assertTokenSet(exchanged.body);
  const again = await reply(await postForm(url, fields));
  assert.deepEqual(again, {
    status: 400,
    body: {
      error: "invalid_grant",
      error_description: "unknown or already used authorization code",
    },
  });
});

Deno.test("a declined device login answers 400 authorization_declined", async () => {
  await using server = start({ deviceCode: { pendingPolls: 1, outcome: "decline" } });
  const code = await requestUserCode(server);
  assert.equal((await reply(await poll(server, code))).status, 403);
  assert.deepEqual(await reply(await poll(server, code)), {
    status: 400,
    body: { error: "authorization_declined", error_description: "Denied" },
  });
});

Deno.test("a poll for an unknown device login is refused, not left pending", async () => {
  await using server = start();
  const response = await poll(server, { device_auth_id: "nope", user_code: "NOPE-0000" });
  assert.equal(response.status, 400);
  await response.body?.cancel();
});

Deno.test("the token endpoint takes only form-encoded bodies and the known client", async () => {
  await using server = start();
  const { refresh_token } = server.issuer.issueTokens();
  const fields = { grant_type: "refresh_token", refresh_token, client_id: ISSUER_CLIENT_ID };
  const asJson = await reply(await postJson(`${server.url}/oauth/token`, fields));
  assert.equal(asJson.status, 400);
  assert.match(JSON.stringify(asJson.body), /x-www-form-urlencoded/);
  const otherClient = await reply(
    await postForm(`${server.url}/oauth/token`, { ...fields, client_id: "app_other" }),
  );
  assert.equal(otherClient.status, 401);
  const badGrant = await reply(
    await postForm(`${server.url}/oauth/token`, { ...fields, grant_type: "password" }),
  );
  assert.equal(badGrant.status, 400);
  // None of the refused requests spent the refresh token.
  assert.equal((await refresh(server, refresh_token).then(reply)).status, 200);
});

Deno.test("refresh tokens rotate: each is valid once, and reuse is a 401 refresh_token_reused", async () => {
  await using server = start();
  const first = server.issuer.issueTokens();
  const rotated = await reply(await refresh(server, first.refresh_token));
  assert.equal(rotated.status, 200);
  assertTokenSet(rotated.body);
  assert.notEqual(rotated.body.refresh_token, first.refresh_token);
  assert.notEqual(rotated.body.access_token, first.access_token);

  const reused = await reply(await refresh(server, first.refresh_token));
  assert.equal(reused.status, 401);
  assert.equal(
    (reused.body as { error: { code: string } }).error.code,
    "refresh_token_reused",
  );
  assert.equal((await reply(await refresh(server, rotated.body.refresh_token))).status, 200);
  const unknown = await reply(await refresh(server, "rt_never_issued"));
  assert.equal(unknown.status, 400);
  assert.equal(server.issuer.refreshRequests, 4);
});

Deno.test("with a refresh delay, concurrent refreshers overlap and only one wins", async () => {
  await using server = start({ refreshDelayMs: 80 });
  const { refresh_token } = server.issuer.issueTokens();
  const started = performance.now();
  const timed = async () => {
    const answer = await reply(await refresh(server, refresh_token));
    return { ...answer, ms: performance.now() - started };
  };
  const [winner, loser] = (await Promise.all([timed(), timed()]))
    .sort((a, b) => a.status - b.status);
  assert.equal(winner.status, 200);
  assert.equal(loser.status, 401);
  // The loser is told at once, while the winner is still inside the delay.
  assert.ok(winner.ms >= 75, `winner after ${winner.ms} ms`);
  assert.ok(loser.ms < winner.ms, `loser after ${loser.ms} ms, winner after ${winner.ms} ms`);
  assert.equal(server.issuer.refreshRequests, 2);
});

Deno.test("issued tokens carry the account's claims and expire relative to the clock", async () => {
  await using server = start({
    accessTokenSeconds: 600,
    account: { accountId: "acct_9", plan: "pro", email: "a@example.com" },
  });
  const tokens = server.issuer.issueTokens();
  const claims = decodeJwt(tokens.access_token);
  assert.equal(claims.exp, NOW_MS / 1000 + 600);
  assert.equal(claims.email, "a@example.com");
  assert.deepEqual(claims[AUTH_CLAIM], {
    chatgpt_account_id: "acct_9",
    chatgpt_plan_type: "pro",
    chatgpt_user_id: "user-fx",
  });
  assert.equal(tokens.expires_in, 600);
  const expired = server.issuer.issueTokens({ accessTokenSeconds: -60 });
  assert.equal(decodeJwt(expired.access_token).exp, NOW_MS / 1000 - 60);
  assert.notEqual(expired.access_token, tokens.access_token);
});

Deno.test("revocation is form-encoded, recorded, and kills the refresh token", async () => {
  await using server = start();
  const { refresh_token } = server.issuer.issueTokens();
  const url = `${server.url}/oauth/revoke`;
  const asJson = await reply(await postJson(url, { token: refresh_token }));
  assert.equal(asJson.status, 400);
  const revoked = await reply(
    await postForm(url, {
      token: refresh_token,
      token_type_hint: "refresh_token",
      client_id: ISSUER_CLIENT_ID,
    }),
  );
  assert.equal(revoked.status, 200);
  assert.deepEqual(server.issuer.revocations, [
    { token: refresh_token, token_type_hint: "refresh_token", client_id: ISSUER_CLIENT_ID },
  ]);
  const after = await reply(await refresh(server, refresh_token));
  assert.equal(after.status, 401);
  assert.match(JSON.stringify(after.body), /refresh_token_invalidated/);
});

Deno.test("the authorize step redirects to the callback with a code only the verifier redeems", async () => {
  await using server = start();
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const redirectUri = "http://localhost:1455/auth/callback";
  const authorize = new URL(`${server.url}/oauth/authorize`);
  for (
    const [name, value] of Object.entries({
      response_type: "code",
      client_id: ISSUER_CLIENT_ID,
      redirect_uri: redirectUri,
      scope: "openid profile email offline_access",
      code_challenge: await s256(verifier),
      code_challenge_method: "S256",
      state: "st4te",
    })
  ) authorize.searchParams.set(name, value);
  const response = await fetch(authorize, { redirect: "manual" });
  await response.body?.cancel();
  assert.equal(response.status, 302);
  const callback = new URL(response.headers.get("location") ?? "");
  assert.equal(`${callback.origin}${callback.pathname}`, redirectUri);
  assert.equal(callback.searchParams.get("state"), "st4te");
  assert.equal(callback.searchParams.get("scope"), "openid profile email offline_access");
  const fields = {
    grant_type: "authorization_code",
    code: callback.searchParams.get("code") ?? "",
    redirect_uri: redirectUri,
    client_id: ISSUER_CLIENT_ID,
  };
  const url = `${server.url}/oauth/token`;
  const wrong = await reply(await postForm(url, { ...fields, code_verifier: `${verifier}x` }));
  assert.equal(wrong.status, 400);
  const right = await reply(await postForm(url, { ...fields, code_verifier: verifier }));
  assert.equal(right.status, 200);
  assertTokenSet(right.body);
});

Deno.test("the authorize step refuses a request without S256 PKCE", async () => {
  await using server = start();
  const url = `${server.url}/oauth/authorize?response_type=code&client_id=${ISSUER_CLIENT_ID}` +
    "&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback&state=s&code_challenge=c" +
    "&code_challenge_method=plain";
  const response = await fetch(url, { redirect: "manual" });
  assert.equal((await reply(response)).status, 400);
});

Deno.test("the issuer can be served beside the Responses stand-in", async () => {
  const issuer = createAuthIssuer({ now: () => NOW_MS });
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("hi") }],
    routes: issuer.routes,
  });
  const { refresh_token } = issuer.issueTokens();
  const response = await postForm(`${server.origin}/oauth/token`, {
    grant_type: "refresh_token",
    refresh_token,
    client_id: ISSUER_CLIENT_ID,
  });
  assert.equal(response.status, 200);
  assertTokenSet(await response.json());
  assert.equal(issuer.refreshRequests, 1);
});
