import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeText, readTextFile } from "../../src/tools/text_file.ts";
import type { ToolContext } from "../../src/tools/tool.ts";
import type { WorkspacePath } from "../../src/tools/workspace.ts";
import { sandbox } from "./helpers.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

/** A tool context confined to `workspace` (a real path). */
function context(workspace: string): ToolContext {
  return { workspace, signal: new AbortController().signal };
}

/** `name` inside `workspace`, as confinement would resolve it. */
function inside(workspace: string, name: string): WorkspacePath {
  return { ok: true, path: join(workspace, name), relative: name };
}

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

Deno.test("readTextFile refuses special files, which could block forever", async () => {
  await using box = await sandbox();
  const fifo = join(box.ws, "pipe");
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success);
  const result = await readTextFile(context(box.ws), inside(box.ws, "pipe"));
  assert.deepEqual(result, {
    ok: false,
    error: {
      kind: "special_file",
      message:
        "pipe is a FIFO (named pipe), not a regular file; file tools never open FIFOs, sockets or devices",
      details: { path: "pipe" },
    },
  });
});

Deno.test("readTextFile applies the size cap it is given", async () => {
  await using box = await sandbox({ "ws/f.txt": "12345" });
  const ctx = context(box.ws);
  const file = inside(box.ws, "f.txt");
  assert.deepEqual(await readTextFile(ctx, file, 5), { ok: true, text: "12345", size: 5 });
  const result = await readTextFile(ctx, file, 4);
  assert.equal(!result.ok && result.error.kind, "too_large");
});
