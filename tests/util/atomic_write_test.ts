import assert from "node:assert/strict";
import { join } from "node:path";
import { linkNewFile, removeStaleTemps, writeFileAtomic } from "../../src/util/atomic_write.ts";
import { sandbox } from "../tools/helpers.ts";

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name)).sort();
}

Deno.test("writeFileAtomic creates, then replaces, and counts UTF-8 bytes", async () => {
  await using box = await sandbox();
  const path = join(box.ws, "f.txt");
  assert.deepEqual(await writeFileAtomic(path, "héllo"), { created: true, bytes: 6 });
  assert.deepEqual(await writeFileAtomic(path, ""), { created: false, bytes: 0 });
  assert.equal(await Deno.readTextFile(path), "");
  assert.deepEqual(await names(box.ws), ["f.txt"]);
});

Deno.test("an existing file keeps exactly its mode, even bits the umask would clear", async () => {
  await using box = await sandbox({ "ws/shared.txt": "x" });
  const path = join(box.ws, "shared.txt");
  await Deno.chmod(path, 0o666);
  await writeFileAtomic(path, "y");
  assert.equal((await Deno.stat(path)).mode! & 0o7777, 0o666);
});

Deno.test("the old content is replaced by rename, so an open reader keeps the old file", async () => {
  await using box = await sandbox({ "ws/f.txt": "old" });
  const path = join(box.ws, "f.txt");
  const before = (await Deno.stat(path)).ino;
  await writeFileAtomic(path, "new");
  assert.notEqual((await Deno.stat(path)).ino, before);
});

Deno.test("a failure throws and leaves no temp file behind", async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.ws, "dir"));
  await assert.rejects(writeFileAtomic(join(box.ws, "dir"), "x"), Deno.errors.IsADirectory);
  await assert.rejects(writeFileAtomic(join(box.ws, "missing/f"), "x"), Deno.errors.NotFound);
  assert.deepEqual(await names(box.ws), ["dir"]);
});

Deno.test("an explicit mode is set exactly, on new and on existing files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fresh = `${dir}/fresh.json`;
    await writeFileAtomic(fresh, "{}", { mode: 0o600 });
    assert.equal((await Deno.stat(fresh)).mode! & 0o7777, 0o600);

    const existing = `${dir}/existing.json`;
    await Deno.writeTextFile(existing, "old");
    await Deno.chmod(existing, 0o644);
    await writeFileAtomic(existing, "new", { mode: 0o600 });
    assert.equal((await Deno.stat(existing)).mode! & 0o7777, 0o600);
    assert.equal(await Deno.readTextFile(existing), "new");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bytes are written as they are, even when they are not UTF-8", async () => {
  await using box = await sandbox();
  const path = join(box.ws, "blob.bin");
  const bytes = new Uint8Array([0xff, 0x00, 0xfe, 0x0a]);
  assert.deepEqual(await writeFileAtomic(path, bytes), { created: true, bytes: 4 });
  assert.deepEqual(await Deno.readFile(path), bytes);
});

Deno.test("stale temp files are swept; one a live writer holds locked, and other files, stay", async () => {
  await using box = await sandbox({ "ws/auth.json": "{}", "ws/.hidden.tmp": "not ours" });
  const stale = join(box.ws, ".auth.json.0b7f6a52-3c1d-4e2f-9a8b-123456789abc.tmp");
  const live = join(box.ws, ".quota.json.1c8e7b63-4d2e-4f30-8b9c-23456789abcd.tmp");
  await Deno.writeTextFile(stale, "half");
  await Deno.writeTextFile(live, "being written");
  using writer = await Deno.open(live, { read: true });
  await writer.lock(true);

  assert.deepEqual(await removeStaleTemps(box.ws), [stale]);
  assert.deepEqual(await names(box.ws), [".hidden.tmp", live.split("/").at(-1)!, "auth.json"]);
  assert.deepEqual(await removeStaleTemps(join(box.ws, "missing")), []);
});

Deno.test("linkNewFile creates the file whole with its mode, and never replaces one", async () => {
  await using box = await sandbox({ "ws/taken": "keep me" });
  const path = join(box.ws, "new.ndjson");
  await linkNewFile(path, new TextEncoder().encode("line\n"), 0o600);
  assert.equal(await Deno.readTextFile(path), "line\n");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  await assert.rejects(
    () => linkNewFile(join(box.ws, "taken"), new TextEncoder().encode("x"), 0o600),
    Deno.errors.AlreadyExists,
  );
  assert.equal(await Deno.readTextFile(join(box.ws, "taken")), "keep me");
  assert.deepEqual(await names(box.ws), ["new.ndjson", "taken"]);
});
