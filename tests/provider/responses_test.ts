import assert from "node:assert/strict";
import {
  type Credential,
  CredentialUnavailableError,
  NotAuthenticatedError,
} from "../../src/auth/credential.ts";
import { zstdDecompressSync } from "node:zlib";
import { BodyCompression } from "../../src/provider/body_compression.ts";
import type { ModelEvent } from "../../src/provider/model_event.ts";
import { buildRequestBody, type ModelRequest } from "../../src/provider/request.ts";
import {
  LARGE_BODY_BYTES,
  type ResponsesDeps,
  streamResponse,
} from "../../src/provider/responses.ts";
import { QUOTA_HEADERS, textAnswer, usageLimitReply } from "../fakes/fixtures.ts";
import { CHATGPT_BACKEND, startResponsesServer } from "../fakes/responses_server.ts";

const encoder = new TextEncoder();

async function fixture(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(`../fakes/testdata/${name}`, import.meta.url));
}

const J1 = await fixture("j1_text_answer.sse");
/** J.1 cut right after the "Hello" delta. */
const J1_CUT = J1.slice(0, J1.indexOf("event: response.output_text.delta", J1.indexOf('"Hello"')));

const KEY: Credential = { kind: "api_key", api_key: "sk-first", source: "env" };
const RENEWED: Credential = { kind: "api_key", api_key: "sk-renewed", source: "store" };
const SIGNED_IN: Credential = { kind: "chatgpt", access_token: "at-first", account_id: "acct_fx" };
const NOW_MS = 1_767_230_000_000;

const REQUEST: ModelRequest = {
  model: "gpt-5.5",
  effort: "medium",
  instructions: "You are Pixir.",
  input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
  tools: [],
  session_id: "sess-1",
  parallel_tool_calls: true,
};

/** A response body: `chunks`, then either the end or (open) a connection that never sends again. */
function body(chunks: readonly string[], open = false) {
  const state = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      if (!open) controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

function sse(text: string, headers: Record<string, string> = {}): Response {
  return new Response(body([text]).stream, { status: 200, headers });
}

function json(status: number, payload: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(payload), { status, headers });
}

type Reply = (init: RequestInit) => Response | Promise<Response>;

/** A fetch that answers with `replies` in order and records every request. */
function scriptedFetch(replies: readonly (Response | Reply)[]) {
  const calls: { url: string; headers: Headers; body: unknown }[] = [];
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const headers = new Headers(init.headers);
    const bytes = await new Response(init.body).bytes();
    const sent = headers.get("content-encoding") === "zstd" ? zstdDecompressSync(bytes) : bytes;
    calls.push({ url, headers, body: JSON.parse(new TextDecoder().decode(sent)) });
    const reply = replies[calls.length - 1];
    if (reply === undefined) throw new Error(`unexpected request #${calls.length}`);
    return await (reply instanceof Response ? reply : reply(init));
  };
  return { fetch, calls };
}

/** A fetch reply that never answers, like a server that accepted the connection and went quiet. */
const silentServer: Reply = (init) =>
  new Promise<Response>((_, reject) => {
    init.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
  });

function setup(replies: readonly (Response | Reply)[], overrides: Partial<ResponsesDeps> = {}) {
  const { fetch, calls } = scriptedFetch(replies);
  const sleeps: number[] = [];
  const renewals: Credential[] = [];
  const controller = new AbortController();
  const deps: ResponsesDeps = {
    fetch,
    credentials: {
      get: () => Promise.resolve(KEY),
      renew: (rejected) => {
        renewals.push(rejected);
        return Promise.resolve(RENEWED);
      },
    },
    endpoint: { baseUrl: "https://api.test/v1/" },
    userAgent: "pixir/0.1.0 (test)",
    idleTimeoutMs: 5_000,
    retry: { maxRetries: 4, baseMs: 200, maxMs: 8_000 },
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    now: () => NOW_MS,
    utcOffset: () => 0,
    signal: controller.signal,
    // Each test starts with compression on, whatever another test taught the process.
    compression: new BodyCompression(),
    ...overrides,
  };
  return { deps, calls, sleeps, renewals, controller };
}

