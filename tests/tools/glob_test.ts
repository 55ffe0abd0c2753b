import assert from "node:assert/strict";
import { compileGlob, pathMatcher } from "../../src/tools/glob.ts";

function glob(pattern: string): RegExp {
  const compiled = compileGlob(pattern);
  if (!compiled.ok) assert.fail(compiled.message);
  return compiled.regex;
}

function check(pattern: string, matching: string[], notMatching: string[]): void {
  const regex = glob(pattern);
  for (const path of matching) assert.ok(regex.test(path), `${pattern} should match ${path}`);
  for (const path of notMatching) {
    assert.ok(!regex.test(path), `${pattern} should not match ${path}`);
  }
}

Deno.test("* and ? stay within one segment", () => {
  check("*.ts", ["a.ts", ".hidden.ts", ".ts"], ["a.tsx", "dir/a.ts", "a.js"]);
  check("src/*", ["src/a", "src/b.ts"], ["src/a/b", "src"]);
  check("?.md", ["a.md"], ["ab.md", "/.md", ".md"]);
  check("a*b*c", ["abc", "aXbYc"], ["aXb/c"]);
});

Deno.test("** as a segment spans any number of directories, including none", () => {
  check("**/*.ts", ["a.ts", "x/a.ts", "x/y/z/a.ts"], ["a.js", "x/a.tsx"]);
  check("src/**/test.ts", ["src/test.ts", "src/a/b/test.ts"], ["test.ts", "lib/src/test.ts"]);
  check("src/**", ["src/a", "src/a/b"], ["src", "lib/a"]);
  check("**", ["a", "a/b/c"], []);
});

Deno.test("** inside a segment acts like *", () => {
  check("a**b", ["ab", "aXXb"], ["a/b"]);
  check("x/**.ts", ["x/a.ts"], ["x/a/b.ts"]);
});

Deno.test("character classes, ranges and negation never match /", () => {
  check("[abc].txt", ["a.txt", "c.txt"], ["d.txt", "ab.txt"]);
  check("file[0-9]", ["file0", "file9"], ["filea", "file10"]);
  check("[!a]x", ["bx", ".x"], ["ax", "/x"]);
  check("[^a]x", ["bx"], ["ax"]);
  check("a[/]b", [], ["a/b"]);
  check("[]]", ["]"], ["a"]);
  check("[a-]", ["a", "-"], ["b"]);
});

Deno.test("braces are alternatives, and nest", () => {
  check("*.{ts,tsx}", ["a.ts", "a.tsx"], ["a.js", "a.t"]);
  check("{src,test}/**/*.ts", ["src/a.ts", "test/x/b.ts"], ["lib/a.ts"]);
  check("{a,{b,c}d}", ["a", "bd", "cd"], ["b", "ad"]);
  check("x{,y}", ["x", "xy"], ["xz"]);
});

Deno.test("regex syntax and escaped wildcards are literal", () => {
  check("a.b", ["a.b"], ["axb"]);
  check("(x)+$|^", ["(x)+$|^"], ["x", "xx"]);
  check("\\*.md", ["*.md"], ["a.md"]);
  check("a\\?", ["a?"], ["ab"]);
});

Deno.test("unclosed brackets and braces are literal characters", () => {
  check("[abc", ["[abc"], ["a"]);
  check("{a,b", ["{a,b"], ["a"]);
  check("{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{x", ["{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{x"], []);
  check("a}b,c", ["a}b,c"], []);
});

Deno.test("a reversed range is an invalid glob, reported as a value", () => {
  const compiled = compileGlob("[z-a]");
  assert.equal(compiled.ok, false);
  if (!compiled.ok) assert.match(compiled.message, /^invalid glob "\[z-a\]"/);
});

Deno.test("pathMatcher: no slash matches the name at any depth, a slash the whole path", () => {
  const byName = pathMatcher("*.ts");
  const byPath = pathMatcher("src/*.ts");
  const anchored = pathMatcher("./src/*.ts");
  if (!byName.ok || !byPath.ok || !anchored.ok) return assert.fail("patterns should compile");
  assert.ok(byName.matches("deep/down/a.ts"));
  assert.ok(!byName.matches("a.ts/b.js"));
  assert.ok(byPath.matches("src/a.ts"));
  assert.ok(!byPath.matches("lib/src/a.ts"));
  assert.ok(anchored.matches("src/a.ts"));
  assert.equal(pathMatcher("[b-a]").ok, false);
});
