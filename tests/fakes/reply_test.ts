import assert from "node:assert/strict";
import { renderReply, sseChunks, type SseReply } from "./reply.ts";
import { encodeSse, encodeSseEvent } from "./sse.ts";

const events = [
  { type: "response.created", n: 1 },
  { type: "response.output_text.delta", delta: "héllo" },
  { type: "response.completed", n: 3 },
];
const decoder = new TextDecoder();

function joined(chunks: readonly Uint8Array[]): string {
  return decoder.decode(new Uint8Array(chunks.flatMap((chunk) => [...chunk])));
}

Deno.test("sseChunks writes one chunk per event by default", () => {
  const chunks = sseChunks({ sse: events, framing: "data-only" });
  assert.deepEqual(
    chunks.map((chunk) => decoder.decode(chunk)),
    events.map((event) => encodeSseEvent(event, { framing: "data-only" })),
  );
});

Deno.test("sseChunks whole writes the body at once", () => {
  const chunks = sseChunks({ sse: events, chunking: "whole", lineEnding: "\r\n" });
  assert.equal(chunks.length, 1);
  assert.equal(decoder.decode(chunks[0]), encodeSse(events, { lineEnding: "\r\n" }));
});

Deno.test("sseChunks lines writes each line, terminator included, as its own chunk", () => {
  const reply: SseReply = { sse: events, chunking: "lines", lineEnding: "\r\n" };
  const lines = sseChunks(reply).map((chunk) => decoder.decode(chunk));
  assert.equal(lines.length, events.length * 3);
  assert.ok(lines.every((line) => line.endsWith("\r\n") && line.indexOf("\n") === line.length - 1));
  assert.equal(lines.join(""), encodeSse(events, { lineEnding: "\r\n" }));
});

Deno.test("sseChunks with a byte count splits mid-line and mid-character", () => {
  const chunks = sseChunks({ sse: events, chunking: 5 });
  assert.ok(chunks.every((chunk) => chunk.length <= 5));
  assert.equal(joined(chunks), encodeSse(events));
  assert.ok(chunks.slice(0, -1).some((chunk) => chunk.at(-1) !== 0x0a), "a chunk ends mid-line");
  // "é" is two bytes in UTF-8; one-byte chunks deliver its halves separately.
  const bytes = sseChunks({ sse: events, chunking: 1 });
  assert.ok(bytes.some((chunk) => chunk.length === 1 && chunk[0] === 0xc3));
});

Deno.test("sseChunks refuses a chunk size that is not a positive integer", () => {
  assert.throws(() => sseChunks({ sse: events, chunking: 0 }), RangeError);
  assert.throws(() => sseChunks({ sse: events, chunking: 1.5 }), RangeError);
});

Deno.test("sseChunks sends only the first n events when cut or stalled", () => {
  const first = encodeSse(events.slice(0, 2));
  assert.equal(joined(sseChunks({ sse: events, end: { cutAfter: 2 } })), first);
  assert.equal(joined(sseChunks({ sse: events, end: { stallAfter: 2 } })), first);
  assert.equal(joined(sseChunks({ sse: events, end: "hang" })), encodeSse(events));
});

Deno.test("renderReply sends an object body as JSON", async () => {
  const { response } = renderReply(
    { status: 418, headers: { "x-a": "1" }, body: { detail: "no" } },
    new AbortController().signal,
  );
  assert.equal(response.status, 418);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.equal(response.headers.get("x-a"), "1");
  assert.deepEqual(await response.json(), { detail: "no" });
});

Deno.test("renderReply sends a string body verbatim with only the given headers", async () => {
  const { response } = renderReply({ status: 403, body: "<html>" }, new AbortController().signal);
  assert.equal(response.headers.get("content-type"), null);
  assert.equal(await response.text(), "<html>");
});

Deno.test("renderReply labels SSE as text/event-stream unless told to send no Content-Type", async () => {
  const signal = new AbortController().signal;
  const labelled = renderReply({ sse: events, headers: { "x-b": "2" } }, signal).response;
  assert.equal(labelled.headers.get("content-type"), "text/event-stream");
  assert.equal(labelled.headers.get("x-b"), "2");
  const bare = renderReply(
    { sse: events, contentType: false, headers: { "content-type": "text/event-stream" } },
    signal,
  ).response;
  assert.equal(bare.headers.get("content-type"), null);
  await labelled.body?.cancel();
  await bare.body?.cancel();
});

Deno.test("renderReply keeps a hanging body open until shutdown, then ends it", async () => {
  const shutdown = new AbortController();
  const { response, finished } = renderReply({ sse: events, end: "hang" }, shutdown.signal);
  const text = response.body!.pipeThrough(new TextDecoderStream());
  const reader = text.getReader();
  let received = "";
  while (received !== encodeSse(events)) received += (await reader.read()).value;
  const pending = reader.read();
  const early = await Promise.race([pending, delay(50).then(() => "still open")]);
  assert.equal(early, "still open");
  shutdown.abort();
  assert.deepEqual(await pending, { done: true, value: undefined });
  await finished;
});

Deno.test("renderReply stops writing when the client cancels", async () => {
  // A stream that would stall forever after its first event, if the cancel were not heard.
  const { response, finished } = renderReply(
    { sse: events, end: { stallAfter: 1 } },
    new AbortController().signal,
  );
  const reader = response.body!.getReader();
  const first = await reader.read();
  assert.equal(new TextDecoder().decode(first.value), encodeSse(events.slice(0, 1)));
  await reader.cancel();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = await Promise.race([
    finished.then(() => "ended"),
    new Promise<string>((resolve) => timer = setTimeout(() => resolve("still writing"), 5_000)),
  ]);
  clearTimeout(timer);
  assert.equal(ended, "ended", "the writer ended when the client cancelled");
});

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("renderReply sends no body for a status that forbids one", () => {
  const { response } = renderReply({ status: 204, body: "" }, new AbortController().signal);
  assert.equal(response.status, 204);
  assert.equal(response.body, null);
});
