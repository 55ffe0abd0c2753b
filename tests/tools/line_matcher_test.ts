import assert from "node:assert/strict";
import {
  compileLineMatcher,
  type LineMatch,
  requiredLiteral,
} from "../../src/tools/line_matcher.ts";

const encode = (text: string) => new TextEncoder().encode(text);

/** Every matching line, as `line:index:text`. */
function scan(pattern: string, text: string | Uint8Array, literal = false, ignoreCase = false) {
  const compiled = compileLineMatcher(pattern, { literal, ignoreCase });
  if (!compiled.ok) throw new Error(compiled.message);
  const found: string[] = [];
  const end = compiled.matcher.scan(typeof text === "string" ? encode(text) : text, (m) => {
    found.push(`${m.line}:${m.index}:${m.text}`);
    return true;
  });
  return { found, end };
}

/** What a plain line-by-line search finds: the behaviour the fast paths must keep. */
function oracle(pattern: string, text: string, literal = false, ignoreCase = false): string[] {
  const regex = new RegExp(literal ? RegExp.escape(pattern) : pattern, ignoreCase ? "i" : "");
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const found: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const match = regex.exec(line);
    if (match) found.push(`${i + 1}:${match.index}:${line}`);
  });
  return found;
}

Deno.test("requiredLiteral finds the longest run every match must contain", () => {
  assert.equal(requiredLiteral("struct\\s+sockaddr_in6"), "sockaddr_in6");
  assert.equal(requiredLiteral("foo\\.bar"), "foo.bar");
  assert.equal(requiredLiteral("colou?r"), "colo");
  assert.equal(requiredLiteral("ab*cdef"), "cdef");
  assert.equal(requiredLiteral("abcd+"), "abcd");
  assert.equal(requiredLiteral("x{0,2}yz"), "yz");
  assert.equal(requiredLiteral("wxyz{2}"), "wxyz");
  assert.equal(requiredLiteral("a{b}c"), "a{b}c");
  assert.equal(requiredLiteral("(?:abc|def)ghi"), "ghi");
  assert.equal(requiredLiteral("[abc]def[gh]"), "def");
  assert.equal(requiredLiteral("^import \\w+ from"), "import ");
  assert.equal(requiredLiteral("\\bword\\b"), "word");
  assert.equal(requiredLiteral("lazy+?tail"), "lazy");
  assert.equal(requiredLiteral("abc|def"), null);
  assert.equal(requiredLiteral(".*"), null);
  assert.equal(requiredLiteral("\\d+"), null);
});

Deno.test("scan agrees with a plain line-by-line search", () => {
  const text = [
    "struct sockaddr_in6 addr;",
    "struct  sockaddr_in6 *p; // sockaddr_in6 twice",
    "sockaddr_in6 alone",
    "STRUCT SOCKADDR_IN6 upper\r",
    "",
    "struct",
    "  sockaddr_in6 split over lines",
    "colour and color",
    "tail without newline sockaddr_in6",
  ].join("\n");
  const cases: [string, boolean, boolean][] = [
    ["struct\\s+sockaddr_in6", false, false],
    ["struct\\s+sockaddr_in6", false, true],
    ["sockaddr_in6", true, false],
    ["SOCKADDR_in6", true, true],
    ["colou?r", false, false],
    ["^$", false, false],
    ["\\s+sockaddr", false, false],
    ["in6$", false, false],
    ["(?<=struct )sock", false, false],
    ["x*", false, false],
    ["", false, false],
    ["upper$", false, false],
  ];
  for (const [pattern, literal, ignoreCase] of cases) {
    const got = scan(pattern, text, literal, ignoreCase);
    assert.equal(got.end, "done");
    assert.deepEqual(got.found, oracle(pattern, text, literal, ignoreCase), pattern);
  }
});

Deno.test("scan agrees with the plain search on generated text", () => {
  // A small deterministic generator: lines of words from a tiny alphabet, some CRLF.
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const words = ["ab", "abc", "Abc", "c", "ab_c", "x", " ", "\t", "abcabc"];
  for (let round = 0; round < 40; round++) {
    const lines: string[] = [];
    const count = 1 + Math.floor(next() * 30);
    for (let i = 0; i < count; i++) {
      let line = "";
      const length = Math.floor(next() * 8);
      for (let j = 0; j < length; j++) line += words[Math.floor(next() * words.length)];
      lines.push(next() < 0.2 ? `${line}\r` : line);
    }
    const text = lines.join("\n") + (next() < 0.5 ? "\n" : "");
    for (const pattern of ["abc", "ab_c", "b\\s*c", "abca?", "^ab", "c$", "Abc"]) {
      for (const ignoreCase of [false, true]) {
        assert.deepEqual(
          scan(pattern, text, false, ignoreCase).found,
          oracle(pattern, text, false, ignoreCase),
          `${pattern} (i=${ignoreCase}) in ${JSON.stringify(text)}`,
        );
      }
    }
  }
});

Deno.test("a NUL byte makes a file binary, and invalid UTF-8 is still searched", () => {
  assert.equal(scan("needle", "x\nneedle\n\0").end, "binary");
  assert.equal(scan("nee.le", "x\nneedle\n\0").end, "binary");
  // No candidate at all: the file is done without reading it through.
  assert.deepEqual(scan("needle", "nothing\0here"), { found: [], end: "done" });
  const latin1 = new Uint8Array([...encode("caf"), 0xe9, ...encode(" needle\n")]);
  assert.deepEqual(scan("needle", latin1).found, ["1:5:caf\uFFFD needle"]);
});

Deno.test("a byte-order mark is not part of the first line", () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...encode("needle first\n")]);
  assert.deepEqual(scan("^needle", bom).found, ["1:0:needle first"]);
  assert.deepEqual(scan("needle", bom, true).found, ["1:0:needle first"]);
});

Deno.test("the caller stops a scan by returning false", () => {
  const compiled = compileLineMatcher("hit", { literal: false, ignoreCase: false });
  assert.ok(compiled.ok);
  const seen: LineMatch[] = [];
  const end = compiled.matcher.scan(encode("hit\nhit\nhit\n"), (m) => {
    seen.push(m);
    return seen.length < 2;
  });
  assert.equal(end, "stopped");
  assert.deepEqual(seen.map((m) => m.line), [1, 2]);
});

Deno.test("an invalid pattern is a message, not an exception", () => {
  const compiled = compileLineMatcher("(unclosed", { literal: false, ignoreCase: false });
  assert.equal(compiled.ok, false);
  if (!compiled.ok) assert.match(compiled.message, /^pattern is not a valid regular expression/);
});
