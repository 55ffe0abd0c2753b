import assert from "node:assert/strict";
import { join } from "node:path";
import { quotaGuard, quotaStop } from "../../src/cli/quota_guard.ts";
import { loadQuota } from "../../src/config/quota_file.ts";
import type { ModelEvent } from "../../src/provider/model_event.ts";
import type { QuotaSnapshot } from "../../src/provider/quota.ts";
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

async function* modelCall(events: ModelEvent[]): AsyncIterable<ModelEvent> {
  yield* events;
}

async function collect(events: AsyncIterable<ModelEvent>): Promise<ModelEvent[]> {
  const all: ModelEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const DONE: ModelEvent = { type: "done", status: "completed", usage: null };

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

Deno.test("events pass through, the quota is cached, and 80 % is warned once across guards", async () => {
  const { dir, stderr, options } = await setup();
  await using _ = dir;
  const events: ModelEvent[] = [{ type: "quota", snapshot: snapshot(82) }, DONE];

  const first = await quotaGuard(options);
  assert.deepEqual(await collect(first.call(() => modelCall(events))), events);
  assert.deepEqual((await loadQuota(options.quotaFile)).snapshot, snapshot(82));
  assert.deepEqual(stderr, [
    "80% of the 5-hour quota reached: 82% used, resets in 43 min, at 12:43",
  ]);

  const second = await quotaGuard(options); // a later run
  await collect(second.call(() => modelCall(events)));
  assert.equal(stderr.length, 1, "not warned twice");
  await collect(second.call(() => modelCall([{ type: "quota", snapshot: snapshot(96) }, DONE])));
  assert.equal(stderr.length, 2);
  assert.match(stderr[1], /95% of the 5-hour quota reached: 96% used/);
});

Deno.test("--stop-at-quota refuses the call from the cached snapshot without calling the model", async () => {
  const { dir, options } = await setup(90);
  await using _ = dir;
  await Deno.writeTextFile(options.quotaFile, JSON.stringify(snapshot(91)));
  let called = false;
  const guard = await quotaGuard(options);
  const events = await collect(guard.call(() => {
    called = true;
    return modelCall([DONE]);
  }));
  assert.equal(called, false);
  assert.equal(events.length, 1);
  const [failed] = events;
  assert.ok(failed.type === "failed");
  assert.equal(failed.error.kind, "usage_limit");
  assert.equal(failed.error.code, "stop_at_quota");
  assert.equal(failed.error.resets_at, RESET);
  assert.match(failed.error.message, /5-hour quota is at 91% \(--stop-at-quota 90\)/);
});

Deno.test("--stop-at-quota lets a call through below the line and stops the next one past it", async () => {
  const { dir, options } = await setup(90);
  await using _ = dir;
  const guard = await quotaGuard(options);
  const first = await collect(
    guard.call(() => modelCall([{ type: "quota", snapshot: snapshot(95) }, DONE])),
  );
  assert.equal(first.at(-1)?.type, "done");
  const second = await collect(guard.call(() => modelCall([DONE])));
  assert.equal(second[0].type, "failed");
});
