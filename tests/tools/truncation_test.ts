import assert from "node:assert/strict";
import {
  DEFAULT_OUTPUT_LIMITS,
  formatBytes,
  limitOutput,
  limitText,
  OutputLimiter,
} from "../../src/tools/truncation.ts";

/** `count` lines `line 1\n` … `line N\n`. */
function numbered(count: number, from = 1): string {
  return Array.from({ length: count }, (_, i) => `line ${from + i}\n`).join("");
}

Deno.test("text within the limits is returned unchanged", () => {
  const text = numbered(10);
  assert.deepEqual(limitText(text), { text, omission: null, clippedLines: 0 });
  assert.equal(limitOutput(""), "");
  assert.equal(limitOutput("no newline"), "no newline");
});

Deno.test("the default limits are 50 KB and 2000 lines", () => {
  assert.deepEqual(DEFAULT_OUTPUT_LIMITS, { maxBytes: 51200, maxLines: 2000 });
  assert.equal(limitText(numbered(2000)).omission, null);
  assert.deepEqual(limitText(numbered(2001)).omission, {
    lines: 1,
    bytes: "line 2001\n".length,
    afterLine: 2000,
  });
});

Deno.test("head mode keeps the first lines and says how much is not shown", () => {
  const text = numbered(10);
  const cut = numbered(6, 5);
  assert.equal(
    limitOutput(text, { maxLines: 4 }),
    `${numbered(4)}[… truncated: 6 more lines (${cut.length} bytes) not shown …]`,
  );
});

Deno.test("the byte limit cuts at a line boundary", () => {
  const text = "aaaa\nbbbb\ncccc\n";
  const result = limitText(text, { maxBytes: 12 });
  assert.equal(result.text, "aaaa\nbbbb\n[… truncated: 1 more line (5 bytes) not shown …]");
  assert.deepEqual(result.omission, { lines: 1, bytes: 5, afterLine: 2 });
});

Deno.test("bytes are counted as UTF-8, not as JavaScript characters", () => {
  const text = "éé\néé\n"; // 5 bytes per line
  assert.equal(limitText(text, { maxBytes: 9 }).omission?.lines, 1);
  assert.equal(limitText(text, { maxBytes: 10 }).omission, null);
});

Deno.test("head_and_tail keeps both ends with the marker in the middle", () => {
  const text = numbered(10);
  const result = limitText(text, { maxLines: 4, keep: "head_and_tail" });
  const cut = numbered(6, 3);
  assert.equal(
    result.text,
    `line 1\nline 2\n[… truncated: 6 lines (${cut.length} bytes) not shown …]\nline 9\nline 10\n`,
  );
  assert.deepEqual(result.omission, { lines: 6, bytes: cut.length, afterLine: 2 });
});

Deno.test("head_and_tail shows everything when the whole text fits", () => {
  const text = numbered(4);
  assert.equal(limitOutput(text, { maxLines: 4, keep: "head_and_tail" }), text);
  const bytes = "x".repeat(30) + "\n" + "y".repeat(60) + "\n";
  assert.equal(limitOutput(bytes, { maxBytes: bytes.length, keep: "head_and_tail" }), bytes);
});

Deno.test("text pushed in arbitrary pieces gives the same result as all at once", () => {
  const text = numbered(300) + "tail without newline";
  const options = { maxLines: 50, maxBytes: 700, keep: "head_and_tail" as const };
  const whole = limitText(text, options);
  for (const size of [1, 3, 7, 64]) {
    const limiter = new OutputLimiter(options);
    for (let i = 0; i < text.length; i += size) limiter.push(text.slice(i, i + size));
    assert.deepEqual(limiter.finish(), whole, `pieces of ${size}`);
  }
  assert.match(whole.text, /tail without newline$/);
});

Deno.test("a line that can never fit is clipped in place, also when streamed", () => {
  const long = "x".repeat(5000);
  const text = `${long}\nafter\n`;
  const result = limitText(text, { maxBytes: 1000 });
  assert.equal(result.clippedLines, 1);
  const [first, marker] = result.text.split("\n");
  assert.match(first, /^x+ … \[line clipped: 3\.9 KB more\]$/);
  assert.ok(new TextEncoder().encode(first).length + 1 <= 1000);
  assert.ok(first.length > 900, "the clip uses the budget");
  assert.equal(marker, "[… truncated: 1 more line (6 bytes) not shown …]");
  const limiter = new OutputLimiter({ maxBytes: 1000 });
  for (const piece of ["xx", "x".repeat(4998), "\naf", "ter\n"]) limiter.push(piece);
  assert.deepEqual(limiter.finish(), result);
});

Deno.test("a long line after others ends the head instead of being clipped", () => {
  const text = `short\n${"x".repeat(5000)}\nafter\n`;
  assert.equal(
    limitOutput(text, { maxBytes: 1000 }),
    `short\n[… truncated: 2 more lines (${formatBytes(5007)}) not shown …]`,
  );
});

Deno.test("head_and_tail clips an over-long last line rather than losing the end", () => {
  const text = `start\n${"y".repeat(3000)}`;
  const result = limitText(text, { maxBytes: 1000, keep: "head_and_tail" });
  assert.equal(result.omission, null);
  assert.match(result.text, /^start\ny+ … \[line clipped: [\d.]+ KB more\]$/);
});

Deno.test("clipping never splits a multi-byte character", () => {
  const result = limitText("€".repeat(400), { maxBytes: 200 });
  const kept = result.text.split(" … ")[0];
  assert.ok(kept.length > 0 && /^€+$/.test(kept));
  assert.ok(new TextEncoder().encode(result.text).length <= 200);
});

Deno.test("a custom marker replaces the standard one", () => {
  const result = limitOutput(numbered(5), {
    maxLines: 2,
    marker: (o) => `<${o.lines} after ${o.afterLine}>`,
  });
  assert.equal(result, "line 1\nline 2\n<3 after 2>");
});

Deno.test("formatBytes picks a readable unit", () => {
  assert.equal(formatBytes(1), "1 byte");
  assert.equal(formatBytes(1023), "1023 bytes");
  assert.equal(formatBytes(1024), "1 KB");
  assert.equal(formatBytes(1536), "1.5 KB");
  assert.equal(formatBytes(10 * 1024 * 1024), "10 MB");
});
