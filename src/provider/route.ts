/**
 * Where a request goes and the headers it carries. The endpoint (base URL, the provider's own
 * headers and query parameters) comes from the chosen provider; the credential adds its
 * authorisation: a ChatGPT sign-in its account and beta headers, an API key a Bearer token, a local
 * server that needs none nothing at all. Pixir's own headers are set last, so neither a provider's
 * configured headers nor the sender's extras can replace them.
 */

import type { Credential } from "../auth/credential.ts";

/** One provider's endpoint: requests go to `<baseUrl>/responses?<queryParams>`. */
export interface ProviderEndpoint {
  /** The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`. */
  baseUrl: string;
  /** Headers the provider wants on every request (`http_headers`). */
  headers?: Readonly<Record<string, string>>;
  /** Query parameters added to every URL (`query_params`). */
  queryParams?: Readonly<Record<string, string>>;
}

/** What a request says about where it comes from; the same for every backend. */
export interface Sender {
  userAgent: string;
  /** Pixir's session id, sent as `session_id` (the same value is the prompt cache key). */
  sessionId: string;
  /** The turn's `x-codex-turn-state`, echoed from an earlier response of the same turn. */
  turnState?: string;
  /** More headers (e.g. `OpenAI-Organization`); they cannot replace Pixir's own. */
  extraHeaders?: Readonly<Record<string, string>>;
}

/** The URL and headers of one request. */
export interface RequestRoute {
  url: string;
  headers: Headers;
  /** The backend takes zstd request bodies (the ChatGPT backend; other providers get plain). */
  compressBody: boolean;
}

/** Routes a `POST /responses` made with `credential` to `endpoint`. */
export function routeRequest(
  credential: Credential,
  endpoint: ProviderEndpoint,
  sender: Sender,
): RequestRoute {
  const headers = new Headers(endpoint.headers);
  for (const [name, value] of Object.entries(sender.extraHeaders ?? {})) headers.set(name, value);
  const own: Record<string, string> = {
    "Content-Type": "application/json",
    "Accept": "text/event-stream",
    "originator": "pixir",
    "User-Agent": sender.userAgent,
    "session_id": sender.sessionId,
    ...(sender.turnState === undefined ? {} : { "x-codex-turn-state": sender.turnState }),
    ...credentialHeaders(credential),
  };
  for (const [name, value] of Object.entries(own)) headers.set(name, value);
  // Only the ChatGPT backend is known to take zstd bodies; other providers get plain ones.
  return {
    url: endpointUrl(endpoint, "/responses"),
    headers,
    compressBody: credential.kind === "chatgpt",
  };
}

/** The headers that authorise a request made with `credential`. */
function credentialHeaders(credential: Credential): Record<string, string> {
  switch (credential.kind) {
    case "api_key":
      // No account header: the public API bills the key's own organization.
      return { "Authorization": `Bearer ${credential.api_key}` };
    case "chatgpt":
      return {
        "Authorization": `Bearer ${credential.access_token}`,
        // Which workspace the subscription belongs to; without it the backend refuses the call.
        "chatgpt-account-id": credential.account_id,
        "OpenAI-Beta": "responses=experimental",
      };
    case "none":
      return {};
  }
}

/** `<baseUrl><path>` with the endpoint's query parameters and `extra` ones. */
export function endpointUrl(
  endpoint: ProviderEndpoint,
  path: string,
  extra: Readonly<Record<string, string>> = {},
): string {
  const url = new URL(`${endpoint.baseUrl.replace(/\/+$/, "")}${path}`);
  for (const [name, value] of Object.entries({ ...endpoint.queryParams, ...extra })) {
    url.searchParams.set(name, value);
  }
  return url.href;
}

/**
 * The route of a model list, `GET <base>/models`: with the subscription's headers and
 * `client_version` for the ChatGPT backend, with the credential's Bearer token (if any) for an
 * OpenAI-compatible server.
 */
export function routeModelList(
  credential: Credential,
  endpoint: ProviderEndpoint,
  userAgent: string,
  clientVersion?: string,
): RequestRoute {
  const headers = new Headers(endpoint.headers);
  const own: Record<string, string> = {
    "Accept": "application/json",
    "originator": "pixir",
    "User-Agent": userAgent,
    ...credentialHeaders(credential),
  };
  for (const [name, value] of Object.entries(own)) headers.set(name, value);
  const extra: Record<string, string> = clientVersion === undefined
    ? {}
    : { client_version: clientVersion };
  return { url: endpointUrl(endpoint, "/models", extra), headers, compressBody: false };
}