async function run(deps: ResponsesDeps, req: ModelRequest = REQUEST): Promise<ModelEvent[]> {
  return await Array.fromAsync(streamResponse(req, deps));
}

function kinds(events: ModelEvent[]): string[] {
  return events.map((event) =>
    event.type === "failed" || event.type === "retrying"
      ? `${event.type}:${event.error.kind}`
      : event.type
  );
}

function text(events: ModelEvent[]): string {
  return events.map((event) => event.type === "text_delta" ? event.delta : "").join("");
}

Deno.test("a text answer streams to done, with the request Pixir promises", async () => {
  const { deps, calls } = setup([sse(J1)], {
    extraHeaders: { "OpenAI-Organization": "org-1", Authorization: "x" },
  });
  const events = await run(deps);
  assert.equal(text(events), "Hello there!");
  assert.deepEqual(kinds(events), [
    "created",
    "reasoning_delta",
    "item",
    "text_delta",
    "text_delta",
    "item",
    "done",
  ]);
  const done = events.at(-1);
  assert.equal(done?.type === "done" && done.usage?.total_tokens, 1875);
  assert.equal(calls.length, 1);
  const [call] = calls;
  assert.equal(call.url, "https://api.test/v1/responses");
  assert.deepEqual(call.body, buildRequestBody(REQUEST));
  assert.deepEqual(Object.fromEntries(call.headers), {
    "accept": "text/event-stream",
    "authorization": "Bearer sk-first",
    "content-type": "application/json",
    "openai-organization": "org-1",
    "originator": "pixir",
    "session_id": "sess-1",
    "user-agent": "pixir/0.1.0 (test)",
  });
});

Deno.test("a stream that stays open after response.completed still finishes", async () => {
  const open = body([J1], true);
  const { deps } = setup([new Response(open.stream)]);
  const events = await run(deps);
  assert.equal(events.at(-1)?.type, "done");
  assert.equal(open.state.cancelled, true);
});

Deno.test("a 5xx is retried after backoff, then succeeds", async () => {
  const { deps, calls, sleeps } = setup([
    json(502, { error: { message: "bad gateway" } }),
    sse(J1),
  ]);
  const events = await run(deps);
  assert.deepEqual(kinds(events).slice(0, 2), ["retrying:server_error", "created"]);
  assert.equal(events[0].type === "retrying" && events[0].attempt, 1);
  assert.equal(events[0].type === "retrying" && events[0].delay_ms, 200);
  assert.equal(events.at(-1)?.type, "done");
  assert.deepEqual(sleeps, [200]);
  assert.equal(calls.length, 2);
});

Deno.test("429 usage limit fails at once, without retrying or sleeping", async () => {
  const { deps, calls, sleeps } = setup([
    json(429, {
      error: {
        type: "usage_limit_reached",
        message: "The usage limit has been reached",
        plan_type: "plus",
        resets_at: 1767243600,
        resets_in_seconds: 13872,
      },
    }),
  ]);
  const events = await run(deps);
  assert.deepEqual(kinds(events), ["failed:usage_limit"]);
  assert.equal(events[0].type === "failed" && events[0].error.resets_at, 1767243600);
  assert.deepEqual(sleeps, []);
  assert.equal(calls.length, 1);
});

Deno.test("a rate limit's 'try again in 0.01s' is the delay slept", async () => {
  const { deps, sleeps } = setup([
    json(429, {
      error: { code: "rate_limit_exceeded", message: "Slow down. Please try again in 0.01s." },
    }),
    sse(J1),
  ]);
  const events = await run(deps);
  assert.equal(events[0].type === "retrying" && events[0].delay_ms, 10);
  assert.deepEqual(sleeps, [10]);
  assert.equal(events.at(-1)?.type, "done");
});

