/**
 * A loopback HTTP server for tests: a table of routes answering with `Reply` values, a record of
 * every request, and a `close()` that ends open streams (hanging ones included) before shutting down,
 * so Deno's test sanitizers see nothing leaked.
 */

import { zstdDecompressSync } from "node:zlib";
import { DeliberateReset, renderReply, type Reply } from "./reply.ts";

/** A request as the server saw it. */
export interface RecordedRequest {
  method: string;
  /** The URL path without the query. */
  path: string;
  /** The query string including its `?`, or `""`. */
  search: string;
  /** Header names lowercased. */
  headers: Record<string, string>;
  /** The body text, decoded from its `Content-Encoding` (`""` when there was none). */
  text: string;
  /** The body's size on the wire, in bytes (compressed, when it was). */
  wireBytes: number;
  /** The body parsed as JSON; `undefined` when it was empty or not JSON. */
  body: unknown;
}

/** One endpoint of a fake server. */
export interface Route {
  method: string;
  /** Exact path, e.g. `/v1/responses`. */
  path: string;
  handle(request: RecordedRequest): Reply | Promise<Reply>;
}

/** A running loopback server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  origin: string;
  /** Every request received, in arrival order (including rejected and unrouted ones). */
  requests: readonly RecordedRequest[];
  /** Ends open streams, stops listening, and resolves once everything has shut down. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts a server on 127.0.0.1 with an OS-chosen port, answering from `routes`. */
export function startLoopbackServer(routes: readonly Route[]): LoopbackServer {
  const table = new Map<string, Route>();
  for (const route of routes) {
    const key = `${route.method.toUpperCase()} ${route.path}`;
    if (table.has(key)) throw new Error(`duplicate route: ${key}`);
    table.set(key, route);
  }
  const requests: RecordedRequest[] = [];
  const shutdown = new AbortController();
  const bodies = new Set<Promise<void>>();

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
    // A deliberate reset surfaces here after the headers went out, so its answer is never sent;
    // handling it keeps Deno.serve from logging it.
    onError: (error) =>
      error instanceof DeliberateReset
        ? new Response(null, { status: 500 })
        : Response.json({ detail: `fake server failure: ${String(error)}` }, { status: 500 }),
  }, async (raw) => {
    const request = await record(raw);
    if (request === null) {
      const detail = `unsupported or corrupt Content-Encoding: ${
        raw.headers.get("content-encoding")
      }`;
      return Response.json({ detail }, { status: 415 });
    }
    requests.push(request);
    const route = table.get(`${request.method} ${request.path}`);
    const reply: Reply = route
      ? await route.handle(request)
      : { status: 404, body: { detail: `no route for ${request.method} ${request.path}` } };
    const { response, finished } = renderReply(reply, shutdown.signal);
    bodies.add(finished);
    void finished.finally(() => bodies.delete(finished));
    return response;
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      shutdown.abort();
      await Promise.all(bodies);
      await server.shutdown();
    })();
    return closing;
  };
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    requests,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The request as recorded; its body decoded as the real backend does (zstd, or none), or null when
 * the encoding is unknown or the body does not decode.
 */
async function record(raw: Request): Promise<RecordedRequest | null> {
  const url = new URL(raw.url);
  const bytes = new Uint8Array(await raw.arrayBuffer());
  const encoding = raw.headers.get("content-encoding");
  let text: string;
  try {
    const decoded = encoding === null
      ? bytes
      : encoding === "zstd"
      ? zstdDecompressSync(bytes)
      : null;
    if (decoded === null) return null;
    text = new TextDecoder("utf-8", { fatal: true }).decode(decoded);
  } catch {
    return null;
  }
  return {
    method: raw.method,
    path: url.pathname,
    search: url.search,
    headers: Object.fromEntries(raw.headers),
    text,
    wireBytes: bytes.length,
    body: parseJson(text),
  };
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
