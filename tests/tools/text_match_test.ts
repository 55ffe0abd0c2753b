import assert from "node:assert/strict";
import { findNearMiss, occurrences } from "../../src/tools/text_match.ts";

Deno.test("occurrences are non-overlapping, left to right", () => {
  assert.deepEqual(occurrences("aaaa", "aa"), [0, 2]);
  assert.deepEqual(occurrences("abcabc", "c"), [2, 5]);
  assert.deepEqual(occurrences("abc", "d"), []);
});

Deno.test("a snippet differing only in whitespace is a whitespace near miss at its line", () => {
  const text = "one\n  if (x) {\n    go();\n  }\n";
  assert.deepEqual(findNearMiss(text, "if(x){\n  go();"), { kind: "whitespace", line: 2 });
  assert.deepEqual(findNearMiss(text, "go ( ) ;"), { kind: "whitespace", line: 3 });
});

Deno.test("otherwise the longest run of matching leading lines is reported", () => {
  const text = "a\nb\nc\n\na\nb\nx\n";
  assert.deepEqual(findNearMiss(text, "a\nb\nx\ny"), {
    kind: "prefix",
    line: 5,
    matchingLines: 3,
    snippetLines: 4,
  });
});

Deno.test("no near miss when not even the first line occurs", () => {
  assert.equal(findNearMiss("a\nb\n", "zzz\nb"), null);
  assert.equal(findNearMiss("a\nb\n", "   "), null);
});
