import assert from "node:assert/strict";
import { ISSUER_CLIENT_ID, startAuthServer } from "../fakes/auth_server.ts";
import { startLoopbackServer } from "../fakes/loopback_server.ts";
import {
  ACCOUNT,
  assertNoStackTrace,
  chatgptLogin,
  formOf,
  listing,
  requestsTo,
  sandbox,
  seedAuthFile,
} from "./helpers.ts";

const REVOKE_PATH = "/oauth/revoke";

/** Whether the sandbox still holds a stored sign-in. */
async function hasAuthFile(home: string): Promise<boolean> {
  return (await listing(home)).includes("auth.json");
}

Deno.test("logout deletes auth.json and revokes the refresh token once", async () => {
  await using box = await sandbox();
  await using auth = startAuthServer({ account: ACCOUNT });
  const tokens = auth.issuer.issueTokens();
  await seedAuthFile(box.home, chatgptLogin(auth.url, tokens));

  const result = await box.run(["logout"]);
  const status = await box.run(["status"], { apiKey: null });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(await hasAuthFile(box.home), false);
  assert.match(result.stderr, /Revoked/);
  const revokes = requestsTo(auth.requests, REVOKE_PATH);
  assert.equal(revokes.length, 1);
  const form = formOf(revokes[0]);
  assert.equal(form.get("token"), tokens.refresh_token);
  assert.equal(form.get("token_type_hint"), "refresh_token");
  assert.equal(form.get("client_id"), ISSUER_CLIENT_ID);
  assert.equal(auth.issuer.revocations.length, 1, "the issuer accepted the revocation");
  assert.equal(status.code, 4, "signed out afterwards");
});

Deno.test("logout deletes auth.json even when revocation fails, and says what that means", async () => {
  await using box = await sandbox();
  await using auth = startAuthServer({ account: ACCOUNT });
  // The login's issuer: an endpoint that fails every revocation.
  await using failing = startLoopbackServer([{
    method: "POST",
    path: REVOKE_PATH,
    handle: () => ({ status: 503, body: { error: "temporarily_unavailable" } }),
  }]);
  await seedAuthFile(box.home, chatgptLogin(failing.origin, auth.issuer.issueTokens()));

  const result = await box.run(["logout"]);

  assert.equal(result.code, 0, result.stderr);
  assert.equal(await hasAuthFile(box.home), false);
  assert.equal(requestsTo(failing.requests, REVOKE_PATH).length, 1);
  assert.match(result.stderr, /copies of its refresh token elsewhere stay valid/);
  assertNoStackTrace(result.stderr);
});

Deno.test("logout of a stored API key deletes it without calling any issuer", async () => {
  await using box = await sandbox();
  await using auth = startAuthServer();
  await seedAuthFile(box.home, { version: 1, method: "api_key", api_key: "sk-stored" });

  const result = await box.run(["logout"], { env: { PIXIR_AUTH_ISSUER: auth.url } });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(await hasAuthFile(box.home), false);
  assert.equal(auth.requests.length, 0);
});

Deno.test("logout when signed out is exit 0 and says so", async () => {
  await using box = await sandbox();
  await using auth = startAuthServer();

  const result = await box.run(["logout"], { env: { PIXIR_AUTH_ISSUER: auth.url } });

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /Not signed in/);
  assert.equal(auth.requests.length, 0);
});
