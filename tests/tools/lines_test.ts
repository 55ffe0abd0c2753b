import assert from "node:assert/strict";
import { LineIndex, splitLines } from "../../src/tools/lines.ts";

Deno.test("splitLines keeps terminators and counts a last line without one", () => {
  assert.deepEqual(splitLines(""), []);
  assert.deepEqual(splitLines("a"), ["a"]);
  assert.deepEqual(splitLines("a\n"), ["a\n"]);
  assert.deepEqual(splitLines("a\r\n\nb"), ["a\r\n", "\n", "b"]);
});

Deno.test("LineIndex numbers offsets from line 1", () => {
  const index = new LineIndex("ab\ncd\n\nx");
  assert.deepEqual([0, 1, 2, 3, 5, 6, 7].map((offset) => index.lineAt(offset)), [
    1,
    1,
    1,
    2,
    2,
    3,
    4,
  ]);
  assert.equal(new LineIndex("").lineAt(0), 1);
});
