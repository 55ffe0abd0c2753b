/**
 * The loopback Responses API stand-in: `POST /v1/responses` (or the ChatGPT backend's path) checks
 * each request like the strict backend does and answers valid ones from a script; more routes
 * (the auth issuer's…) plug in beside it.
 */

import { QUOTA_HEADERS } from "./fixtures.ts";
import { type RecordedRequest, type Route, startLoopbackServer } from "./loopback_server.ts";
import type { Reply } from "./reply.ts";
import { rejectResponsesRequest, type ValidationRules } from "./responses_validation.ts";

/** Picks the reply to the `index`-th accepted request (counting from 0). */
export type ScriptHandler = (request: RecordedRequest, index: number) => Reply | Promise<Reply>;

/** Replies consumed one per accepted request (the last one repeats), or a handler. */
export type Script = readonly Reply[] | ScriptHandler;

/** Options of `startResponsesServer`. */
export interface ResponsesServerOptions {
  script: Script;
  /** Default true: reject malformed requests as the backend would, without consuming the script. */
  validate?: boolean;
  /** Extra checks, when `validate` is on. */
  rules?: ValidationRules;
  /** Further endpoints served beside the Responses endpoint. */
  routes?: readonly Route[];
  /** The endpoint's path; it must end in `/responses`. Default `/v1/responses` (the public API). */
  path?: string;
  /** Headers added to every scripted reply; a reply's own headers win. */
  replyHeaders?: Readonly<Record<string, string>>;
  /**
   * How a compressed body is answered: decoded like the ChatGPT backend does (the default), or
   * refused as a backend without it would, with this status (415, or 400) and without consuming
   * the script.
   */
  refuseEncoding?: 415 | 400;
}

/**
 * The options that make the stand-in the ChatGPT backend: its path, the account header it demands,
 * and J.1's quota headers on every scripted reply. Spread them, then add the script.
 */
export const CHATGPT_BACKEND = {
  path: "/backend-api/codex/responses",
  rules: { requireAccountId: true },
  replyHeaders: QUOTA_HEADERS,
} as const satisfies Omit<ResponsesServerOptions, "script">;

/** A running Responses stand-in. */
export interface ResponsesServer {
  /**
   * The base URL, the path without `/responses`: `http://127.0.0.1:<port>/v1` to use as
   * `OPENAI_BASE_URL`, or `…/backend-api/codex` to use as `PIXIR_CHATGPT_BASE_URL`.
   */
  url: string;
  /** `http://127.0.0.1:<port>`, where the extra `routes` are served (e.g. an auth issuer). */
  origin: string;
  /** Every request received, in arrival order (including rejected ones). */
  requests: readonly RecordedRequest[];
  /** Ends open streams and shuts the server down. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the Responses stand-in on 127.0.0.1 with an OS-chosen port. */
export function startResponsesServer(options: ResponsesServerOptions): ResponsesServer {
  const path = options.path ?? "/v1/responses";
  if (!path.endsWith("/responses")) throw new Error(`the path must end in /responses: ${path}`);
  const next = scriptReader(options.script);
  const validate = options.validate ?? true;
  const responses: Route = {
    method: "POST",
    path,
    handle: async (request) => {
      if (options.refuseEncoding !== undefined && request.headers["content-encoding"]) {
        const detail = `Unsupported Content-Encoding: ${request.headers["content-encoding"]}`;
        return { status: options.refuseEncoding, body: { detail } };
      }
      const rejection = validate ? rejectResponsesRequest(request, options.rules) : null;
      return rejection ?? withHeaders(await next(request), options.replyHeaders);
    },
  };
  const server = startLoopbackServer([responses, ...(options.routes ?? [])]);
  return {
    url: server.origin + path.slice(0, -"/responses".length),
    origin: server.origin,
    requests: server.requests,
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}

/** Turns a script into a function handing out one reply per call. */
function scriptReader(script: Script): (request: RecordedRequest) => Reply | Promise<Reply> {
  if (typeof script !== "function" && script.length === 0) {
    throw new Error("the script needs at least one reply");
  }
  let served = 0;
  return (request) => {
    const index = served++;
    if (typeof script === "function") return script(request, index);
    return script[Math.min(index, script.length - 1)];
  };
}

/** `reply` with `extra` headers under its own (names compared without case, as HTTP does). */
function withHeaders(reply: Reply, extra: Readonly<Record<string, string>> | undefined): Reply {
  if (extra === undefined) return reply;
  const headers = new Headers(extra);
  for (const [name, value] of new Headers(reply.headers)) headers.set(name, value);
  return { ...reply, headers: Object.fromEntries(headers) };
}
