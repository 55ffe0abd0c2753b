/**
 * The loopback Responses API stand-in: `POST /v1/responses` checks each request like the strict
 * backend does and answers valid ones from a script; more routes (auth endpoints…) plug in beside it.
 */

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
  /** Further endpoints served beside `POST /v1/responses`. */
  routes?: readonly Route[];
}

/** A running Responses stand-in. */
export interface ResponsesServer {
  /** The base URL to use as `OPENAI_BASE_URL`: `http://127.0.0.1:<port>/v1`. */
  url: string;
  /** Every request received, in arrival order (including rejected ones). */
  requests: readonly RecordedRequest[];
  /** Ends open streams and shuts the server down. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the Responses stand-in on 127.0.0.1 with an OS-chosen port. */
export function startResponsesServer(options: ResponsesServerOptions): ResponsesServer {
  const next = scriptReader(options.script);
  const validate = options.validate ?? true;
  const responses: Route = {
    method: "POST",
    path: "/v1/responses",
    handle: (request) => {
      const rejection = validate ? rejectResponsesRequest(request, options.rules) : null;
      return rejection ?? next(request);
    },
  };
  const server = startLoopbackServer([responses, ...(options.routes ?? [])]);
  return {
    url: `${server.origin}/v1`,
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