Deno.test("a server asking for a longer wait than the cap is not retried", async () => {
  const { deps, sleeps } = setup([
    json(429, { error: { message: "try again" } }, { "retry-after": "3600" }),
  ]);
  assert.deepEqual(kinds(await run(deps)), ["failed:rate_limited"]);
  assert.deepEqual(sleeps, []);
});

Deno.test("a 401 renews the credential once and re-sends at once", async () => {
  const { deps, calls, sleeps, renewals } = setup([
    json(401, { error: { code: "token_expired" } }),
    sse(J1),
  ]);
  const events = await run(deps);
  assert.equal(events[0].type, "created");
  assert.equal(events.at(-1)?.type, "done");
  assert.deepEqual(renewals, [KEY]);
  assert.deepEqual(calls.map((call) => call.headers.get("authorization")), [
    "Bearer sk-first",
    "Bearer sk-renewed",
  ]);
  assert.deepEqual(sleeps, []);
});

Deno.test("a second 401 is an auth failure", async () => {
  const { deps, calls, renewals } = setup([json(401, {}), json(401, {})]);
  const events = await run(deps);
  assert.deepEqual(kinds(events), ["failed:auth"]);
  assert.equal(
    events[0].type === "failed" && events[0].error.message,
    "not authenticated: the API rejected the credential",
  );
  assert.equal(renewals.length, 1);
  assert.equal(calls.length, 2);
});

Deno.test("a 401 that cannot be renewed is an auth failure without a second request", async () => {
  const { deps, calls } = setup([json(401, {})]);
  deps.credentials = { get: () => Promise.resolve(KEY), renew: () => Promise.resolve(null) };
  assert.deepEqual(kinds(await run(deps)), ["failed:auth"]);
  assert.equal(calls.length, 1);
});

Deno.test("a missing credential is an auth failure that carries the hint", async () => {
  const { deps, calls } = setup([]);
  deps.credentials = {
    get: () => Promise.reject(new NotAuthenticatedError("no credential", "pixir login")),
    renew: () => Promise.resolve(null),
  };
  const events = await run(deps);
  assert.deepEqual(events, [{
    type: "failed",
    error: {
      kind: "auth",
      message: "no credential",
      retryable: false,
      details: { hint: "pixir login", fix: "sign_in" },
    },
  }]);
  assert.equal(calls.length, 0);
});

Deno.test("a credential that cannot be had just now fails the call, not retried", async () => {
  const { deps, calls } = setup([json(401, {})]);
  const unreachable = new CredentialUnavailableError("the sign-in server is unreachable", "retry");
  deps.credentials = {
    get: () => Promise.resolve(SIGNED_IN),
    renew: () => Promise.reject(unreachable),
  };
  assert.deepEqual(await run(deps), [{
    type: "failed",
    error: {
      kind: "credential_unavailable",
      message: "the sign-in server is unreachable",
      retryable: false,
      details: { hint: "retry" },
    },
  }]);
  assert.equal(calls.length, 1);
});

Deno.test("a stream cut before its end is retried", async () => {
  const { deps, sleeps } = setup([sse(J1_CUT), sse(J1)]);
  const events = await run(deps);
  assert.deepEqual(kinds(events).slice(0, 5), [
    "created",
    "reasoning_delta",
    "item",
    "text_delta",
    "retrying:stream_closed",
  ]);
  assert.equal(events.at(-1)?.type, "done");
  assert.deepEqual(sleeps, [200]);
});

Deno.test("an in-stream failure is retried, and carries the request id", async () => {
  const failure = await fixture("j3a_context_overflow.sse");
  const overloaded = failure.replace(
    '"code":"context_length_exceeded"',
    '"code":"server_is_overloaded"',
  );
  const { deps } = setup([sse(overloaded, { "x-request-id": "req_1" }), sse(J1)]);
  const events = await run(deps);
  const retrying = events.find((event) => event.type === "retrying");
  assert.equal(retrying?.type === "retrying" && retrying.error.kind, "overloaded");
  assert.equal(retrying?.type === "retrying" && retrying.error.request_id, "req_1");
  assert.equal(events.at(-1)?.type, "done");
});

