import assert from "node:assert/strict";
import { highlightCode } from "../../../src/ui/chat/highlight.ts";
import type { Style } from "../../../src/ui/style.ts";
import { styleFor } from "../../../src/ui/style.ts";

/** A style that names what it paints, so the tokens can be read in the output. */
const tagged = {
  ...styleFor(false, undefined),
  dim: (t: string) => `<c>${t}</c>`,
  green: (t: string) => `<s>${t}</s>`,
  magenta: (t: string) => `<n>${t}</n>`,
  cyan: (t: string) => `<k>${t}</k>`,
} satisfies Style;

Deno.test("keywords, strings, numbers and comments are told apart", () => {
  assert.deepEqual(highlightCode('const x = "a // b" + 42; // note', "ts", tagged), [
    '<k>const</k> x = <s>"a // b"</s> + <n>42</n>; <c>// note</c>',
  ]);
});

Deno.test("shell-like languages comment with #, others do not", () => {
  assert.deepEqual(highlightCode("echo 'hi' # greet", "bash", tagged), [
    "echo <s>'hi'</s> <c># greet</c>",
  ]);
  assert.deepEqual(highlightCode("a.#b", "js", tagged), ["a.#b"]);
});

Deno.test("words containing keywords and escaped quotes are handled", () => {
  assert.deepEqual(highlightCode('returns "say \\"hi\\"" format2', undefined, tagged), [
    'returns <s>"say \\"hi\\""</s> format2',
  ]);
});

Deno.test("every line is highlighted on its own; colour off leaves the code as it is", () => {
  const code = "let a = 1\nlet b = 2";
  assert.deepEqual(highlightCode(code, "rs", tagged), [
    "<k>let</k> a = <n>1</n>",
    "<k>let</k> b = <n>2</n>",
  ]);
  assert.deepEqual(highlightCode(code, "rs", styleFor(false, undefined)), code.split("\n"));
});
