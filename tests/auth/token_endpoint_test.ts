import assert from "node:assert/strict";
import {
  exchangeAuthorizationCode,
  refreshTokens,
  revokeToken,
  type TokenEndpoint,
} from "../../src/auth/token_endpoint.ts";
import { CLIENT_ID } from "../../src/auth/oauth.ts";
import { type LoopbackServer, startLoopbackServer } from "../fakes/loopback_server.ts";
import type { Reply } from "../fakes/reply.ts";
import { accessToken, idToken } from "./tokens.ts";

const ACCESS = accessToken(Date.UTC(2030, 0, 1));
const ID = idToken();
const FULL_REPLY = {
  id_token: ID,
  access_token: ACCESS,
  refresh_token: "rt-new",
  expires_in: 3600,
};

/** A loopback issuer answering both endpoints with `reply`. */
function issuer(reply: Reply | (() => Promise<Reply>)): LoopbackServer {
  const handle = typeof reply === "function" ? reply : () => reply;
  return startLoopbackServer([
    { method: "POST", path: "/oauth/token", handle },
    { method: "POST", path: "/oauth/revoke", handle },
  ]);
}

function endpoint(server: LoopbackServer, extra: Partial<TokenEndpoint> = {}): TokenEndpoint {
  return { fetch, issuer: `${server.origin}/`, ...extra };
}

/** The request's form fields, after checking it was form-encoded. */
function formOf(server: LoopbackServer, index = 0): Record<string, string> {
  const request = server.requests[index];
  assert.equal(request.method, "POST");
  assert.equal(request.headers["content-type"], "application/x-www-form-urlencoded");
  return Object.fromEntries(new URLSearchParams(request.text));
}

Deno.test("the code exchange is form-encoded and yields the three tokens", async () => {
  await using server = issuer({ status: 200, body: FULL_REPLY });
  const result = await exchangeAuthorizationCode(endpoint(server), {
    code: "ac_1+2&3",
    codeVerifier: "verifier-abc",
    redirectUri: "http://localhost:1455/auth/callback",
  });
  assert.deepEqual(result, {
    ok: true,
    value: { id_token: ID, access_token: ACCESS, refresh_token: "rt-new" },
  });
  assert.equal(server.requests[0].path, "/oauth/token");
  assert.match(
    server.requests[0].text,
    /redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback/,
  );
  assert.deepEqual(formOf(server), {
    grant_type: "authorization_code",
    code: "ac_1+2&3",
    redirect_uri: "http://localhost:1455/auth/callback",
    client_id: CLIENT_ID,
    code_verifier: "verifier-abc",
  });
});

Deno.test("a refresh is form-encoded and returns what the issuer sent", async () => {
  await using server = issuer({ status: 200, body: FULL_REPLY });
  const result = await refreshTokens(endpoint(server), "rt-old");
  assert.deepEqual(result, {
    ok: true,
    value: { access_token: ACCESS, id_token: ID, refresh_token: "rt-new" },
  });
  assert.deepEqual(formOf(server), {
    grant_type: "refresh_token",
    refresh_token: "rt-old",
    client_id: CLIENT_ID,
  });
});

Deno.test("a refresh reply without id or refresh token is accepted with only the access token", async () => {
  await using server = issuer({
    status: 200,
    body: { access_token: ACCESS, id_token: null },
  });
  assert.deepEqual(await refreshTokens(endpoint(server), "rt-old"), {
    ok: true,
    value: { access_token: ACCESS },
  });
});

Deno.test("a revocation is form-encoded with its hint, and any 2xx counts", async () => {
  await using server = issuer({ status: 200, body: "" });
  const result = await revokeToken(endpoint(server), "rt-1", "refresh_token");
  assert.deepEqual(result, { ok: true, value: undefined });
  assert.equal(server.requests[0].path, "/oauth/revoke");
  assert.deepEqual(formOf(server), {
    token: "rt-1",
    token_type_hint: "refresh_token",
    client_id: CLIENT_ID,
  });
});

