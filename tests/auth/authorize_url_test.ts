import assert from "node:assert/strict";
import { buildAuthorizeUrl, callbackRedirectUri } from "../../src/auth/authorize_url.ts";
import { CLIENT_ID } from "../../src/auth/oauth.ts";

const REQUEST = {
  issuer: "http://127.0.0.1:8123",
  redirectUri: callbackRedirectUri(1457),
  codeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
  state: "st-ate_1",
};

Deno.test("callbackRedirectUri names localhost, the port and /auth/callback", () => {
  assert.equal(callbackRedirectUri(1455), "http://localhost:1455/auth/callback");
});

Deno.test("the authorize URL carries every parameter, in order, under <issuer>/oauth/authorize", () => {
  const url = new URL(buildAuthorizeUrl(REQUEST));
  assert.equal(`${url.origin}${url.pathname}`, "http://127.0.0.1:8123/oauth/authorize");
  assert.deepEqual([...url.searchParams], [
    ["response_type", "code"],
    ["client_id", CLIENT_ID],
    ["redirect_uri", "http://localhost:1457/auth/callback"],
    ["scope", "openid profile email offline_access"],
    ["code_challenge", REQUEST.codeChallenge],
    ["code_challenge_method", "S256"],
    ["id_token_add_organizations", "true"],
    ["codex_cli_simplified_flow", "true"],
    ["state", "st-ate_1"],
    ["originator", "pixir"],
  ]);
});

Deno.test("the authorize URL percent-encodes values, spaces as %20", () => {
  const url = buildAuthorizeUrl(REQUEST);
  assert.ok(url.includes("&scope=openid%20profile%20email%20offline_access&"), url);
  assert.ok(url.includes("redirect_uri=http%3A%2F%2Flocalhost%3A1457%2Fauth%2Fcallback&"), url);
  assert.ok(!url.includes("+"), url);
});

Deno.test("the authorize URL escapes characters encodeURIComponent leaves alone", () => {
  const url = buildAuthorizeUrl({ ...REQUEST, state: "a!b'(c)*" });
  assert.ok(url.includes("&state=a%21b%27%28c%29%2A&"), url);
  assert.equal(new URL(url).searchParams.get("state"), "a!b'(c)*");
});