Deno.test("an in-stream context overflow is not retried", async () => {
  const { deps, calls } = setup([sse(await fixture("j3a_context_overflow.sse"))]);
  assert.deepEqual(kinds(await run(deps)), ["created", "failed:context_overflow"]);
  assert.equal(calls.length, 1);
});

Deno.test("retries stop when the policy is spent", async () => {
  const { deps, sleeps } = setup([json(500, {}), json(500, {}), json(500, {})], {
    retry: { maxRetries: 2, baseMs: 100, maxMs: 1_000 },
  });
  const events = await run(deps);
  assert.deepEqual(kinds(events), [
    "retrying:server_error",
    "retrying:server_error",
    "failed:server_error",
  ]);
  assert.deepEqual(sleeps, [100, 200]);
});

Deno.test("a body that stalls fails with idle_timeout, is cancelled, and is retried", async () => {
  const stalled = body([J1_CUT], true);
  const { deps } = setup([new Response(stalled.stream), sse(J1)], { idleTimeoutMs: 30 });
  const events = await run(deps);
  assert.ok(kinds(events).includes("retrying:idle_timeout"), kinds(events).join());
  assert.equal(events.at(-1)?.type, "done");
  assert.equal(stalled.state.cancelled, true);
});

Deno.test("waiting for response headers is bounded by the idle timeout", async () => {
  const { deps } = setup([silentServer], {
    idleTimeoutMs: 20,
    retry: { maxRetries: 0, baseMs: 1, maxMs: 1 },
  });
  const events = await run(deps);
  assert.deepEqual(kinds(events), ["failed:idle_timeout"]);
  assert.equal(events[0].type === "failed" && events[0].error.retryable, true);
});

Deno.test("an abort mid-stream ends the call at once as aborted", async () => {
  const stalled = body([J1_CUT], true);
  const { deps, controller, calls, sleeps } = setup([new Response(stalled.stream)], {
    idleTimeoutMs: 60_000,
  });
  const events: ModelEvent[] = [];
  const started = performance.now();
  for await (const event of streamResponse(REQUEST, deps)) {
    events.push(event);
    if (event.type === "created") controller.abort();
  }
  assert.ok(performance.now() - started < 1_000);
  // The events already decoded from the same chunk are dropped, not delivered after the abort.
  assert.deepEqual(kinds(events), ["created", "failed:aborted"]);
  assert.equal(stalled.state.cancelled, true);
  assert.equal(calls.length, 1);
  assert.deepEqual(sleeps, []);
});

Deno.test("an abort while waiting for headers ends the call as aborted", async () => {
  const { deps, controller } = setup([silentServer], { idleTimeoutMs: 60_000 });
  setTimeout(() => controller.abort(), 10);
  assert.deepEqual(kinds(await run(deps)), ["failed:aborted"]);
});

Deno.test("an abort during the retry wait ends the call as aborted", async () => {
  const { deps, controller, calls } = setup([json(500, {}), sse(J1)]);
  deps.sleep = (_ms, signal) =>
    new Promise((_, reject) => {
      signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      controller.abort();
    });
  assert.deepEqual(kinds(await run(deps)), ["retrying:server_error", "failed:aborted"]);
  assert.equal(calls.length, 1);
});

Deno.test("an already aborted call sends nothing", async () => {
  const { deps, controller, calls } = setup([sse(J1)]);
  controller.abort();
  assert.deepEqual(kinds(await run(deps)), ["failed:aborted"]);
  assert.equal(calls.length, 0);
});

