import assert from "node:assert/strict";
import { join } from "node:path";
import { loadQuota, quotaFilePath, saveQuota } from "../../src/quota/store.ts";
import type { QuotaSnapshot } from "../../src/quota/snapshot.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const SNAPSHOT: QuotaSnapshot = {
  observed_at: 1_767_230_000,
  plan: "plus",
  active_limit: "premium",
  primary: { used_percent: 100, window_minutes: 300, resets_at: 1767243600 },
  secondary: { used_percent: 80, window_minutes: 10080 },
  credits: { has_credits: false, unlimited: false },
};

const POSIX = Deno.build.os !== "windows";

Deno.test("a saved snapshot loads back equal, from a 0600 file in a 0700 folder", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "data", "pixir", "quota.json");
  await saveQuota(path, SNAPSHOT);
  assert.deepEqual(await loadQuota(path), { snapshot: SNAPSHOT });
  if (POSIX) {
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(join(dir.path, "data", "pixir"))).mode! & 0o777, 0o700);
  }
});

Deno.test("a second save replaces the first and leaves no temp file behind", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "quota.json");
  await saveQuota(path, SNAPSHOT);
  const later = { observed_at: SNAPSHOT.observed_at + 60, plan: "pro" };
  await saveQuota(path, later);
  assert.deepEqual(await loadQuota(path), { snapshot: later });
  assert.deepEqual(await Array.fromAsync(Deno.readDir(dir.path), (entry) => entry.name), [
    "quota.json",
  ]);
  if (POSIX) assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
});

Deno.test("no file is no snapshot and no problem", async () => {
  await using dir = await tempWorkspace();
  assert.deepEqual(await loadQuota(join(dir.path, "quota.json")), { snapshot: null });
});

Deno.test("a corrupt cache is no snapshot, with the reason and the path", async () => {
  await using dir = await tempWorkspace({
    "truncated.json": '{"observed_at": 17672',
    "wrong.json": JSON.stringify({ ...SNAPSHOT, primary: { used_percent: "full" } }),
  });
  const truncated = join(dir.path, "truncated.json");
  assert.deepEqual(await loadQuota(truncated), {
    snapshot: null,
    problem: `${truncated} is not JSON`,
  });
  const wrong = join(dir.path, "wrong.json");
  assert.deepEqual(await loadQuota(wrong), {
    snapshot: null,
    problem: `${wrong}: invalid primary.used_percent`,
  });
});

Deno.test("an unreadable cache (a folder in its place) is no snapshot, with the reason", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "quota.json");
  await Deno.mkdir(path);
  const read = await loadQuota(path);
  assert.equal(read.snapshot, null);
  assert.match(read.problem ?? "", /^cannot read .*quota\.json/);
});

Deno.test("the cache lives in the data folder", () => {
  const paths = { configDir: "/c/pixir", dataDir: "/d/pixir", sessionsDir: "/d/pixir/sessions" };
  assert.equal(quotaFilePath(paths), join("/d/pixir", "quota.json"));
});
