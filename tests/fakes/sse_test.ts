import assert from "node:assert/strict";
import { encodeSse, encodeSseEvent } from "./sse.ts";

const event = { type: "response.output_text.delta", delta: "Hi\nthere" };
const json = JSON.stringify(event);

Deno.test("encodeSseEvent writes an event line, a data line and a blank line by default", () => {
  assert.equal(encodeSseEvent(event), `event: response.output_text.delta\ndata: ${json}\n\n`);
});

Deno.test("encodeSseEvent data-only framing omits the event line", () => {
  assert.equal(encodeSseEvent(event, { framing: "data-only" }), `data: ${json}\n\n`);
});

Deno.test("encodeSseEvent ends every line with CRLF when asked", () => {
  assert.equal(
    encodeSseEvent(event, { lineEnding: "\r\n" }),
    `event: response.output_text.delta\r\ndata: ${json}\r\n\r\n`,
  );
});

Deno.test("encodeSseEvent puts a keep-alive comment block before the event", () => {
  assert.equal(
    encodeSseEvent(event, { framing: "data-only", comment: "keep-alive" }),
    `: keep-alive\n\ndata: ${json}\n\n`,
  );
});

Deno.test("encodeSseEvent multi-line data rejoins to the same event", () => {
  const text = encodeSseEvent(event, { framing: "data-only", multilineData: true });
  const lines = text.split("\n").filter((line) => line !== "");
  assert.ok(lines.length > 2);
  assert.ok(lines.every((line) => line.startsWith("data: ")));
  const data = lines.map((line) => line.slice("data: ".length)).join("\n");
  assert.deepEqual(JSON.parse(data), event);
});

Deno.test("encodeSse concatenates the blocks of every event in order", () => {
  const second = { type: "response.completed" };
  assert.equal(
    encodeSse([event, second], { framing: "data-only" }),
    `data: ${json}\n\ndata: ${JSON.stringify(second)}\n\n`,
  );
});
