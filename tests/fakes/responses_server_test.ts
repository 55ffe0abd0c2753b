import assert from "node:assert/strict";
import {
  DETAIL,
  errorEventNested,
  QUOTA_HEADERS,
  textAnswer,
  usageLimitReply,
} from "./fixtures.ts";
import type { Reply } from "./reply.ts";
import { CHATGPT_BACKEND, type ResponsesServer, startResponsesServer } from "./responses_server.ts";
import { encodeSse } from "./sse.ts";

/** J.2's follow-up request: a body the strict backend accepts. */
const validBody: Record<string, unknown> = JSON.parse(
  Deno.readTextFileSync(new URL("./testdata/j2_follow_up_request.json", import.meta.url)),
);
const auth = { Authorization: "Bearer sk-test", "Content-Type": "application/json" };
const answer = textAnswer("Hello there!", { deltas: ["Hello", " there!"] });

function post(
  server: ResponsesServer,
  body: unknown = validBody,
  headers: Record<string, string> = auth,
): Promise<Response> {
  return fetch(`${server.url}/responses`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
}

/** Reads the body chunk by chunk, as the client sees the writes. */
async function chunksOf(response: Response): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body!) chunks.push(chunk);
  return chunks;
}

/** The next read, or "silent" if nothing arrives within `ms`. */
function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
): Promise<ReadableStreamReadResult<Uint8Array> | "silent"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silent = new Promise<"silent">((resolve) =>
    timer = setTimeout(() => resolve("silent"), ms)
  );
  return Promise.race([reader.read(), silent]).finally(() => clearTimeout(timer));
}

Deno.test("the stand-in serves POST /v1/responses under its base URL and records the request", async () => {
  await using server = startResponsesServer({ script: [{ sse: answer, headers: QUOTA_HEADERS }] });
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  const response = await post(server);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  assert.equal(response.headers.get("x-codex-primary-used-percent"), "12.5");
  assert.equal(await response.text(), encodeSse(answer));
  assert.equal(server.requests.length, 1);
  const [request] = server.requests;
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/v1/responses");
  assert.equal(request.headers["authorization"], "Bearer sk-test");
  assert.deepEqual(request.body, validBody);
});

Deno.test("the script is consumed one reply per request and its last reply repeats", async () => {
  const script: Reply[] = [
    { status: 503, body: { n: 1 } },
    { status: 500, body: { n: 2 } },
    { sse: errorEventNested() },
  ];
  await using server = startResponsesServer({ script });
  const statuses = [];
  for (let i = 0; i < 4; i++) {
    const response = await post(server);
    statuses.push(response.status);
    await response.body?.cancel();
  }
  assert.deepEqual(statuses, [503, 500, 200, 200]);
});

Deno.test("a script handler gets each accepted request and its index", async () => {
  const seen: [unknown, number][] = [];
  await using server = startResponsesServer({
    script: (request, index) => {
      seen.push([request.body, index]);
      return { status: 200 + index, body: {} };
    },
  });
  const statuses = [];
  for (let i = 0; i < 2; i++) {
    const response = await post(server);
    statuses.push(response.status);
    await response.body?.cancel();
  }
  assert.deepEqual(statuses, [200, 201]);
  assert.deepEqual(seen, [[validBody, 0], [validBody, 1]]);
});

Deno.test("a rejected request gets the backend's error and does not consume the script", async () => {
  await using server = startResponsesServer({
    script: [{ status: 201, body: {} }, { status: 202, body: {} }],
  });
  const noStore = await post(server, { ...validBody, store: true });
  assert.equal(noStore.status, 400);
  assert.deepEqual(await noStore.json(), { detail: DETAIL.store });
  const tooLong = await post(server, { ...validBody, max_output_tokens: 5 });
  assert.deepEqual(await tooLong.json(), { detail: DETAIL.maxOutputTokens });
  const noAuth = await post(server, validBody, { "Content-Type": "application/json" });
  assert.equal(noAuth.status, 401);
  await noAuth.body?.cancel();
  const accepted = await post(server);
  assert.equal(accepted.status, 201);
  await accepted.body?.cancel();
  assert.equal(server.requests.length, 4);
});

Deno.test("the account-id rule applies when configured", async () => {
  await using server = startResponsesServer({
    script: [{ status: 200, body: {} }],
    rules: { requireAccountId: true },
  });
  const response = await post(server);
  assert.equal(response.status, 401);
  await response.body?.cancel();
});

Deno.test("validation can be switched off", async () => {
  await using server = startResponsesServer({
    script: [{ status: 200, body: {} }],
    validate: false,
  });
  const response = await post(server, { stream: false }, {});
  assert.equal(response.status, 200);
  await response.body?.cancel();
});

Deno.test("contentType: false sends the stream with no Content-Type header at all", async () => {
  await using server = startResponsesServer({ script: [{ sse: answer, contentType: false }] });
  const response = await post(server);
  assert.equal(response.headers.get("content-type"), null);
  assert.equal(await response.text(), encodeSse(answer));
});

Deno.test("CRLF framing reaches the client with every line ended by CRLF", async () => {
  await using server = startResponsesServer({
    script: [{ sse: answer, lineEnding: "\r\n", framing: "data-only" }],
  });
  const text = await (await post(server)).text();
  assert.equal(text, encodeSse(answer, { lineEnding: "\r\n", framing: "data-only" }));
  assert.equal(text.replaceAll("\r\n", "").includes("\n"), false);
  assert.equal(text.includes("event:"), false);
});

