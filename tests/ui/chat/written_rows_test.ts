import assert from "node:assert/strict";
import { WrittenRows } from "../../../src/ui/chat/written_rows.ts";

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("rows come back as written: each with its ending, joined by CR LF", () => {
  const rows = new WrittenRows();
  const one = rows.add(["a", "✓ é 🧪"], "\x1b[0m");
  const none = rows.add([], "\x1b[0m");
  const two = rows.add(["last"], "!");
  assert.equal(decode(rows.view(one)), "a\x1b[0m\r\n✓ é 🧪\x1b[0m");
  assert.equal(decode(rows.view(none)), "");
  assert.equal(decode(rows.view(two)), "last!");
});

Deno.test("rows kept while the buffer grows many times stay whole, and clear forgets them", () => {
  const rows = new WrittenRows();
  const spans = Array.from(
    { length: 3000 },
    (_, i) => rows.add([`${"é🧪".repeat(i % 50)}${i}`], ""),
  );
  spans.forEach((span, i) => assert.equal(decode(rows.view(span)), `${"é🧪".repeat(i % 50)}${i}`));
  rows.clear();
  const after = rows.add(["fresh"], "");
  assert.deepEqual(after, { start: 0, end: 5 });
  assert.equal(decode(rows.view(after)), "fresh");
});
