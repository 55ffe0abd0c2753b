import assert from "node:assert/strict";
import { join } from "node:path";
import { quotaGuard, quotaStop } from "../../src/quota/guard.ts";
import { loadQuota } from "../../src/quota/store.ts";
import { stopMessage } from "../../src/quota/text.ts";
import type { QuotaSnapshot } from "../../src/quota/snapshot.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const NOW = Date.UTC(2026, 10, 24, 12, 0);
const RESET = NOW / 1000 + 43 * 60;

function snapshot(primary: number, secondary = 1): QuotaSnapshot {
  return {
    observed_at: NOW / 1000,
    primary: { used_percent: primary, window_minutes: 300, resets_at: RESET },
    secondary: { used_percent: secondary, window_minutes: 10080 },
  };
}

async function setup(stopAtPercent?: number) {
  const dir = await tempWorkspace();
  const stderr: string[] = [];
  const options = {
    now: () => NOW,
    warn: (message: string) => void stderr.push(message),
    quotaFile: join(dir.path, "quota.json"),
    alertsFile: join(dir.path, "quota_alerts.json"),
    stopAtPercent,
    utcOffset: () => 0,
  };
  return { dir, stderr, options };
}

Deno.test("quotaStop picks a window at or above the line and ignores one that has reset", () => {
  assert.equal(quotaStop(null, 80, NOW / 1000), null);
  assert.equal(quotaStop(snapshot(79.9), 80, NOW / 1000), null);
  assert.equal(quotaStop(snapshot(80), 80, NOW / 1000)?.slot, "primary");
  assert.equal(quotaStop(snapshot(10, 92), 90, NOW / 1000)?.slot, "secondary");
  assert.equal(quotaStop(snapshot(99), 80, RESET + 1), null, "the figure predates the reset");
});

Deno.test("a snapshot is cached, and 80 % is warned once across guards", async () => {
  const { dir, stderr, options } = await setup();
  await using _ = dir;

  const first = await quotaGuard(options);
  await first.observe(snapshot(82));
  assert.deepEqual((await loadQuota(options.quotaFile)).snapshot, snapshot(82));
  assert.deepEqual(stderr, [
    "80% of the 5-hour quota reached: 82% used, resets in 43 min, at 12:43",
  ]);

  const second = await quotaGuard(options); // a later run
  await second.observe(snapshot(82));
  assert.equal(stderr.length, 1, "not warned twice");
  await second.observe(snapshot(96));
  assert.equal(stderr.length, 2);
  assert.match(stderr[1], /95% of the 5-hour quota reached: 96% used/);
});

Deno.test("a cache that cannot be written is one warning, never a failure", async () => {
  const { dir, stderr, options } = await setup();
  await using _ = dir;
  await Deno.mkdir(options.quotaFile); // a folder where the file should be
  const guard = await quotaGuard(options);
  await guard.observe(snapshot(10));
  await guard.observe(snapshot(11));
  assert.equal(stderr.length, 1);
  assert.match(stderr[0], /^could not save .*quota\.json: /);
});

Deno.test("--stop-at-quota stops from the cached snapshot before any call", async () => {
  const { dir, options } = await setup(90);
  await using _ = dir;
  await Deno.writeTextFile(options.quotaFile, JSON.stringify(snapshot(91)));
  const guard = await quotaGuard(options);
  const stop = guard.stop();
  assert.equal(stop?.slot, "primary");
  assert.equal(stop?.window.used_percent, 91);
  assert.equal(
    stopMessage(stop!.window, 90),
    "stopped before the next request: the 5-hour quota is at 91% (--stop-at-quota 90)",
  );
});

Deno.test("--stop-at-quota lets a call through below the line and stops the next one past it", async () => {
  const { dir, options } = await setup(90);
  await using _ = dir;
  const guard = await quotaGuard(options);
  assert.equal(guard.stop(), null);
  await guard.observe(snapshot(95));
  assert.equal(guard.stop()?.slot, "primary");
});

Deno.test("without --stop-at-quota nothing is ever stopped", async () => {
  const { dir, options } = await setup();
  await using _ = dir;
  const guard = await quotaGuard(options);
  await guard.observe(snapshot(100, 100));
  assert.equal(guard.stop(), null);
});
