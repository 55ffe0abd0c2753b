import assert from "node:assert/strict";
import { join } from "node:path";
import { type FileLine, readLinesBackward, readLinesForward } from "../../src/agent/log_lines.ts";
import { withTempDir } from "./helpers.ts";

async function collect<T>(lines: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const line of lines) all.push(line);
  return all;
}

const TEXT = "first\nsecond, a longer line — with ü\n\nlast without newline";

Deno.test("forward reading yields every line with its end offset, at any block size", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "log.ndjson");
    await Deno.writeTextFile(path, TEXT);
    const bytes = new TextEncoder().encode(TEXT);
    const expected: FileLine[] = [
      { text: "first", end: 6, terminated: true },
      { text: "second, a longer line — with ü", end: bytes.indexOf(10, 6) + 1, terminated: true },
      { text: "", end: bytes.indexOf(10, 6) + 2, terminated: true },
      { text: "last without newline", end: bytes.length, terminated: false },
    ];
    for (const blockSize of [1, 2, 3, 7, 64, 4096]) {
      assert.deepEqual(
        await collect(readLinesForward(path, blockSize)),
        expected,
        `block ${blockSize}`,
      );
    }
  });
});

Deno.test("backward reading gives each line the end offset forward reading gives it", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "log.ndjson");
    for (const content of [TEXT, `${TEXT}\n`, "a\n\n", "x", "\n"]) {
      await Deno.writeTextFile(path, content);
      const forward = await collect(readLinesForward(path));
      for (const blockSize of [1, 3, 64]) {
        assert.deepEqual(
          (await collect(readLinesBackward(path, blockSize))).reverse(),
          forward,
          `${JSON.stringify(content)} block ${blockSize}`,
        );
      }
    }
  });
});

Deno.test("backward reading yields the lines last first, at any block size", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "log.ndjson");
    const expected = ["last without newline", "", "second, a longer line — with ü", "first"];
    for (const [content, lines] of [[TEXT, expected], [`${TEXT}\n`, expected], ["", []]] as const) {
      await Deno.writeTextFile(path, content);
      for (const blockSize of [1, 2, 5, 64]) {
        assert.deepEqual(
          (await collect(readLinesBackward(path, blockSize))).map((line) => line.text),
          lines,
          `${JSON.stringify(content)} block ${blockSize}`,
        );
      }
    }
  });
});

Deno.test("a line that is not UTF-8 reads as null", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "log.ndjson");
    await Deno.writeFile(path, new Uint8Array([0x61, 0x0a, 0xc3, 0x0a, 0x62, 0x0a]));
    assert.deepEqual((await collect(readLinesForward(path))).map((line) => line.text), [
      "a",
      null,
      "b",
    ]);
    assert.deepEqual((await collect(readLinesBackward(path))).map((line) => line.text), [
      "b",
      null,
      "a",
    ]);
  });
});
