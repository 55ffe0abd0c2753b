import assert from "node:assert/strict";
import {
  clip,
  counted,
  keyArgument,
  oneLine,
  parseArguments,
  preview,
} from "../../src/ui/tool_summary.ts";

Deno.test("the key argument is the command, else the path, else the pattern", () => {
  assert.equal(keyArgument('{"command":"ls  -la\\n","path":"x"}'), "ls -la");
  assert.equal(keyArgument('{"path":"src/a.ts"}'), "src/a.ts");
  assert.equal(keyArgument('{"pattern":"TODO"}'), "TODO");
  assert.equal(keyArgument('{"other":1}'), "");
  assert.equal(keyArgument("not json"), "");
  assert.equal(keyArgument(JSON.stringify({ path: "x".repeat(50) }), 10), "xxxxxxxxx…");
});

Deno.test("arguments that are not a JSON object read as empty", () => {
  assert.deepEqual(parseArguments("[1]"), {});
  assert.deepEqual(parseArguments("{"), {});
  assert.deepEqual(parseArguments('{"a":1}'), { a: 1 });
});

Deno.test("a preview is the first non-blank line and the line count", () => {
  assert.equal(preview("\n first\n\nsecond\n"), " first … (2 lines)");
  assert.equal(preview("only"), "only");
  assert.equal(preview("  \n"), "(no output)");
});

Deno.test("text helpers: one line, clipped, counted", () => {
  assert.equal(oneLine(" a\n\tb  c "), "a b c");
  assert.equal(clip("abcdef", 4), "abc…");
  assert.equal(clip("abc", 4), "abc");
  assert.equal(counted(1, "more line"), "1 more line");
  assert.equal(counted(2, "more line"), "2 more lines");
});

Deno.test("what the summaries return holds no control character from the call", () => {
  const hostile = "\x1b]0;TITLE\x07 \x1b[2J\rx";
  assert.equal(keyArgument(JSON.stringify({ command: hostile })), "^[]0;TITLE^G ^[[2J x");
  assert.equal(preview(`${hostile}\nmore`), "^[]0;TITLE^G ^[[2J^Mx … (2 lines)");
  assert.equal(oneLine("a\x1b[1G\tb"), "a^[[1G b");
});
