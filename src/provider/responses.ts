/**
 * The Responses client: sends one model request with fetch, streams its events, renews the
 * credential after a 401 and retries transient failures, so the agent sees one sequence of
 * `ModelEvent`s that ends in exactly one `done` or `failed`.
 */

import { connectionFailure, type ConnectionPhase } from "./connection_failure.ts";
import {
  type Credential,
  type CredentialProvider,
  CredentialUnavailableError,
  NotAuthenticatedError,
} from "../auth/credential.ts";
import {
  BODY_ENCODING,
  type BodyCompression,
  PROCESS_BODY_COMPRESSION,
  refusesEncoding,
} from "./body_compression.ts";
import { classifyHttpFailure } from "./classify.ts";
import type { ProviderError } from "./error.ts";
import type { ModelEvent } from "./model_event.ts";
import { parseQuota } from "../quota/snapshot.ts";
import { encodeRequestBody, type ModelRequest, type RequestFields } from "./request.ts";
import type { UtcOffset } from "../quota/reset_time.ts";
import { retryDelay, type RetryPolicy } from "./retry.ts";
import { type ProviderEndpoint, type RequestRoute, routeRequest, type Sender } from "./route.ts";
import { type ChunkReader, decodeSse } from "./sse.ts";
import { readModelStream } from "./stream.ts";

/** Everything `streamResponse` takes from the outside world. */
export interface ResponsesDeps {
  /** Sends the HTTP request; the global `fetch` in production. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  credentials: CredentialProvider;
  /** The provider's endpoint, e.g. `https://chatgpt.com/backend-api/codex` for a subscription. */
  endpoint: ProviderEndpoint;
  /** The optional request fields the provider accepts; default all of them. */
  fields?: Readonly<RequestFields>;
  userAgent: string;
  /** The longest wait for response headers or for the next chunk of the body. */
  idleTimeoutMs: number;
  retry: RetryPolicy;
  /** Waits `ms`; settles early (either way) when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform in [0, 1), for backoff jitter. */
  random: () => number;
  /** The current time in Unix milliseconds. */
  now: () => number;
  /** The local time zone, for the clock time a usage limit resets at. */
  utcOffset: UtcOffset;
  /** Aborts the whole call (Ctrl+C): the stream ends at once with a `failed` of kind `aborted`. */
  signal: AbortSignal;
  /** More request headers (e.g. `OpenAI-Organization`); they cannot replace Pixir's own. */
  extraHeaders?: Record<string, string>;
  /** Whether request bodies are still compressed; the process-wide state by default. */
  compression?: BodyCompression;
  /**
   * Called when a call whose request body was large (`LARGE_BODY_BYTES`) has ended: its bytes
   * live outside the JavaScript heap and are freed only by a garbage collection
   * (`requestCollection` in production). Default nothing.
   */
  collectGarbage?: () => void;
}

/** A request body this large is collected as soon as its call ends (see `collectGarbage`). */
export const LARGE_BODY_BYTES = 1 << 20;

/** The last event of one attempt. */
type Ending = Extract<ModelEvent, { type: "done" | "failed" }>;

/** A restartable timer for the idle timeout. */
interface Watchdog {
  /** (Re)starts the countdown. */
  arm(): void;
  /** Stops the countdown. */
  disarm(): void;
  /** Stops the countdown and lets go of its timer (the attempt is over). */
  stop(): void;
}

/**
 * Streams one model call to the provider's endpoint. The plan's quota, when the
 * response headers carry it, is yielded as a `quota` event before anything else of that attempt.
 * Retryable failures (HTTP, in-stream, transport, idle) yield `retrying` and the request is re-sent
 * after the delay; the consumer drops the items and deltas the failed attempt yielded. A 401
 * renews the credential once and re-sends at once. A missing credential ends the call as a
 * `failed` of kind `auth` whose details carry the provider's hint.
 */
