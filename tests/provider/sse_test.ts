import assert from "node:assert/strict";
import { decodeSse, type SseMessage } from "../../src/provider/sse.ts";

const encoder = new TextEncoder();

/** J.1 from the protocol reference, as the loopback fakes keep it. */
const J1 = await Deno.readTextFile(
  new URL("../fakes/testdata/j1_text_answer.sse", import.meta.url),
);

/** A body that delivers `chunks` one by one and records whether it was cancelled. */
function body(chunks: readonly Uint8Array[], keepOpen = false) {
  let index = 0;
  const state = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++]);
      else if (!keepOpen) controller.close();
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

async function decode(chunks: readonly Uint8Array[]): Promise<SseMessage[]> {
  return await Array.fromAsync(decodeSse(body(chunks).stream));
}

async function decodeText(...pieces: string[]): Promise<SseMessage[]> {
  return await decode(pieces.map((piece) => encoder.encode(piece)));
}

/** Splits `bytes` at the given offsets. */
function splitAt(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const bounds = [0, ...offsets, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

/** A small deterministic PRNG, so a failing chunking can be reproduced. */
function mulberry32(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("J.1 decodes to its 16 events, each named by its JSON type", async () => {
  const messages = await decodeText(J1);
  assert.equal(messages.length, 16);
  for (const message of messages) {
    const json = JSON.parse(message.data);
    assert.equal(message.event, json.type);
  }
  assert.equal(messages[0].event, "response.created");
  assert.equal(messages.at(-1)?.event, "response.completed");
});

Deno.test("J.1 split at every byte boundary decodes the same, with LF, CRLF and CR", async () => {
  const whole = await decodeText(J1);
  for (const eol of ["\n", "\r\n", "\r"]) {
    const bytes = encoder.encode(J1.replaceAll("\n", eol));
    for (let offset = 1; offset < bytes.length; offset++) {
      const messages = await decode(splitAt(bytes, [offset]));
      assert.deepEqual(messages, whole, `line end ${JSON.stringify(eol)}, split at ${offset}`);
    }
  }
});

Deno.test("J.1 in random chunkings decodes the same", async () => {
  const whole = await decodeText(J1);
  const bytes = encoder.encode(J1.replaceAll("\n", "\r\n"));
  const random = mulberry32(7);
  for (let round = 0; round < 200; round++) {
    const offsets = new Set<number>();
    const cuts = 1 + Math.floor(random() * 40);
    for (let i = 0; i < cuts; i++) offsets.add(1 + Math.floor(random() * (bytes.length - 1)));
    const sorted = [...offsets].sort((a, b) => a - b);
    assert.deepEqual(await decode(splitAt(bytes, sorted)), whole, `cuts at ${sorted}`);
  }
});

Deno.test("a CRLF split between two chunks ends one line, not two", async () => {
  assert.deepEqual(await decodeText("data: a\r", "\ndata: b\r\n\r\n"), [{ data: "a\nb" }]);
  assert.deepEqual(await decodeText("data: a\r", "", "\n\r\n"), [{ data: "a" }]);
});

Deno.test("lone CR ends lines", async () => {
  assert.deepEqual(await decodeText("event: x\rdata: 1\r\rdata: 2\r\r"), [
    { event: "x", data: "1" },
    { data: "2" },
  ]);
});

Deno.test("multi-line data is joined with newlines", async () => {
  assert.deepEqual(await decodeText('data: {"a":\ndata: 1}\n\n'), [{ data: '{"a":\n1}' }]);
});

Deno.test("only one space after the colon is dropped", async () => {
  assert.deepEqual(await decodeText("data:x\n\ndata:  y\n\n"), [{ data: "x" }, { data: " y" }]);
});

Deno.test("comments, id, retry, unknown fields and garbage lines are ignored", async () => {
  const text = ": keep-alive\nid: 7\nretry: 1000\nfoo: bar\ngarbage line\n" +
    "event: e\ndata: d\n: inner comment\n\n:\n\n";
  assert.deepEqual(await decodeText(text), [{ event: "e", data: "d" }]);
});

Deno.test("the event name applies to its own event only", async () => {
  assert.deepEqual(await decodeText("event: a\ndata: 1\n\ndata: 2\n\n"), [
    { event: "a", data: "1" },
    { data: "2" },
  ]);
});

Deno.test("events without data are skipped", async () => {
  assert.deepEqual(await decodeText("event: ping\n\nevent: ping\ndata:\n\ndata: x\n\n"), [
    { data: "x" },
  ]);
});

Deno.test("an event left pending at end of stream is still dispatched", async () => {
  assert.deepEqual(await decodeText("data: a\n\ndata: tail"), [{ data: "a" }, { data: "tail" }]);
  assert.deepEqual(await decodeText("event: e\ndata: b\n"), [{ event: "e", data: "b" }]);
});

Deno.test("a UTF-8 BOM at the start is dropped, even when split", async () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode("data: x\n\n")]);
  assert.deepEqual(await decode([bytes]), [{ data: "x" }]);
  assert.deepEqual(await decode(splitAt(bytes, [1, 2])), [{ data: "x" }]);
});

Deno.test("multibyte characters split across chunks survive", async () => {
  const bytes = encoder.encode("data: héllo wörld 🎉 ✓\n\n");
  for (let offset = 1; offset < bytes.length; offset++) {
    assert.deepEqual(await decode(splitAt(bytes, [offset])), [{ data: "héllo wörld 🎉 ✓" }]);
  }
});

Deno.test("2000 small events decode in linear time", async () => {
  const event = 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta",' +
    '"item_id":"msg_1","delta":"word "}\n\n';
  const text = event.repeat(2000);
  const oneChunk = [encoder.encode(text)];
  const smallChunks = splitAt(
    encoder.encode(text),
    Array.from({ length: 4000 }, (_, i) => (i + 1) * 32),
  );
  const longLine = splitAt(
    encoder.encode(`data: ${"x".repeat(1_000_000)}\n\n`),
    Array.from({ length: 999 }, (_, i) => (i + 1) * 1000),
  );
  await decode(oneChunk); // warm-up, so compilation is not timed
  const started = performance.now();
  assert.equal((await decode(oneChunk)).length, 2000);
  assert.equal((await decode(smallChunks)).length, 2000);
  assert.equal((await decode(longLine))[0].data.length, 1_000_000);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 250, `took ${elapsed.toFixed(1)} ms`);
});

Deno.test("a consumer that stops early cancels the body", async () => {
  const { stream, state } = body([encoder.encode("data: 1\n\ndata: 2\n\n")], true);
  for await (const message of decodeSse(stream)) {
    assert.equal(message.data, "1");
    break;
  }
  assert.equal(state.cancelled, true);
});

Deno.test("an abort cancels a stalled body and throws the abort reason", async () => {
  const { stream, state } = body([encoder.encode("data: 1\n\n")], true);
  const controller = new AbortController();
  const reason = new Error("stop");
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const message of decodeSse(stream, controller.signal)) {
      seen.push(message.data);
      setTimeout(() => controller.abort(reason), 5);
    }
  }, (error) => error === reason);
  assert.deepEqual(seen, ["1"]);
  assert.equal(state.cancelled, true);
});

Deno.test("an already aborted signal reads nothing", async () => {
  const { stream, state } = body([encoder.encode("data: 1\n\n")]);
  const controller = new AbortController();
  controller.abort(new Error("early"));
  await assert.rejects(() => Array.fromAsync(decodeSse(stream, controller.signal)), /early/);
  assert.equal(state.cancelled, true);
});