Deno.test("a transport error (fetch rejects with TypeError) is retried", async () => {
  const { deps, sleeps } = setup([
    () => Promise.reject(new TypeError("error sending request: connection refused")),
    sse(J1),
  ]);
  const events = await run(deps);
  assert.equal(events[0].type, "retrying");
  assert.equal(events[0].type === "retrying" && events[0].error.kind, "transport");
  const error = events[0].type === "retrying" ? events[0].error : undefined;
  assert.match(error?.message ?? "", /\/responses: the connection was refused/);
  assert.equal(error?.details?.cause, "refused");
  assert.equal(error?.details?.reason, "error sending request: connection refused");
  assert.equal(events.at(-1)?.type, "done");
  assert.deepEqual(sleeps, [200]);
});

Deno.test("a body that breaks mid-read is a transport error and is retried", async () => {
  const broken = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(J1_CUT));
      controller.error(new TypeError("error reading a body from connection: reset"));
    },
  });
  const { deps } = setup([new Response(broken), sse(J1)]);
  const events = await run(deps);
  const retry = events.find((event) => event.type === "retrying");
  assert.equal(retry?.type === "retrying" && retry.error.kind, "transport");
  assert.equal(events.at(-1)?.type, "done");
});

Deno.test("a TypeError from Pixir's own code is a bug, not a retried transport error", async () => {
  const { deps, calls } = setup([
    json(429, { error: { type: "usage_limit_reached", resets_in_seconds: 60 } }),
    sse(J1),
  ], {
    utcOffset: () => {
      throw new TypeError("not a function");
    },
  });
  await assert.rejects(() => run(deps), TypeError);
  assert.equal(calls.length, 1);
});

Deno.test("blank instructions fail the call without sending it", async () => {
  const { deps, calls } = setup([sse(J1)]);
  assert.deepEqual(kinds(await run(deps, { ...REQUEST, instructions: " " })), [
    "failed:invalid_request",
  ]);
  assert.equal(calls.length, 0);
});

Deno.test("a consumer that stops early cancels the body", async () => {
  const open = body([J1_CUT], true);
  const { deps } = setup([new Response(open.stream)]);
  for await (const event of streamResponse(REQUEST, deps)) {
    assert.equal(event.type, "created");
    break;
  }
  assert.equal(open.state.cancelled, true);
});

Deno.test("a slow body that keeps sending is not timed out", async () => {
  const pieces = J1.split("\n\n").map((block) => `${block}\n\n`);
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (next < pieces.length) controller.enqueue(encoder.encode(pieces[next++]));
      else controller.close();
    },
  });
  // Every chunk comes well within the timeout; the whole answer takes several timeouts.
  const { deps } = setup([new Response(stream)], { idleTimeoutMs: 40 });
  const events = await run(deps);
  assert.equal(events.at(-1)?.type, "done");
  assert.equal(text(events), "Hello there!");
});