export async function* streamResponse(
  req: ModelRequest,
  deps: ResponsesDeps,
): AsyncGenerator<ModelEvent> {
  let body: Blob;
  try {
    body = encodeRequestBody(req, deps.fields);
  } catch (error) {
    // Only a request the agent should never have built ends up here (blank instructions).
    const message = error instanceof Error ? error.message : String(error);
    yield failed({ kind: "invalid_request", message, retryable: false });
    return;
  }
  try {
    yield* streamBody(req, body, deps);
  } finally {
    if (body.size >= LARGE_BODY_BYTES) deps.collectGarbage?.();
  }
}

/** `streamResponse` once its body is encoded. */
async function* streamBody(
  req: ModelRequest,
  body: Blob,
  deps: ResponsesDeps,
): AsyncGenerator<ModelEvent> {
  const { signal } = deps;
  let credential: Credential;
  try {
    credential = await deps.credentials.get(signal);
  } catch (error) {
    yield failed(credentialFailure(error, signal));
    return;
  }
  const sender: Sender = {
    userAgent: deps.userAgent,
    sessionId: req.session_id,
    ...(req.turn_state === undefined ? {} : { turnState: req.turn_state }),
    extraHeaders: deps.extraHeaders,
  };
  const payload: Payload = { plain: body, compressed: null };
  let renewed = false;
  let retries = 0;
  while (true) {
    const route = routeRequest(credential, deps.endpoint, sender);
    const ending = yield* sendOnce(payload, route, deps, (value) => sender.turnState = value);
    if (ending.type === "done") {
      yield ending;
      return;
    }
    if (ending.error.status === 401 && !renewed) {
      renewed = true;
      let renewal: Credential | null;
      try {
        renewal = await deps.credentials.renew(credential, signal);
      } catch (error) {
        yield failed(credentialFailure(error, signal));
        return;
      }
      if (renewal !== null) {
        credential = renewal;
        continue;
      }
    }
    retries += 1;
    const delay = retryDelay(ending.error, retries, deps.retry, deps.random);
    if (delay === null) {
      yield ending;
      return;
    }
    yield { type: "retrying", attempt: retries, delay_ms: delay, error: ending.error };
    try {
      await deps.sleep(delay, signal);
    } catch (error) {
      if (!signal.aborted) throw error;
    }
  }
}

/** A request's body, and once needed its compressed form, kept for the call's retries. */
interface Payload {
  plain: Blob;
  compressed: Promise<Uint8Array<ArrayBuffer>> | null;
}

/**
 * Sends the request once and streams its events, its body compressed where the route allows it;
 * when the backend refuses the encoding, compression is turned off for the process and the same
 * request is sent again uncompressed, at once.
 */
async function* sendOnce(
  payload: Payload,
  route: RequestRoute,
  deps: ResponsesDeps,
  onTurnState: (value: string) => void,
): AsyncGenerator<ModelEvent, Ending> {
  const compression = deps.compression ?? PROCESS_BODY_COMPRESSION;
  if (route.compressBody && compression.enabled) {
    const headers = new Headers(route.headers);
    headers.set("Content-Encoding", BODY_ENCODING);
    const encoded = { ...route, headers };
    const ending = yield* sendBody(
      await (payload.compressed ??= compression.compress(payload.plain)),
      encoded,
      deps,
      true,
      onTurnState,
    );
    if (ending.type !== "encoding_refused") return ending;
    compression.refuse();
  }
  payload.compressed = null;
  const ending = yield* sendBody(payload.plain, route, deps, false, onTurnState);
  // Only a compressed body is judged a refusal of its encoding; this keeps the types honest.
  return ending.type === "encoding_refused" ? failed(encodingError()) : ending;
}

function encodingError(): ProviderError {
  return {
    kind: "invalid_request",
    message: "the server refused the request body's encoding",
    retryable: false,
  };
}

/** A compressed request the backend refused for its encoding. */
interface EncodingRefused {
  type: "encoding_refused";
}