Deno.test("each error reply is classified: dead grants and 401s are rejected, the rest transient", async () => {
  const cases: {
    status: number;
    body: string | Record<string, unknown>;
    kind: string;
    code?: string;
  }[] = [
    {
      status: 401,
      body: { error: { code: "refresh_token_expired" } },
      kind: "rejected",
      code: "refresh_token_expired",
    },
    {
      status: 400,
      body: { error: { code: "refresh_token_reused" } },
      kind: "rejected",
      code: "refresh_token_reused",
    },
    {
      status: 400,
      body: { error: "refresh_token_invalidated" },
      kind: "rejected",
      code: "refresh_token_invalidated",
    },
    { status: 400, body: { code: "INVALID_GRANT" }, kind: "rejected", code: "invalid_grant" },
    {
      status: 401,
      body: { error: { code: "token_expired" } },
      kind: "rejected",
      code: "token_expired",
    },
    { status: 401, body: "", kind: "rejected" },
    { status: 400, body: { error: "invalid_request" }, kind: "transient", code: "invalid_request" },
    { status: 403, body: "<html><body>blocked</body></html>", kind: "transient" },
    { status: 429, body: { error: { message: "slow down" } }, kind: "transient" },
    { status: 500, body: "oops", kind: "transient" },
    { status: 503, body: {}, kind: "transient" },
  ];
  for (const c of cases) {
    await using server = issuer({ status: c.status, body: c.body });
    const result = await refreshTokens(endpoint(server), "rt");
    assert.ok(!result.ok, JSON.stringify(c));
    assert.equal(result.error.kind, c.kind, JSON.stringify(c));
    assert.equal(result.error.status, c.status);
    assert.equal(result.error.code, c.code, JSON.stringify(c));
  }
});

Deno.test("a dead grant's message says what happened", async () => {
  const messageFor = async (code: string) => {
    await using server = issuer({ status: 401, body: { error: { code } } });
    const result = await refreshTokens(endpoint(server), "rt");
    return result.ok ? "" : result.error.message;
  };
  assert.match(await messageFor("refresh_token_expired"), /sign-in has expired/);
  assert.match(await messageFor("refresh_token_reused"), /used elsewhere/);
  assert.match(await messageFor("refresh_token_invalidated"), /revoked/);
});

Deno.test("an HTML error page is reported briefly, without its markup", async () => {
  const page = `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>${
    "<div>x</div>".repeat(500)
  }</body></html>`;
  await using server = issuer({
    status: 403,
    body: page,
    headers: { "content-type": "text/html" },
  });
  const result = await exchangeAuthorizationCode(endpoint(server), {
    code: "c",
    codeVerifier: "v",
    redirectUri: "http://localhost:1455/auth/callback",
  });
  assert.ok(!result.ok);
  assert.match(result.error.message, /HTTP 403, an HTML page instead of JSON/);
  assert.doesNotMatch(result.error.message, /<|div/);
});

Deno.test("a 2xx reply that breaks the protocol is invalid_response", async () => {
  const exchangeReplies: [string | Record<string, unknown>, RegExp][] = [
    ["<html>ok</html>", /not a JSON object \(an HTML page/],
    ["", /not a JSON object \(an empty body\)/],
    [{ ...FULL_REPLY, refresh_token: undefined }, /has no refresh_token/],
    [{ ...FULL_REPLY, access_token: "opaque-token" }, /access_token that is not a JWT/],
    [{ ...FULL_REPLY, id_token: 42 }, /id_token that is not a non-empty string/],
    [{ ...FULL_REPLY, refresh_token: "  " }, /refresh_token that is not a non-empty string/],
  ];
  for (const [body, message] of exchangeReplies) {
    await using server = issuer({ status: 200, body });
    const result = await exchangeAuthorizationCode(endpoint(server), {
      code: "c",
      codeVerifier: "v",
      redirectUri: "r",
    });
    assert.ok(!result.ok, JSON.stringify(body));
    assert.equal(result.error.kind, "invalid_response");
    assert.match(result.error.message, message);
  }
  await using server = issuer({ status: 200, body: { refresh_token: "rt-new" } });
  const refreshed = await refreshTokens(endpoint(server), "rt");
  assert.ok(!refreshed.ok);
  assert.equal(refreshed.error.kind, "invalid_response");
  assert.match(refreshed.error.message, /has no access_token/);
});

Deno.test("an unreachable issuer is a transient failure naming the URL", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = listener.addr.port;
  listener.close();
  const result = await refreshTokens({ fetch, issuer: `http://127.0.0.1:${port}` }, "rt");
  assert.ok(!result.ok);
  assert.equal(result.error.kind, "transient");
  assert.match(
    result.error.message,
    new RegExp(`could not reach http://127\\.0\\.0\\.1:${port}/oauth/token`),
  );
});

Deno.test("an issuer that does not answer in time is a transient failure", async () => {
  await using server = issuer(async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { status: 200, body: FULL_REPLY };
  });
  const result = await revokeToken(endpoint(server, { timeoutMs: 30 }), "at", "access_token");
  assert.ok(!result.ok);
  assert.equal(result.error.kind, "transient");
  assert.match(result.error.message, /no answer from .* within 0\.03 s/);
});

Deno.test("a cancelled call is aborted, not transient", async () => {
  const controller = new AbortController();
  await using server = issuer(async () => {
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { status: 200, body: FULL_REPLY };
  });
  const result = await refreshTokens(endpoint(server, { signal: controller.signal }), "rt");
  assert.ok(!result.ok);
  assert.equal(result.error.kind, "aborted");
});