Deno.test("a slow consumer does not count as an idle server", async () => {
  const { deps } = setup([sse(J1)], { idleTimeoutMs: 20 });
  const events: ModelEvent[] = [];
  for await (const event of streamResponse(REQUEST, deps)) {
    events.push(event);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  assert.deepEqual(kinds(events).filter((kind) => kind.includes(":")), []);
  assert.equal(events.at(-1)?.type, "done");
});

/** Serves `handler` on a loopback port for the duration of `body`, with the real fetch. */
async function withServer(
  handler: (request: Request) => Response,
  body: (baseUrl: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  try {
    await body(`http://127.0.0.1:${server.addr.port}/v1`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("with the real fetch, an open socket after completion is closed", async () => {
  const open = body([J1], true);
  await withServer(() => new Response(open.stream), async (baseUrl) => {
    const { deps } = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl } });
    const events = await run(deps);
    assert.equal(events.at(-1)?.type, "done");
  });
  assert.equal(open.state.cancelled, true);
});

Deno.test("with the real fetch, an abort mid-stream closes the connection", async () => {
  const stalled = body([J1_CUT], true);
  await withServer(() => new Response(stalled.stream), async (baseUrl) => {
    const { deps, controller } = setup([], {
      fetch: globalThis.fetch,
      endpoint: { baseUrl },
      idleTimeoutMs: 60_000,
    });
    const events: ModelEvent[] = [];
    for await (const event of streamResponse(REQUEST, deps)) {
      events.push(event);
      if (event.type === "text_delta") controller.abort();
    }
    assert.deepEqual(kinds(events).slice(-2), ["text_delta", "failed:aborted"]);
  });
  assert.equal(stalled.state.cancelled, true);
});

/** Credentials that start as `first` and renew (once) to `renewed`, recording each renewal. */
function credentialsOf(first: Credential, renewed: Credential | null = null) {
  const renewals: Credential[] = [];
  return {
    renewals,
    provider: {
      get: () => Promise.resolve(first),
      renew: (rejected: Credential) => {
        renewals.push(rejected);
        return Promise.resolve(renewed);
      },
    },
  };
}

Deno.test("each credential kind goes to its provider's endpoint, with its own headers (real fetch)", async () => {
  await using chatgpt = startResponsesServer({
    ...CHATGPT_BACKEND,
    script: [{ sse: textAnswer("from chatgpt") }],
  });
  await using publicApi = startResponsesServer({ script: [{ sse: textAnswer("from the API") }] });

  const signedIn = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl: chatgpt.url } });
  signedIn.deps.credentials = credentialsOf(SIGNED_IN).provider;
  assert.equal(text(await run(signedIn.deps)), "from chatgpt");
  const keyed = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl: publicApi.url } });
  assert.equal(text(await run(keyed.deps)), "from the API");

  assert.equal(chatgpt.requests.length, 1);
  const [toChatgpt] = chatgpt.requests;
  assert.equal(toChatgpt.path, "/backend-api/codex/responses");
  assert.equal(toChatgpt.headers["authorization"], "Bearer at-first");
  assert.equal(toChatgpt.headers["chatgpt-account-id"], "acct_fx");
  assert.equal(toChatgpt.headers["openai-beta"], "responses=experimental");
  assert.equal(toChatgpt.headers["originator"], "pixir");
  assert.equal(toChatgpt.headers["session_id"], "sess-1");
  assert.equal(toChatgpt.headers["accept"], "text/event-stream");
  assert.equal(toChatgpt.headers["user-agent"], "pixir/0.1.0 (test)");
  assert.deepEqual(toChatgpt.body, buildRequestBody(REQUEST));

  assert.equal(publicApi.requests.length, 1);
  const [toApi] = publicApi.requests;
  assert.equal(toApi.path, "/v1/responses");
  assert.equal(toApi.headers["authorization"], "Bearer sk-first");
  assert.equal("chatgpt-account-id" in toApi.headers, false);
  assert.equal("openai-beta" in toApi.headers, false);
});

Deno.test("a -codex model's request passes the ChatGPT backend's checks (real fetch)", async () => {
  await using server = startResponsesServer({
    ...CHATGPT_BACKEND,
    script: [{ sse: textAnswer("ok") }],
  });
  const { deps } = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl: server.url } });
  deps.credentials = credentialsOf(SIGNED_IN).provider;
  const events = await run(deps, { ...REQUEST, model: "gpt-5.3-codex" });
  assert.equal(events.at(-1)?.type, "done");
  const body = server.requests[0].body as Record<string, unknown>;
  assert.deepEqual(body.text, { verbosity: "medium" });
  assert.equal(body.store, false);
});

Deno.test("the quota in the headers is yielded first, before the stream's own events", async () => {
  await using server = startResponsesServer({
    ...CHATGPT_BACKEND,
    script: [{ sse: textAnswer("Hello there!") }],
  });
  const { deps } = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl: server.url } });
  deps.credentials = credentialsOf(SIGNED_IN).provider;
  const events = await run(deps);
  assert.deepEqual(kinds(events).slice(0, 2), ["quota", "created"]);
  assert.deepEqual(events[0], {
    type: "quota",
    snapshot: {
      observed_at: NOW_MS / 1000,
      primary: { used_percent: 12.5, window_minutes: 300, resets_at: 1767243600 },
      secondary: { used_percent: 3, window_minutes: 10080 },
    },
  });
  assert.equal(kinds(events).filter((kind) => kind === "quota").length, 1);
});

