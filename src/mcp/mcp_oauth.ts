/**
 * OAuth for remote MCP servers, as the MCP authorization specification describes it, through the
 * SDK's OAuth client: protected resource and authorization server metadata discovery, dynamic
 * client registration, PKCE, a loopback redirect (or the redirect URL pasted, for a browser on
 * another machine), and refresh. Tokens are kept in `mcp_credentials.ts`' files; a refresh runs
 * under the file's lock and re-reads it first, so concurrent Pixir processes refresh once.
 */

import {
  auth,
  discoverOAuthServerInfo,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
} from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { startCallbackServer } from "../auth/callback_server.ts";
import type { AuthResult } from "../auth/oauth.ts";
import { createState, type RandomBytes } from "../auth/pkce.ts";
import { parseRedirectInput } from "../auth/redirect_input.ts";
import {
  type McpCredentials,
  type McpCredentialsLocation,
  readMcpCredentials,
  withMcpCredentials,
  writeMcpCredentials,
} from "./mcp_credentials.ts";

/**
 * A token this close to its expiry is refreshed before it is sent: a minute, or half the
 * token's lifetime when it lives less than two.
 */
const REFRESH_MARGIN_MS = 60_000;

/** How long a sign-in may take, from the printed URL to the callback. */
export const DEFAULT_MCP_LOGIN_TIMEOUT_MS = 10 * 60_000;

/** The server needs a (new) sign-in; the message says how. */
export class McpSignInNeeded extends Error {
  constructor(server: string, why: string) {
    super(`${why}: sign in with \`pixir mcp login ${server}\``);
    this.name = "McpSignInNeeded";
  }
}

/**
 * The SDK's view of one sign-in: what it discovers, registers and receives is kept in memory and
 * becomes the stored credentials. `redirect` is called with the authorization URL; refreshing
 * passes none, so a refresh that would need the person again fails instead.
 */
class SignInState implements OAuthClientProvider {
  client: OAuthClientInformationMixed | undefined;
  stored: OAuthTokens | undefined;
  expiresAt: number | undefined;
  discovery: OAuthDiscoveryState | undefined;
  #verifier = "";
  readonly #redirectUri: string;
  readonly #state: string;
  readonly #now: () => number;
  readonly #redirect: ((url: URL) => void) | undefined;

  constructor(options: {
    redirectUri: string;
    state: string;
    now: () => number;
    redirect?: (url: URL) => void;
    from?: McpCredentials;
  }) {
    this.#redirectUri = options.redirectUri;
    this.#state = options.state;
    this.#now = options.now;
    this.#redirect = options.redirect;
    this.client = options.from?.client;
    this.stored = options.from?.tokens;
    this.expiresAt = options.from?.expires_at;
    this.discovery = options.from?.discovery;
  }

  get redirectUrl(): string {
    return this.#redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "Pixir",
      redirect_uris: [this.#redirectUri],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      // A public client: a terminal program cannot keep a secret.
      token_endpoint_auth_method: "none",
    };
  }

  state(): string {
    return this.#state;
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.client;
  }

  saveClientInformation(client: OAuthClientInformationMixed): void {
    this.client = client;
  }

  tokens(): OAuthTokens | undefined {
    return this.stored;
  }

  saveTokens(tokens: OAuthTokens): void {
    // A refresh that returns no refresh token leaves the old one in force.
    const refresh = tokens.refresh_token ?? this.stored?.refresh_token;
    this.stored = { ...tokens, ...(refresh === undefined ? {} : { refresh_token: refresh }) };
    this.expiresAt = tokens.expires_in === undefined
      ? undefined
      : this.#now() + tokens.expires_in * 1000;
  }

