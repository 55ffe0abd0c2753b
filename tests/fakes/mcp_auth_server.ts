/**
 * An MCP server that needs OAuth (tests/fakes/oidc/mcp_auth_server.mjs): oidc-provider as its
 * authorization server and the MCP SDK's streamable HTTP server behind it, run by Node with the
 * modules `.ci/run` and the MCP tests install.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OIDC_MODULES, oidcIssuerUnavailable, startNodeReporter } from "./oidc_issuer.ts";
import { everythingServer } from "./mcp_everything.ts";

const SCRIPT = fileURLToPath(new URL("./oidc/mcp_auth_server.mjs", import.meta.url));

/** The running server. */
export interface McpAuthServer extends AsyncDisposable {
  /** The MCP endpoint. */
  url: string;
  /** The authorization server. */
  issuer: string;
  /** The account every sign-in is for. */
  account: string;
  /** Token requests answered so far, by grant type and status. */
  tokenRequests(): { grant_type: string | null; status: number }[];
  /** Dynamic client registrations so far. */
  registrations(): { status: number; redirect_uris: string[] | null }[];
  /** Token revocations so far. */
  revocations(): { hint: string | null; status: number }[];
}

/** Why the server cannot run here (oidc-provider or Node missing), or null. */
export const mcpAuthServerUnavailable = oidcIssuerUnavailable;

/**
 * Starts the server with access tokens living `accessTtlSeconds`; `registration: false` turns
 * dynamic client registration off.
 */
export async function startMcpAuthServer(
  accessTtlSeconds: number,
  options: { registration?: boolean } = {},
): Promise<McpAuthServer> {
  // server-everything's install holds the MCP SDK the resource server is built with.
  const entry = await everythingServer();
  const sdkModules = join(entry, "..", "..", "..", "..");
  const child = await startNodeReporter(
    [
      SCRIPT,
      OIDC_MODULES,
      sdkModules,
      String(accessTtlSeconds),
      ...(options.registration === false ? ["no-registration"] : []),
    ],
    "the MCP OAuth server",
    (message) => typeof message.mcp_url === "string",
  );
  const of = <T>(key: string) => () =>
    child.messages().flatMap((m) => m[key] === undefined ? [] : [m[key] as T]);
  return {
    url: String(child.ready.mcp_url),
    issuer: String(child.ready.issuer),
    account: String(child.ready.account),
    tokenRequests: of("token_request"),
    registrations: of("registration"),
    revocations: of("revocation"),
    [Symbol.asyncDispose]: child.stop,
  };
}
