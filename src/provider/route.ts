/**
 * Where a model request goes and the headers it carries, decided by the credential: an API key
 * goes to the public Responses API, a ChatGPT sign-in to the ChatGPT backend. The body is the same
 * for both (see `buildRequestBody`): everything the ChatGPT backend insists on (`store:false`,
 * `stream:true`, instructions, no sampling or token limits) is also valid on the public API, so
 * only the URL and the headers differ, and those differences are the data below.
 */

import type { Credential } from "../auth/credential.ts";

/** The base URL of each backend; requests go to `<base>/responses`. */
export interface Endpoints {
  /** The public API root, e.g. `https://api.openai.com/v1`. */
  openaiBaseUrl: string;
  /** The ChatGPT backend root, e.g. `https://chatgpt.com/backend-api/codex`. */
  chatgptBaseUrl: string;
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

/** The URL and headers of one `POST /responses`. */
export interface RequestRoute {
  url: string;
  headers: Headers;
  /** The backend takes zstd request bodies (the ChatGPT backend; other providers get plain). */
  compressBody: boolean;
}

/** What one backend needs beyond the headers every request carries. */
interface Backend {
  baseUrl: string;
  headers: Record<string, string>;
}

/** Routes a request made with `credential`; Pixir's own headers are set after `extraHeaders`. */
export function routeRequest(
  credential: Credential,
  endpoints: Endpoints,
  sender: Sender,
): RequestRoute {
  const backend = backendFor(credential, endpoints);
  const headers = new Headers(sender.extraHeaders);
  const own: Record<string, string> = {
    "Content-Type": "application/json",
    "Accept": "text/event-stream",
    "originator": "pixir",
    "User-Agent": sender.userAgent,
    "session_id": sender.sessionId,
    ...(sender.turnState === undefined ? {} : { "x-codex-turn-state": sender.turnState }),
    ...backend.headers,
  };
  for (const [name, value] of Object.entries(own)) headers.set(name, value);
  return {
    url: `${backend.baseUrl.replace(/\/+$/, "")}/responses`,
    headers,
    compressBody: credential.kind === "chatgpt",
  };
}

/** The backend a credential's requests go to. */
function backendFor(credential: Credential, endpoints: Endpoints): Backend {
  switch (credential.kind) {
    case "api_key":
      // No account header: the public API bills the key's own organization.
      return {
        baseUrl: endpoints.openaiBaseUrl,
        headers: { "Authorization": `Bearer ${credential.api_key}` },
      };
    case "chatgpt":
      return {
        baseUrl: endpoints.chatgptBaseUrl,
        headers: {
          "Authorization": `Bearer ${credential.access_token}`,
          // Which workspace the subscription belongs to; without it the backend refuses the call.
          "chatgpt-account-id": credential.account_id,
          "OpenAI-Beta": "responses=experimental",
        },
      };
  }
}

/**
 * The route of the ChatGPT backend's model list, `GET <base>/models?client_version=<version>`, with
 * the same credential headers as a subscription's requests.
 */
export function routeModelList(
  credential: Extract<Credential, { kind: "chatgpt" }>,
  endpoints: Endpoints,
  userAgent: string,
  clientVersion: string,
): RequestRoute {
  const backend = backendFor(credential, endpoints);
  const headers = new Headers({
    "Accept": "application/json",
    "originator": "pixir",
    "User-Agent": userAgent,
    ...backend.headers,
  });
  const base = backend.baseUrl.replace(/\/+$/, "");
  const url = `${base}/models?client_version=${encodeURIComponent(clientVersion)}`;
  return { url, headers, compressBody: false };
}