/**
 * Sends one body and streams its events. Everything that can stall is bounded: the
 * headers wait and every body read run under the idle watchdog, and an abort of `deps.signal`
 * cancels the request and the body through the attempt's own controller. A turn state header
 * the response carries goes to `onTurnState` (for a retry) and out as an event (for the turn).
 */
async function* sendBody(
  body: Blob | Uint8Array<ArrayBuffer>,
  route: RequestRoute,
  deps: ResponsesDeps,
  compressed: boolean,
  onTurnState: (value: string) => void,
): AsyncGenerator<ModelEvent, Ending | EncodingRefused> {
  if (deps.signal.aborted) return failed(abortedError());
  const controller = new AbortController();
  const relayAbort = () => controller.abort(deps.signal.reason);
  deps.signal.addEventListener("abort", relayAbort, { once: true });
  const watchdog = createWatchdog(
    deps.idleTimeoutMs,
    () => controller.abort(new DOMException("idle timeout", "TimeoutError")),
  );
  try {
    watchdog.arm();
    let response: Response;
    try {
      response = await deps.fetch(route.url, {
        method: "POST",
        headers: route.headers,
        body,
        signal: controller.signal,
      });
    } catch (error) {
      throw new TransportError(error, "connect");
    }
    watchdog.disarm();
    const quota = parseQuota(response.headers, deps.now());
    if (quota !== null) yield { type: "quota", snapshot: quota };
    const turnState = response.headers.get("x-codex-turn-state");
    if (turnState !== null && turnState !== "") {
      // A retry of this call is routed as the server asked, and so is the turn's next request.
      onTurnState(turnState);
      yield { type: "turn_state", value: turnState };
    }
    if (!response.ok) {
      const text = response.body === null
        ? ""
        : await readText(watchReads(response.body, watchdog));
      if (compressed && refusesEncoding(response.status, text)) {
        return { type: "encoding_refused" };
      }
      return failed(
        classifyHttpFailure(response.status, response.headers, text, deps.now(), deps.utcOffset),
      );
    }
    const requestId = response.headers.get("x-request-id");
    const messages = decodeSse(
      watchReads(response.body ?? ReadableStream.from<Uint8Array>([]), watchdog),
      controller.signal,
    );
    for await (const event of readModelStream(messages)) {
      if (event.type === "done") return event;
      if (event.type === "failed") {
        return failed(requestId === null ? event.error : { ...event.error, request_id: requestId });
      }
      // Events decoded before an abort are dropped: the abort ends the call now.
      if (controller.signal.aborted) break;
      yield event;
    }
    return failed(interruption(deps.signal, deps.idleTimeoutMs, route.url));
  } catch (error) {
    if (controller.signal.aborted) {
      return failed(interruption(deps.signal, deps.idleTimeoutMs, route.url));
    }
    // Only failures of the connection itself are transport errors; a bug in Pixir's own code
    // must surface as one, not be retried as a network problem.
    if (error instanceof TransportError) {
      return failed(connectionFailure(error.cause, route.url, error.phase));
    }
    throw error;
  } finally {
    watchdog.stop();
    deps.signal.removeEventListener("abort", relayAbort);
  }
}

/**
 * A timer that calls `onIdle` when armed for `ms` without being re-armed or disarmed. A stream
 * arms and disarms it around every read, thousands of times an answer, so arming only notes the
 * time: one timer runs per idle period, and when it fires early (the watchdog was re-armed since)
 * it waits out the rest.
 */
