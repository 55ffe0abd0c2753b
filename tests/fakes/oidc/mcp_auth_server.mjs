// An MCP server that needs OAuth, built from standard parts nobody here wrote: oidc-provider as
// the authorization server (metadata discovery, dynamic client registration, PKCE, resource
// indicators, refresh-token rotation) and the MCP SDK's streamable HTTP server as the resource
// server, which accepts only the access tokens oidc-provider issued for it and points clients
// without one to its protected resource metadata (RFC 9728), as the MCP authorization spec asks.
// Sign-in and consent are answered at once for one account (no login page to drive).
//
// Run with: node mcp_auth_server.mjs <oidc modules dir> <MCP SDK modules dir> <access ttl s>
// [no-registration] (the last: an authorization server without dynamic client registration).
// Prints one JSON line {"mcp_url", "issuer"} once it listens, then one line per event the test
// checks: {"registration": {...}}, {"token_request": {grant_type, status}}, {"revocation":
// {hint, status}}, {"mcp_request": {method, authorized}}.

import { createServer } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [oidcModules, sdkModules, ttlText, registration] = process.argv.slice(2);
const load = (dir, path) => import(pathToFileURL(join(dir, path)).href);
const { default: Provider, errors } = await load(oidcModules, "oidc-provider/lib/index.js");
const { McpServer } = await load(sdkModules, "@modelcontextprotocol/sdk/dist/esm/server/mcp.js");
const { StreamableHTTPServerTransport } = await load(
  sdkModules,
  "@modelcontextprotocol/sdk/dist/esm/server/streamableHttp.js",
);

const ACCESS_TTL = Number(ttlText);
const ACCOUNT = "mcp-user-7";

function report(message) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function listen(server) {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${server.address().port}`;
}

const authServer = createServer();
const resourceServer = createServer();
const issuer = await listen(authServer);
const origin = await listen(resourceServer);
const MCP_URL = `${origin}/mcp`;
const METADATA_URL = `${origin}/.well-known/oauth-protected-resource/mcp`;

const provider = new Provider(issuer, {
  scopes: ["openid", "offline_access", "mcp"],
  features: {
    registration: { enabled: registration !== "no-registration" },
    revocation: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => MCP_URL,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== MCP_URL) throw new errors.InvalidTarget();
        return { scope: "mcp", accessTokenFormat: "opaque", accessTokenTTL: ACCESS_TTL };
      },
    },
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  issueRefreshToken: () => true,
  ttl: { AccessToken: ACCESS_TTL, RefreshToken: 86400, Grant: 86400, Session: 86400 },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
});

provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === "/token") {
    report({
      token_request: { grant_type: ctx.oidc?.params?.grant_type ?? null, status: ctx.status },
    });
  } else if (ctx.path === "/token/revocation") {
    report({ revocation: { hint: ctx.oidc?.params?.token_type_hint ?? null, status: ctx.status } });
  } else if (ctx.path === "/reg" && ctx.method === "POST") {
    report({
      registration: { status: ctx.status, redirect_uris: ctx.body?.redirect_uris ?? null },
    });
  }
});

// Sign-in and consent, answered at once: the account signs in and grants what is asked.
authServer.on("request", async (req, res) => {
  if (!req.url.startsWith("/interaction/")) return provider.callback()(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    let result;
    if (details.prompt.name === "login") {
      result = { login: { accountId: ACCOUNT } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: ACCOUNT, clientId: details.params.client_id });
      const missing = details.prompt.details;
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(resource, scopes.join(" "));
      }
      result = { consent: { grantId: await grant.save() } };
    }
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  } catch (error) {
    res.statusCode = 500;
    res.end(String(error));
  }
});

resourceServer.on("request", async (req, res) => {
  if (req.url.startsWith("/.well-known/oauth-protected-resource")) {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({
      resource: MCP_URL,
      authorization_servers: [issuer],
      scopes_supported: ["mcp", "offline_access"],
      bearer_methods_supported: ["header"],
    }));
    return;
  }
  if (!req.url.startsWith("/mcp")) {
    res.statusCode = 404;
    res.end();
    return;
  }
  const header = req.headers.authorization ?? "";
  const token = header.startsWith("Bearer ")
    ? await provider.AccessToken.find(header.slice(7))
    : undefined;
  const authorized = token !== undefined && !token.isExpired && token.aud === MCP_URL;
  report({ mcp_request: { method: req.method, authorized } });
  if (!authorized) {
    res.statusCode = 401;
    res.setHeader(
      "www-authenticate",
      `Bearer error="invalid_token", resource_metadata="${METADATA_URL}"`,
    );
    res.end();
    return;
  }
  const server = new McpServer({ name: "auth-fake", version: "1.0.0" });
  server.registerTool(
    "whoami",
    {
      description: "The account the access token was issued to.",
      annotations: { readOnlyHint: true },
    },
    () => ({ content: [{ type: "text", text: `signed in as ${token.accountId}` }] }),
  );
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on("close", () => {
    transport.close();
    server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
});

report({ mcp_url: MCP_URL, issuer, account: ACCOUNT });
