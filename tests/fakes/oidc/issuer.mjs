// A standards OAuth 2.0 / OpenID Connect issuer for Pixir's tests: oidc-provider (pinned in
// package.json beside this file, installed into .tools/oidc by .ci/run), on a loopback port, with
// Pixir's public client, form-encoded token and revocation endpoints at Pixir's paths, JWT access
// tokens of ACCESS_TTL seconds, and refresh-token rotation (a spent refresh token is refused).
//
// Run with: node issuer.mjs <modules dir> <access ttl seconds>. Prints one JSON line
// {"issuer", "refresh_token", "account_id"} once it listens; every token request it then answers
// is reported as one line {"token_request": {grant_type, client_id, content_type, status}}.

import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modulesDir, ttlText] = process.argv.slice(2);

/** One JSON line on stdout, which the test reads. */
function report(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}
const { default: Provider } = await import(
  pathToFileURL(join(modulesDir, "oidc-provider", "lib", "index.js")).href
);
const CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
const ACCOUNT_ID = "acct_oidc";
const RESOURCE = "https://backend.pixir.test";
const ACCESS_TTL = Number(ttlText);
const SCOPE = "openid offline_access";

const server = createServer();
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    token_endpoint_auth_method: "none",
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    redirect_uris: ["http://localhost:1455/auth/callback"],
  }],
  routes: { token: "/oauth/token", revocation: "/oauth/revoke" },
  scopes: ["openid", "offline_access"],
  rotateRefreshToken: true,
  issueRefreshToken: () => true,
  ttl: { AccessToken: ACCESS_TTL, IdToken: 3600, RefreshToken: 86400, Grant: 86400 },
  features: {
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: SCOPE,
        accessTokenFormat: "jwt",
        accessTokenTTL: ACCESS_TTL,
      }),
    },
  },
  findAccount: (_ctx, sub) => ({
    accountId: sub,
    claims: () => ({ sub, email: "oidc@example.com" }),
  }),
});

// Report every token request with what the client sent and how it was answered.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== "/oauth/token") return;
  const body = ctx.oidc?.params ?? {};
  report({
    token_request: {
      grant_type: body.grant_type ?? null,
      client_id: body.client_id ?? null,
      content_type: ctx.get("content-type"),
      status: ctx.status,
    },
  });
});

server.on("request", provider.callback());

// The grant a finished sign-in would have made, and its refresh token.
const client = await provider.Client.find(CLIENT_ID);
const grant = new provider.Grant({ accountId: ACCOUNT_ID, clientId: CLIENT_ID });
grant.addOIDCScope(SCOPE);
grant.addResourceScope(RESOURCE, SCOPE);
const grantId = await grant.save();
const refresh = new provider.RefreshToken({
  accountId: ACCOUNT_ID,
  client,
  grantId,
  gty: "authorization_code",
  scope: SCOPE,
  resource: RESOURCE,
  rotations: 0,
});
const refreshToken = await refresh.save();
report({ issuer, refresh_token: refreshToken, account_id: ACCOUNT_ID });
