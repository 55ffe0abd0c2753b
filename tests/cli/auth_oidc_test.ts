/**
 * Refreshing against a standards OAuth server (oidc-provider): form-encoded requests with Pixir's
 * client id, JWT access tokens that live less than the refresh margin, and rotated refresh tokens
 * that are single-use — one refresh per run, and the rotated token kept for the next one.
 */

import assert from "node:assert/strict";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { oidcIssuerUnavailable, startOidcIssuer } from "../fakes/oidc_issuer.ts";
import { CHATGPT_BACKEND, startResponsesServer } from "../fakes/responses_server.ts";
import {
  chatgptLogin,
  requestsTo,
  sandbox,
  seedAuthFile,
  storedAuth,
  subscriptionEnv,
} from "./helpers.ts";

const unavailable = oidcIssuerUnavailable();

const NAME = "against oidc-provider: one form-encoded refresh per run, the rotated token kept";

Deno.test({
  name: unavailable === null ? NAME : `${NAME} (skipped: ${unavailable})`,
  // Counted as skipped where the issuer cannot run; the test below names the reason.
  ignore: unavailable !== null,
}, async () => {
  await using box = await sandbox();
  await using oidc = await startOidcIssuer(120);
  await using backend = startResponsesServer({
    ...CHATGPT_BACKEND,
    script: [
      { sse: toolCallAnswer({ name: "ls", arguments: '{"path":"."}', callId: "call_ls" }) },
      { sse: textAnswer("Listed.") },
      { sse: textAnswer("Again.") },
    ],
  });
  // A finished sign-in whose access token has expired; its refresh token is the issuer's own.
  const expired = createAuthIssuer().issueTokens({ accessTokenSeconds: -60 });
  await seedAuthFile(
    box.home,
    chatgptLogin(oidc.issuer, { ...expired, refresh_token: oidc.refreshToken }),
  );
  const env = subscriptionEnv(backend);

  const first = await box.run(["run", "look around"], { env });

  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(oidc.tokenRequests(), [{
    grant_type: "refresh_token",
    client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
    content_type: "application/x-www-form-urlencoded",
    status: 200,
  }]);
  const stored = await storedAuth(box.home);
  const tokens = stored.tokens as Record<string, string>;
  assert.notEqual(tokens.refresh_token, oidc.refreshToken, "the rotated refresh token is saved");
  const bearers = requestsTo(backend.requests, CHATGPT_BACKEND.path).map((request) =>
    request.headers["authorization"]
  );
  assert.deepEqual(bearers, [`Bearer ${tokens.access_token}`, `Bearer ${tokens.access_token}`]);

  // The next run refreshes with the rotated token (the first one is spent and would be refused).
  const second = await box.run(["run", "again"], { env });
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(oidc.tokenRequests().map((request) => request.status), [200, 200]);
});
