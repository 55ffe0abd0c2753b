import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeText, readFileBytes } from "../../src/tools/text_file.ts";
import { sandbox } from "./helpers.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

Deno.test("decodeText accepts UTF-8 and keeps a byte-order mark", () => {
  assert.equal(decodeText(new TextEncoder().encode("héllo €")), "héllo €");
  assert.equal(decodeText(bytes(0xef, 0xbb, 0xbf, 0x61)), "\uFEFFa");
  assert.equal(decodeText(bytes()), "");
});

Deno.test("decodeText calls NUL bytes and invalid UTF-8 binary", () => {
  assert.equal(decodeText(bytes(0x61, 0x00, 0x62)), null);
  assert.equal(decodeText(bytes(0xc3, 0x28)), null);
  assert.equal(decodeText(bytes(0xe9)), null);
});

Deno.test("a NUL byte only counts in the first 8 KB, later ones are text", () => {
  const late = new Uint8Array(9000).fill(0x61);
  late[8500] = 0;
  assert.equal(decodeText(late)?.length, 9000);
  late[8000] = 0;
  assert.equal(decodeText(late), null);
});

Deno.test("readFileBytes refuses special files, which could block forever", async () => {
  await using box = await sandbox();
  const fifo = join(box.ws, "pipe");
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success);
  const result = readFileBytes(fifo, "pipe", 1000);
  assert.deepEqual(result, {
    ok: false,
    error: { kind: "io", message: "pipe is not a regular file", details: { path: "pipe" } },
  });
});

Deno.test("readFileBytes applies the size cap it is given", async () => {
  await using box = await sandbox({ "ws/f.txt": "12345" });
  const path = join(box.ws, "f.txt");
  const read = readFileBytes(path, "f.txt", 5);
  assert.equal(read.ok && new TextDecoder().decode(read.bytes), "12345");
  const result = readFileBytes(path, "f.txt", 4);
  assert.equal(!result.ok && result.error.kind, "too_large");
});

Deno.test("readFileBytes reads into the caller's buffer, grows past it, and caps a listed file", async () => {
  await using box = await sandbox({ "ws/small.txt": "abc", "ws/big.txt": "x".repeat(100_000) });
  const buffer = new Uint8Array(16);
  const small = readFileBytes(join(box.ws, "small.txt"), "small.txt", 1000, buffer, true);
  assert.ok(small.ok);
  assert.equal(small.bytes.buffer, buffer.buffer, "read into the buffer given");
  assert.equal(new TextDecoder().decode(small.bytes), "abc");
  const big = readFileBytes(join(box.ws, "big.txt"), "big.txt", 200_000, buffer, true);
  assert.ok(big.ok);
  assert.equal(big.bytes.length, 100_000);
  assert.notEqual(big.bytes.buffer, buffer.buffer);
  // Listed as a file, its size is not looked up first: reading one byte past the cap tells.
  const capped = readFileBytes(join(box.ws, "big.txt"), "big.txt", 50_000, buffer, true);
  assert.equal(!capped.ok && capped.error.kind, "too_large");
  assert.match(
    !capped.ok ? capped.error.message : "",
    /big\.txt is larger than the 48\.8 KB limit/,
  );
});
