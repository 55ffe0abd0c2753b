import assert from "node:assert/strict";
import { type DiffLine, unifiedDiff } from "../../../src/ui/chat/diff.ts";

/** The diff as unified-diff text lines. */
function text(lines: DiffLine[]): string[] {
  const sign = { hunk: "", context: " ", added: "+", removed: "-" } as const;
  return lines.map((line) => `${sign[line.kind]}${line.text}`);
}

Deno.test("equal texts have no diff", () => {
  assert.deepEqual(unifiedDiff("a\nb\n", "a\nb\n"), []);
});

Deno.test("a changed line is a removal then an addition, with context around it", () => {
  assert.deepEqual(text(unifiedDiff("a\nb\nc\n", "a\nB\nc\n")), [
    "@@ -1,3 +1,3 @@",
    " a",
    "-b",
    "+B",
    " c",
  ]);
});

Deno.test("a new file is all additions from line 0", () => {
  assert.deepEqual(text(unifiedDiff("", "one\ntwo\n")), ["@@ -0,0 +1,2 @@", "+one", "+two"]);
});

Deno.test("an emptied file is all removals", () => {
  assert.deepEqual(text(unifiedDiff("one\ntwo\n", "")), ["@@ -1,2 +0,0 @@", "-one", "-two"]);
});

Deno.test("context is limited, and distant changes make separate hunks", () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
  const after = [...before];
  after[1] = "changed 2";
  after[17] = "changed 18";
  const diff = text(unifiedDiff(before.join("\n"), after.join("\n"), 2));
  assert.deepEqual(diff, [
    "@@ -1,4 +1,4 @@",
    " line 1",
    "-line 2",
    "+changed 2",
    " line 3",
    " line 4",
    "@@ -16,5 +16,5 @@",
    " line 16",
    " line 17",
    "-line 18",
    "+changed 18",
    " line 19",
    " line 20",
  ]);
});

Deno.test("changes whose contexts touch share one hunk; farther ones do not", () => {
  const hunks = (diff: DiffLine[]) => diff.filter((line) => line.kind === "hunk").length;
  assert.equal(hunks(unifiedDiff("a\nb\nc\nd\n", "A\nb\nc\nD\n", 1)), 1);
  assert.equal(hunks(unifiedDiff("a\nb\nc\nd\ne\n", "A\nb\nc\nd\nE\n", 1)), 2);
});

Deno.test("insertions in the middle keep the common lines as context", () => {
  assert.deepEqual(text(unifiedDiff("a\nc\n", "a\nb\nc\n")), ["@@ -1,2 +1,3 @@", " a", "+b", " c"]);
});