  redirectToAuthorization(url: URL): void {
    if (this.#redirect === undefined) throw new NeedsPerson();
    this.#redirect(url);
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    return this.#verifier;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): void {
    if (scope === "all" || scope === "tokens") this.stored = undefined;
    if (scope === "all" || scope === "client") this.client = undefined;
    if (scope === "all" || scope === "discovery") this.discovery = undefined;
  }

  /** What to store once the SDK has tokens. */
  credentials(serverUrl: string, now: number): McpCredentials {
    if (this.client === undefined || this.stored === undefined) {
      throw new Error("the sign-in ended without a client registration or tokens");
    }
    return {
      version: 1,
      server_url: serverUrl,
      redirect_uri: this.#redirectUri,
      client: this.client,
      ...(this.discovery === undefined ? {} : { discovery: this.discovery }),
      tokens: this.stored,
      ...(this.expiresAt === undefined ? {} : { expires_at: this.expiresAt }),
      saved_at: new Date(now).toISOString(),
    };
  }
}

/** The refresh would need the person at the browser again. */
class NeedsPerson extends Error {}

/** What signing in takes from the outside world. */
export interface McpLoginDeps {
  fetch: typeof fetch;
  now(): number;
  random: RandomBytes;
  /** Shows a line to the person (stderr). */
  print(line: string): void;
  /** Tries to show the URL in a browser; returns whether it could. */
  openBrowser(url: string): boolean;
  /** One pasted line; null when nobody can paste (no terminal). Gives up when `signal` aborts. */
  readPastedLine(signal: AbortSignal): Promise<string | null>;
  /** Ctrl+C. */
  signal: AbortSignal;
  timeoutMs?: number;
  /** Callback addresses; default 127.0.0.1 and ::1. */
  hostnames?: readonly string[];
}

/**
 * Signs in to the MCP server `name` at `serverUrl` and stores the tokens at `location`. Throws an
 * Error whose message says what went wrong (no OAuth offered, no registration, refused, timeout).
 */
export async function mcpLogin(
  name: string,
  serverUrl: string,
  location: McpCredentialsLocation,
  deps: McpLoginDeps,
): Promise<McpCredentials> {
  const state = createState(deps.random);
  const decided = new AbortController();
  const signal = AbortSignal.any([deps.signal, decided.signal]);
  let sdk!: SignInState;
  const exchange = async (code: string): Promise<AuthResult<McpCredentials>> => {
    try {
      await auth(sdk, { serverUrl, authorizationCode: code, fetchFn: deps.fetch });
      return { ok: true, value: sdk.credentials(serverUrl, deps.now()) };
    } catch (error) {
      return {
        ok: false,
        error: { kind: "denied", message: `the token exchange failed: ${describe(error)}` },
      };
    }
  };
  // Any free port: the client is registered for exactly this redirect.
  const started = await startCallbackServer({
    expectedState: state,
    redeem: ({ code }) => exchange(code),
    signal,
    ports: [0],
    hostnames: deps.hostnames,
  });
  if (!started.ok) throw new Error(started.error.message);
  const server = started.value;
  try {
    let shown = false;
    sdk = new SignInState({
      redirectUri: server.redirectUri,
      state,
      now: deps.now,
      redirect: (url) => {
        shown = true;
        deps.print(`Sign in to the MCP server "${name}" by opening this URL in a browser:`);
        deps.print(url.href);
        if (deps.openBrowser(url.href)) deps.print("A browser window should open on that page.");
        deps.print(
          "If the browser is on another machine, paste the address it ends up on here and " +
            "press Enter.",
        );
      },
    });
    sdk.discovery = await discover(serverUrl, deps.fetch);
    try {
      const first = await auth(sdk, { serverUrl, fetchFn: deps.fetch });
      if (first === "AUTHORIZED") {
        return await save(location, sdk.credentials(serverUrl, deps.now()));
      }
    } catch (error) {
      throw new Error(`cannot start the sign-in to ${serverUrl}: ${describe(error)}`);
    }
    if (!shown) throw new Error(`the server at ${serverUrl} asked for no sign-in`);
    const pasted = async (): Promise<AuthResult<McpCredentials>> => {
      while (!signal.aborted) {
        const line = await deps.readPastedLine(signal);
        if (line === null || signal.aborted) return await never();
        const parsed = parseRedirectInput(line, state);
        if (parsed.ok) return await exchange(parsed.code);
        deps.print(`That did not work: ${parsed.problem}. Paste the address again:`);
      }
      return await never();
    };
    const deadline = new Promise<AuthResult<McpCredentials>>((resolve) => {
      const timer = setTimeout(() =>
        resolve({
          ok: false,
          error: {
            kind: "timeout",
            message: `no sign-in arrived in time; run \`pixir mcp login ${name}\` again`,
          },
        }), deps.timeoutMs ?? DEFAULT_MCP_LOGIN_TIMEOUT_MS);
      signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
    });
    const outcome = await Promise.race([server.outcome, pasted(), deadline]);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return await save(location, outcome.value);
  } finally {
    decided.abort();
    await server.close();
  }
}

/**
 * The server's authorization server and what it offers, found as the MCP specification says
 * (protected resource metadata, then the authorization server's metadata); an Error saying why
 * Pixir cannot sign in there when it offers no OAuth or no client registration.
 */
async function discover(serverUrl: string, fetchFn: typeof fetch): Promise<OAuthDiscoveryState> {
  let info;
  try {
    info = await discoverOAuthServerInfo(serverUrl, { fetchFn });
  } catch (error) {
    throw new Error(`cannot read the OAuth metadata of ${serverUrl}: ${describe(error)}`);
  }
  const metadata = info.authorizationServerMetadata;
  if (metadata === undefined) {
    throw new Error(
      `${serverUrl} publishes no OAuth metadata (neither protected resource nor authorization ` +
        `server), so there is nothing to sign in to; a server that takes a fixed token is ` +
        `configured with bearer_token_env_var`,
    );
  }
  if (metadata.registration_endpoint === undefined) {
    throw new Error(
      `the authorization server ${info.authorizationServerUrl} of ${serverUrl} offers no ` +
        `dynamic client registration, which Pixir needs to sign in there`,
    );
  }
  return {
    authorizationServerUrl: info.authorizationServerUrl,
    authorizationServerMetadata: metadata,
    ...(info.resourceMetadata === undefined ? {} : { resourceMetadata: info.resourceMetadata }),
  };
}

async function save(
  location: McpCredentialsLocation,
  credentials: McpCredentials,
): Promise<McpCredentials> {
  await withMcpCredentials(location, () => writeMcpCredentials(location, credentials));
  return credentials;
}

/** Where a connection gets the access token for a server, refreshed when needed. */
export interface McpTokenSource {
  /** The access token to send; undefined when the server has no stored sign-in. */
  token(): Promise<string | undefined>;
  /** A token other than `stale` (refreshed, or refreshed already by another process). */
  refresh(stale: string): Promise<string>;
}

/** The stored sign-in of server `name` at `serverUrl`, as a token source. */
export function mcpTokenSource(
  name: string,
  serverUrl: string,
  location: McpCredentialsLocation,
  deps: { fetch: typeof fetch; now(): number },
): McpTokenSource {
  let current: McpCredentials | null | undefined;
  const refresh = async (stale: string): Promise<string> => {
    current = await withMcpCredentials(location, async () => {
      const latest = await readMcpCredentials(location);
      if (latest === null || latest.server_url !== serverUrl) {
        throw new McpSignInNeeded(name, "the server's sign-in was removed");
      }
      // Another process refreshed while this one waited for the lock.
      if (latest.tokens.access_token !== stale) return latest;
      const sdk = new SignInState({
        redirectUri: latest.redirect_uri,
        state: "",
        now: deps.now,
        from: latest,
      });
      try {
        await auth(sdk, { serverUrl, fetchFn: deps.fetch });
      } catch (error) {
        if (error instanceof NeedsPerson) {
          throw new McpSignInNeeded(name, "the server's sign-in has expired");
        }
        throw new Error(`cannot refresh the sign-in to "${name}": ${describe(error)}`);
      }
      const refreshed = sdk.credentials(serverUrl, deps.now());
      await writeMcpCredentials(location, refreshed);
      return refreshed;
    });
    return current.tokens.access_token;
  };
  return {
    async token() {
      if (current === undefined) current = await readMcpCredentials(location);
      if (current === null || current.server_url !== serverUrl) return undefined;
      const { expires_at, tokens } = current;
      const lifetime = (tokens.expires_in ?? Infinity) * 1000;
      const margin = Math.min(REFRESH_MARGIN_MS, lifetime / 2);
      if (expires_at !== undefined && expires_at - deps.now() < margin) {
        return await refresh(tokens.access_token);
      }
      return tokens.access_token;
    },
    refresh,
  };
}

/**
 * `fetch` with the source's bearer token on every request; a 401 refreshes the token once and
 * sends the request again. Without a stored sign-in a 401 says how to sign in.
 */
export function authorizedFetch(
  name: string,
  source: McpTokenSource,
  fetchFn: typeof fetch,
): typeof fetch {
  return async (input, init) => {
    const token = await source.token();
    const send = (bearer: string | undefined) => {
      const headers = new Headers(init?.headers);
      if (bearer !== undefined) headers.set("Authorization", `Bearer ${bearer}`);
      return fetchFn(input, { ...init, headers });
    };
    const response = await send(token);
    if (response.status !== 401) return response;
    await response.body?.cancel();
    if (token === undefined) throw new McpSignInNeeded(name, "the server requires a sign-in");
    return await send(await source.refresh(token));
  };
}

/** How a revocation went: done, not offered by the authorization server, or failed. */
export type Revocation = "revoked" | "unsupported" | "failed";

/** How long one revocation request may take. */
const REVOKE_TIMEOUT_MS = 10_000;

/**
 * Asks the authorization server to revoke the sign-in's tokens (RFC 7009), the refresh token
 * first (which usually ends the whole grant); best effort, never throws.
 */
export async function revokeMcpTokens(
  credentials: McpCredentials,
  fetchFn: typeof fetch,
): Promise<Revocation> {
  const endpoint = credentials.discovery?.authorizationServerMetadata?.revocation_endpoint;
  if (endpoint === undefined) return "unsupported";
  const { client, tokens } = credentials;
  const tokenList = [
    ...(tokens.refresh_token === undefined ? [] : [["refresh_token", tokens.refresh_token]]),
    ["access_token", tokens.access_token],
  ];
  try {
    for (const [hint, token] of tokenList) {
      const form = new URLSearchParams({
        token,
        token_type_hint: hint,
        client_id: client.client_id,
      });
      if (client.client_secret !== undefined) form.set("client_secret", client.client_secret);
      const response = await fetchFn(endpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form,
        signal: AbortSignal.timeout(REVOKE_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) return "failed";
    }
    return "revoked";
  } catch {
    return "failed";
  }
}

function never(): Promise<never> {
  return new Promise(() => {});
}

/** An error's message on one line, cut short: a server's error page can be long HTML. */
function describe(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ");
  return text.length <= 300 ? text : `${text.slice(0, 299)}…`;
}