Deno.test("byte chunking reaches the client as small writes that split lines", async () => {
  await using server = startResponsesServer({
    script: [{ sse: answer.slice(0, 2), chunking: 7, delayMs: 1 }],
  });
  const chunks = await chunksOf(await post(server));
  assert.ok(chunks.length > 10);
  assert.ok(chunks.every((chunk) => chunk.length <= 7));
  const text = new TextDecoder().decode(new Uint8Array(chunks.flatMap((chunk) => [...chunk])));
  assert.equal(text, encodeSse(answer.slice(0, 2)));
});

Deno.test("cutAfter ends the body after the first n events", async () => {
  const firstDelta = answer.findIndex((event) => event.type === "response.output_text.delta");
  await using server = startResponsesServer({
    script: [{ sse: answer, end: { cutAfter: firstDelta + 1 } }],
  });
  const text = await (await post(server)).text();
  assert.equal(text, encodeSse(answer.slice(0, firstDelta + 1)));
  assert.equal(text.includes("response.completed"), false);
});

Deno.test("hang keeps the body open after the last event until the client cancels", async () => {
  await using server = startResponsesServer({
    script: [{ sse: answer, chunking: "whole", end: "hang" }],
  });
  const reader = (await post(server)).body!.getReader();
  const first = await readWithin(reader, 2000);
  assert.notEqual(first, "silent");
  assert.equal(await readWithin(reader, 150), "silent");
  await reader.cancel();
});

Deno.test("stallAfter sends n events, then nothing, without closing", async () => {
  await using server = startResponsesServer({ script: [{ sse: answer, end: { stallAfter: 2 } }] });
  const reader = (await post(server)).body!.getReader();
  let text = "";
  while (text !== encodeSse(answer.slice(0, 2))) {
    const result = await readWithin(reader, 2000);
    assert.ok(result !== "silent" && !result.done);
    text += new TextDecoder().decode(result.value);
  }
  assert.equal(await readWithin(reader, 150), "silent");
  await reader.cancel();
});

Deno.test("a plain HTTP reply keeps its status, headers and JSON body on the wire", async () => {
  const reply = usageLimitReply({ now: 1_767_229_728_000 });
  await using server = startResponsesServer({ script: [reply] });
  const response = await post(server);
  assert.equal(response.status, 429);
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    assert.equal(response.headers.get(name), value);
  }
  assert.deepEqual(await response.json(), reply.body);
});

Deno.test("extra routes are served beside /v1/responses", async () => {
  await using server = startResponsesServer({
    script: [{ sse: answer }],
    routes: [{ method: "POST", path: "/oauth/token", handle: () => ({ status: 200, body: {} }) }],
  });
  const response = await fetch(new URL("/oauth/token", server.url), { method: "POST" });
  assert.equal(response.status, 200);
  await response.body?.cancel();
  assert.equal(server.requests[0].path, "/oauth/token");
});

Deno.test("as the ChatGPT backend it serves its path, demands the account, adds quota headers", async () => {
  await using server = startResponsesServer({
    ...CHATGPT_BACKEND,
    script: [{ sse: answer, headers: { "x-request-id": "req_own" } }],
  });
  assert.equal(server.url, `${server.origin}/backend-api/codex`);
  assert.match(server.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  const withoutAccount = await post(server);
  assert.equal(withoutAccount.status, 401);
  assert.equal(withoutAccount.headers.get("x-codex-primary-used-percent"), null);
  await withoutAccount.body?.cancel();

  const response = await post(server, validBody, { ...auth, "ChatGPT-Account-ID": "acct_fx" });
  assert.equal(response.status, 200);
  for (const [name, value] of Object.entries(QUOTA_HEADERS)) {
    if (name !== "x-request-id") assert.equal(response.headers.get(name), value, name);
  }
  // A reply's own header wins over the added one.
  assert.equal(response.headers.get("x-request-id"), "req_own");
  assert.equal(await response.text(), encodeSse(answer));
  assert.deepEqual(server.requests.map((request) => request.path), [
    "/backend-api/codex/responses",
    "/backend-api/codex/responses",
  ]);
  const publicPath = await fetch(`${server.origin}/v1/responses`, { method: "POST" });
  assert.equal(publicPath.status, 404);
  await publicPath.body?.cancel();
});

Deno.test("expired tokens get 401 token_expired, read live so a test can expire one later", async () => {
  const expiredTokens: string[] = [];
  await using server = startResponsesServer({
    script: [{ status: 200, body: {} }],
    rules: { expiredTokens },
  });
  const first = await post(server);
  assert.equal(first.status, 200);
  await first.body?.cancel();
  expiredTokens.push("sk-test");
  const second = await post(server);
  assert.equal(second.status, 401);
  assert.equal((await second.json()).error.code, "token_expired");
});

Deno.test("a path that is not a /responses endpoint is refused up front", () => {
  assert.throws(
    () => startResponsesServer({ script: [{ status: 200, body: {} }], path: "/v1/chat" }),
    /must end in \/responses/,
  );
});

Deno.test("an empty script is refused up front", () => {
  assert.throws(() => startResponsesServer({ script: [] }), /at least one reply/);
});
