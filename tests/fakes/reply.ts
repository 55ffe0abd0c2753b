/**
 * The replies a loopback route can give, and how each becomes an HTTP response: plain bodies, and
 * SSE streams with the transport quirks clients must survive (no Content-Type, split chunks, early
 * close, a socket that never ends).
 */

import { encodeSseEvent, type SseOptions, type StreamEvent } from "./sse.ts";

/** How an SSE body is cut into writes: all at once, per event, per line, or every N bytes. */
export type Chunking = "whole" | "events" | "lines" | number;

/** What happens after the events have been written. */
export type StreamEnd =
  /** End the body cleanly after the last event. */
  | "close"
  /** Keep the body open after the last event until the client cancels or the server closes. */
  | "hang"
  /** Send only the first `cutAfter` events, then end the body (or break the connection if `reset`). */
  | { cutAfter: number; reset?: boolean }
  /** Send only the first `stallAfter` events, then go silent but keep the body open. */
  | { stallAfter: number };

/** A streamed reply: events written as SSE. */
export interface SseReply extends SseOptions {
  sse: readonly StreamEvent[];
  /** Default 200. */
  status?: number;
  /** Extra response headers (e.g. the `x-codex-*` quota headers). */
  headers?: Readonly<Record<string, string>>;
  /** Default true; false sends no Content-Type header at all, as the ChatGPT backend has been seen to. */
  contentType?: boolean;
  /** Default `"events"`. */
  chunking?: Chunking;
  /** Pause between writes, in milliseconds. */
  delayMs?: number;
  /** Default `"close"`. */
  end?: StreamEnd;
  /**
   * Write the first `writes` chunks, then wait until `until` settles before writing the rest: a
   * test sees what the client did with the first part while the stream is still open.
   */
  pause?: { writes: number; until: Promise<void> };
}

/** A JSON object body. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** A plain reply; an object body is sent as JSON with `Content-Type: application/json`. */
export interface HttpReply {
  status: number;
  headers?: Readonly<Record<string, string>>;
  body: string | JsonObject;
}

/** Anything a route can answer with. */
export type Reply = SseReply | HttpReply;

/** A response plus the promise that settles once its body has stopped being written. */
export interface RenderedReply {
  response: Response;
  /** Settles when the body is done: ended, reset, cancelled by the client, or stopped by `shutdown`. */
  finished: Promise<void>;
}

/** Thrown into a stream on purpose to break the connection; the server's error hook ignores it. */
export class DeliberateReset extends Error {
  constructor() {
    super("deliberate connection reset by the fake server");
    this.name = "DeliberateReset";
  }
}

const encoder = new TextEncoder();

/** Statuses whose responses must not carry a body (`Response` refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Turns a reply into a response; `shutdown` stops a streaming body (hanging ones included). */
export function renderReply(reply: Reply, shutdown: AbortSignal): RenderedReply {
  if ("sse" in reply) return renderSse(reply, shutdown);
  const headers = new Headers(reply.headers);
  if (typeof reply.body !== "string" && !headers.has("content-type")) {
    headers.set("content-type", "application/json");
  }
  const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
  // Bytes rather than a string: a string body would make `Response` add a text/plain Content-Type.
  const body = NULL_BODY_STATUSES.has(reply.status) ? null : encoder.encode(text);
  const response = new Response(body, { status: reply.status, headers });
  return { response, finished: Promise.resolve() };
}

/** The bytes of an SSE reply, cut into the writes its `chunking` asks for. */
export function sseChunks(reply: SseReply): Uint8Array[] {
  const sent = reply.sse.slice(0, sentCount(reply.end ?? "close", reply.sse.length));
  const blocks = sent.map((event) => encodeSseEvent(event, reply));
  const chunking = reply.chunking ?? "events";
  if (chunking === "whole") return [encoder.encode(blocks.join(""))];
  if (chunking === "events") return blocks.map((block) => encoder.encode(block));
  if (chunking === "lines") {
    const eol = reply.lineEnding ?? "\n";
    return blocks.join("").split(eol).slice(0, -1).map((line) => encoder.encode(line + eol));
  }
  if (!Number.isInteger(chunking) || chunking < 1) {
    throw new RangeError(`chunking must be a positive integer, got ${chunking}`);
  }
  // Byte-wise on purpose: a chunk may end inside a line or inside a UTF-8 character.
  const bytes = encoder.encode(blocks.join(""));
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += chunking) chunks.push(bytes.slice(at, at + chunking));
  return chunks;
}

/** How many of `total` events a stream ending with `end` sends. */
function sentCount(end: StreamEnd, total: number): number {
  if (typeof end === "string") return total;
  return "cutAfter" in end ? end.cutAfter : end.stallAfter;
}

function renderSse(reply: SseReply, shutdown: AbortSignal): RenderedReply {
  const chunks = sseChunks(reply);
  const cancelled = new AbortController();
  const stop = AbortSignal.any([shutdown, cancelled.signal]);
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled.abort();
    },
  });
  // `start` ran synchronously above; the writer runs beside the response, which it feeds.
  const finished = writeBody(controller, chunks, reply, stop);
  const headers = new Headers(reply.headers);
  // A ReadableStream body gets no implicit Content-Type from `Response`, nor from Deno.serve.
  if (reply.contentType !== false) headers.set("content-type", "text/event-stream");
  else headers.delete("content-type");
  return { response: new Response(body, { status: reply.status ?? 200, headers }), finished };
}

async function writeBody(
  controller: ReadableStreamDefaultController<Uint8Array>,
  chunks: readonly Uint8Array[],
  reply: SseReply,
  stop: AbortSignal,
): Promise<void> {
  for (const [index, chunk] of chunks.entries()) {
    if (stop.aborted) break;
    if (index > 0 && reply.delayMs) await sleep(reply.delayMs, stop);
    if (reply.pause && index === reply.pause.writes) await untilOrStopped(reply.pause.until, stop);
    if (stop.aborted) break;
    controller.enqueue(chunk);
  }
  const end = reply.end ?? "close";
  if (typeof end === "object" && "cutAfter" in end && end.reset && !stop.aborted) {
    controller.error(new DeliberateReset());
    return;
  }
  if (end === "hang" || (typeof end === "object" && "stallAfter" in end)) await sleep(null, stop);
  try {
    controller.close();
  } catch {
    // Already cancelled by the client: nothing left to end.
  }
}

/** Resolves when `promise` settles or `signal` aborts, whichever is first. */
function untilOrStopped(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return Promise.race([promise.catch(() => undefined), sleep(null, signal)]);
}

/** Resolves after `ms` (or never, for null) unless `signal` aborts first. */
function sleep(ms: number | null, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = ms === null ? undefined : setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