Deno.test("a usage-limit 429 yields its quota, then fails with the local reset time", async () => {
  await using server = startResponsesServer({
    ...CHATGPT_BACKEND,
    script: [usageLimitReply({ now: NOW_MS })],
  });
  const { deps, sleeps } = setup([], {
    fetch: globalThis.fetch,
    endpoint: { baseUrl: server.url },
    // UTC+9:15, so the reset (05:04:32 UTC) reads as 14:20 on the local clock.
    utcOffset: () => 9 * 60 + 15,
  });
  deps.credentials = credentialsOf(SIGNED_IN).provider;
  const events = await run(deps);
  assert.deepEqual(kinds(events), ["quota", "failed:usage_limit"]);
  const [quota, failure] = events;
  assert.equal(quota.type === "quota" && quota.snapshot.plan, "plus");
  assert.deepEqual(quota.type === "quota" && quota.snapshot.primary, {
    used_percent: 100,
    window_minutes: 300,
    resets_at: NOW_MS / 1000 + 13872,
  });
  assert.equal(
    failure.type === "failed" && failure.error.message,
    "usage limit reached, resets in 3 h 51 min, at 14:20 (plus plan)",
  );
  assert.deepEqual(sleeps, []);
  assert.equal(server.requests.length, 1);
});

Deno.test("quota events of a retried attempt are kept, one per attempt", async () => {
  const { deps } = setup([
    json(500, {}, QUOTA_HEADERS),
    sse(await fixture("j1_text_answer.sse"), { ...QUOTA_HEADERS, "x-codex-plan-type": "pro" }),
  ]);
  const events = await run(deps);
  assert.deepEqual(kinds(events).slice(0, 4), [
    "quota",
    "retrying:server_error",
    "quota",
    "created",
  ]);
  assert.equal(events[2].type === "quota" && events[2].snapshot.plan, "pro");
});

Deno.test("a 401 token_expired from the ChatGPT backend renews the sign-in and retries", async () => {
  await using server = startResponsesServer({
    ...CHATGPT_BACKEND,
    rules: { ...CHATGPT_BACKEND.rules, expiredTokens: ["at-first"] },
    script: [{ sse: textAnswer("after renewal") }],
  });
  const { deps, sleeps } = setup([], {
    fetch: globalThis.fetch,
    endpoint: { baseUrl: server.url },
  });
  const renewed: Credential = { kind: "chatgpt", access_token: "at-second", account_id: "acct_fx" };
  const credentials = credentialsOf(SIGNED_IN, renewed);
  deps.credentials = credentials.provider;
  const events = await run(deps);
  assert.equal(text(events), "after renewal");
  assert.deepEqual(credentials.renewals, [SIGNED_IN]);
  assert.deepEqual(server.requests.map((request) => request.headers["authorization"]), [
    "Bearer at-first",
    "Bearer at-second",
  ]);
  assert.deepEqual(sleeps, []);
});

Deno.test("ChatGPT backend bodies go zstd-compressed; API-key bodies go plain (real fetch)", async () => {
  await using chatgpt = startResponsesServer({
    ...CHATGPT_BACKEND,
    script: [{ sse: textAnswer("compressed") }],
  });
  await using publicApi = startResponsesServer({ script: [{ sse: textAnswer("plain") }] });
  const signedIn = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl: chatgpt.url } });
  signedIn.deps.credentials = credentialsOf(SIGNED_IN).provider;
  assert.equal(text(await run(signedIn.deps)), "compressed");
  const keyed = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl: publicApi.url } });
  assert.equal(text(await run(keyed.deps)), "plain");

  const [compressed] = chatgpt.requests;
  assert.equal(compressed.headers["content-encoding"], "zstd");
  assert.deepEqual(compressed.body, buildRequestBody(REQUEST));
  assert.ok(compressed.wireBytes < compressed.text.length, "the body on the wire is smaller");
  const [plain] = publicApi.requests;
  assert.equal("content-encoding" in plain.headers, false);
  assert.equal(plain.wireBytes, plain.text.length);
});

