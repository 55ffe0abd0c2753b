import assert from "node:assert/strict";
import { join } from "node:path";
import { LockError, withLock } from "../../src/auth/file_lock.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import { startChild } from "./child.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the lock at `path` and keeps it until `release` is called; resolves once it is held. */
async function holdLock(path: string): Promise<{ held: Promise<void>; release: () => void }> {
  let release = () => {};
  let entered = () => {};
  const inside = new Promise<void>((resolve) => entered = resolve);
  const held = withLock(path, () => {
    entered();
    return new Promise<void>((resolve) => release = resolve);
  });
  // Waiting for the holder to be inside, not a fixed pause: a loaded machine may take longer.
  await inside;
  return { held, release: () => release() };
}

Deno.test("holders of the lock never overlap, even within one process", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "auth.json.lock");
  let inside = 0;
  let most = 0;
  let runs = 0;
  await Promise.all(
    [0, 1, 2, 3, 4].map(() =>
      withLock(path, async () => {
        inside += 1;
        most = Math.max(most, inside);
        await pause(20);
        runs += 1;
        inside -= 1;
      })
    ),
  );
  assert.equal(most, 1);
  assert.equal(runs, 5);
});

Deno.test("the lock file is created with mode 0600 and left in place", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "auth.json.lock");
  assert.equal(await withLock(path, () => Promise.resolve("done")), "done");
  const info = await Deno.stat(path);
  if (Deno.build.os !== "windows") assert.equal(info.mode! & 0o777, 0o600);
});

Deno.test("the lock is released when the holder throws", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "lock");
  await assert.rejects(withLock(path, () => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await withLock(path, () => Promise.resolve(1), { timeoutMs: 0 }), 1);
});

Deno.test("waiting is bounded: a held lock is a LockError naming the file", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "lock");
  const { held, release } = await holdLock(path);
  const started = Date.now();
  const error = await withLock(path, () => Promise.resolve(), { timeoutMs: 100 }).catch((e) => e);
  assert.ok(error instanceof LockError, String(error));
  assert.equal(error.path, path);
  assert.match(error.message, /held it for over 100 ms/);
  assert.ok(Date.now() - started >= 100);
  release();
  await held;
});

Deno.test("waiting stops when the caller aborts", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "lock");
  const { held, release } = await holdLock(path);
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("user pressed Ctrl+C")), 30);
  await assert.rejects(
    withLock(path, () => Promise.resolve(), { signal: controller.signal }),
    /Ctrl\+C/,
  );
  release();
  await held;
});

Deno.test("a lock file that cannot be opened is a LockError", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "missing-folder", "lock");
  await assert.rejects(withLock(path, () => Promise.resolve()), LockError);
});

Deno.test("the lock excludes another process until it lets go", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "auth.json.lock");
  await using child = startChild("hold_lock.ts", [path], [`--allow-read`, `--allow-write`]);
  await child.printed("locked");
  await assert.rejects(withLock(path, () => Promise.resolve(), { timeoutMs: 50 }), LockError);
  const acquired = withLock(path, () => Promise.resolve("mine"), { timeoutMs: 10_000 });
  await child.process.stdin.close();
  assert.equal(await acquired, "mine");
  await child.output();
});