function createWatchdog(ms: number, onIdle: () => void): Watchdog {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let armed = false;
  let armedAt = 0;
  const check = () => {
    timer = undefined;
    if (!armed) return;
    const left = armedAt + ms - performance.now();
    if (left <= 0) onIdle();
    else timer = setTimeout(check, left);
  };
  return {
    arm() {
      armed = true;
      armedAt = performance.now();
      timer ??= setTimeout(check, ms);
    },
    disarm() {
      armed = false;
    },
    stop() {
      armed = false;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * The reads of `body`, with the watchdog armed exactly while a read waits on the network, so the
 * idle timeout measures the server's silence and not the consumer's pace. Keep-alive comments
 * count as data.
 */
function watchReads(body: ReadableStream<Uint8Array>, watchdog: Watchdog): ChunkReader {
  const source = reusingReader(body);
  return {
    async read() {
      watchdog.arm();
      try {
        return await source.read();
      } catch (error) {
        throw new TransportError(error, "stream");
      } finally {
        watchdog.disarm();
      }
    },
    cancel: (reason) => source.cancel(reason),
    releaseLock: () => source.releaseLock(),
  };
}

/** How much of a body one read takes at most. */
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * The reads of `body` into one buffer, reused by every read, where the body is a byte stream (a
 * fetched body is): a default reader allocates a fresh 64 KiB buffer for every read, however few
 * bytes it brings, and a streamed answer is thousands of small reads (~20 MB of peak memory over
 * 2000 deltas). A chunk is valid until the next read, so it must be used before.
 */
function reusingReader(body: ReadableStream<Uint8Array>): ChunkReader {
  let byob: ReadableStreamBYOBReader;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch {
    // Not a byte stream (a body a test or a proxy made from chunks): read it as it comes.
    return body.getReader();
  }
  let buffer = new Uint8Array(READ_BUFFER_BYTES);
  return {
    async read() {
      const chunk = await byob.read(buffer);
      // The read took the buffer over; the next one reads into it again.
      if (chunk.value !== undefined) buffer = new Uint8Array(chunk.value.buffer);
      return chunk.done ? { done: true, value: undefined } : { done: false, value: chunk.value };
    },
    cancel: (reason) => byob.cancel(reason),
    releaseLock: () => byob.releaseLock(),
  };
}

/** All of a body's text (an error reply's), read to its end. */
async function readText(reader: ChunkReader): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      text += decoder.decode(chunk.value, { stream: true });
    }
    return text + decoder.decode();
  } finally {
    reader.releaseLock();
  }
}

/** A failure of the connection (fetch rejected, or a body read broke), as opposed to a bug. */
class TransportError extends Error {
  readonly phase: ConnectionPhase;
  constructor(cause: unknown, phase: ConnectionPhase) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "TransportError";
    this.phase = phase;
  }
}

/** Why an attempt was cut short: the caller's abort, otherwise the idle watchdog. */
function interruption(signal: AbortSignal, idleTimeoutMs: number, url: string): ProviderError {
  if (signal.aborted) return abortedError();
  return {
    kind: "idle_timeout",
    message: `idle timeout: no data from ${url} for ${idleTimeoutMs} ms`,
    retryable: true,
    details: {
      url,
      hint:
        "check your network connection and proxy; a slow server may need a longer PIXIR_STREAM_IDLE_TIMEOUT_MS",
    },
  };
}

function abortedError(): ProviderError {
  return { kind: "aborted", message: "the model call was aborted", retryable: false };
}

/**
 * A credential that could not be had, as a failure: the caller's abort, a missing login (with the
 * provider's hint), or a login that cannot be used just now (the auth layer has already retried).
 * Anything else is a bug in the provider and is rethrown.
 */
function credentialFailure(error: unknown, signal: AbortSignal): ProviderError {
  if (signal.aborted) return abortedError();
  if (error instanceof NotAuthenticatedError) {
    return {
      kind: "auth",
      message: error.message,
      retryable: false,
      details: { hint: error.hint, fix: error.fix },
    };
  }
  if (error instanceof CredentialUnavailableError) {
    return {
      kind: "credential_unavailable",
      message: error.message,
      retryable: false,
      ...(error.hint === undefined ? {} : { details: { hint: error.hint } }),
    };
  }
  throw error;
}

function failed(error: ProviderError): Ending {
  return { type: "failed", error };
}