Deno.test("a long history's body goes whole with its length, plain and compressed (real fetch)", async () => {
  const output = "x".repeat(2000) + " é 🧪\n";
  const long: ModelRequest = {
    ...REQUEST,
    input: Array.from({ length: 400 }, (_, i) => ({
      type: "function_call_output" as const,
      call_id: `call_${i}`,
      output,
    })),
  };
  await using chatgpt = startResponsesServer({
    ...CHATGPT_BACKEND,
    validate: false,
    script: [{ sse: textAnswer("compressed") }],
  });
  await using publicApi = startResponsesServer({
    validate: false,
    script: [{ sse: textAnswer("plain") }],
  });
  const signedIn = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl: chatgpt.url } });
  signedIn.deps.credentials = credentialsOf(SIGNED_IN).provider;
  assert.equal(text(await run(signedIn.deps, long)), "compressed");
  const keyed = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl: publicApi.url } });
  assert.equal(text(await run(keyed.deps, long)), "plain");
  for (const [request] of [chatgpt.requests, publicApi.requests]) {
    assert.deepEqual(request.body, buildRequestBody(long));
    assert.equal(request.headers["content-length"], String(request.wireBytes));
    assert.equal("transfer-encoding" in request.headers, false);
  }
  assert.ok(chatgpt.requests[0].wireBytes < publicApi.requests[0].wireBytes / 10);
});

Deno.test("a call with a large body asks for a collection once it ends; a small one does not", async () => {
  const large: ModelRequest = {
    ...REQUEST,
    input: [{ type: "function_call_output", call_id: "c", output: "x".repeat(LARGE_BODY_BYTES) }],
  };
  for (
    const [req, reply, expected] of [
      [large, sse(J1), 1],
      [large, json(400, { error: { message: "bad" } }), 1],
      [REQUEST, sse(J1), 0],
    ] as const
  ) {
    let collections = 0;
    const { deps } = setup([reply], { collectGarbage: () => collections++ });
    const events = await run(deps, req);
    assert.equal(collections, expected, kinds(events).join());
    assert.equal(kinds(events).at(-1), reply.ok ? "done" : "failed:invalid_request");
  }
});

for (const status of [415, 400] as const) {
  Deno.test(`a ${status} refusing zstd is answered once, plain, and the process stays plain`, async () => {
    await using server = startResponsesServer({
      ...CHATGPT_BACKEND,
      refuseEncoding: status,
      script: [{ sse: textAnswer("first") }, { sse: textAnswer("second") }],
    });
    const { deps } = setup([], { fetch: globalThis.fetch, endpoint: { baseUrl: server.url } });
    deps.credentials = credentialsOf(SIGNED_IN).provider;
    const events = await run(deps);
    assert.equal(text(events), "first");
    assert.equal(events.some((event) => event.type === "retrying"), false);
    assert.equal(text(await run(deps)), "second");
    assert.deepEqual(
      server.requests.map((request) => request.headers["content-encoding"] ?? "plain"),
      ["zstd", "plain", "plain"],
    );
    assert.equal(deps.compression?.enabled, false);
  });
}

Deno.test("a 400 that does not name the encoding is a failure, not a reason to send plain", async () => {
  const { deps, calls } = setup([json(400, { error: { message: "Unknown parameter: foo" } })]);
  deps.credentials = credentialsOf(SIGNED_IN).provider;
  const events = await run(deps);
  assert.equal(events.at(-1)?.type, "failed");
  assert.equal(calls.length, 1);
  assert.equal(calls[0].headers.get("content-encoding"), "zstd");
  assert.equal(deps.compression?.enabled, true);
});
