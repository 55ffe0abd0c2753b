import assert from "node:assert/strict";
import { join } from "node:path";
import {
  dueAlerts,
  loadQuotaAlerts,
  type QuotaAlert,
  rememberAlerts,
  saveQuotaAlerts,
} from "../../src/quota/alerts.ts";
import type { QuotaSnapshot } from "../../src/quota/snapshot.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const RESET = 1_800_000_000;

function snapshot(primary: number, secondary?: number): QuotaSnapshot {
  return {
    observed_at: RESET - 3600,
    primary: { used_percent: primary, window_minutes: 300, resets_at: RESET },
    ...(secondary === undefined
      ? {}
      : { secondary: { used_percent: secondary, window_minutes: 10080, resets_at: RESET + 1 } }),
  };
}

const slots = (alerts: QuotaAlert[]) => alerts.map((a) => [a.slot, a.threshold]);

Deno.test("below 80 % nothing is due; at 80 % and 95 % the highest crossed threshold is", () => {
  assert.deepEqual(dueAlerts(snapshot(79.9, 10), []), []);
  assert.deepEqual(slots(dueAlerts(snapshot(80, 10), [])), [["primary", 80]]);
  assert.deepEqual(slots(dueAlerts(snapshot(97, 95), [])), [["primary", 95], ["secondary", 95]]);
});

Deno.test("a crossing already warned in the same window is not due again; a higher one is", () => {
  const warned = dueAlerts(snapshot(85), []);
  assert.deepEqual(dueAlerts(snapshot(90), warned), []);
  assert.deepEqual(slots(dueAlerts(snapshot(96), warned)), [["primary", 95]]);
  const afterHigh = rememberAlerts(warned, dueAlerts(snapshot(96), warned), RESET - 10);
  assert.deepEqual(dueAlerts(snapshot(99), afterHigh), []);
});

Deno.test("the next window (another reset time) warns afresh", () => {
  const warned = dueAlerts(snapshot(85), []);
  const next: QuotaSnapshot = {
    observed_at: RESET,
    primary: { used_percent: 81, window_minutes: 300, resets_at: RESET + 18_000 },
  };
  assert.deepEqual(slots(dueAlerts(next, warned)), [["primary", 80]]);
});

Deno.test("remembered crossings of windows that have reset are dropped", () => {
  const old: QuotaAlert = { slot: "primary", resets_at: 100, threshold: 80 };
  const unknown: QuotaAlert = { slot: "secondary", resets_at: null, threshold: 95 };
  const added: QuotaAlert = { slot: "primary", resets_at: 300, threshold: 80 };
  assert.deepEqual(rememberAlerts([old, unknown], [added], 200), [unknown, added]);
});

Deno.test("the alerts file round-trips, and a missing or broken one reads as nothing warned", async () => {
  await using dir = await tempWorkspace();
  const path = join(dir.path, "data/quota_alerts.json");
  assert.deepEqual(await loadQuotaAlerts(path), []);
  const alerts: QuotaAlert[] = [{ slot: "primary", resets_at: RESET, threshold: 80 }];
  await saveQuotaAlerts(path, alerts);
  assert.deepEqual(await loadQuotaAlerts(path), alerts);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  await Deno.writeTextFile(path, "{not json");
  assert.deepEqual(await loadQuotaAlerts(path), []);
  await Deno.writeTextFile(path, JSON.stringify({ warned: [{ slot: "weird" }, alerts[0]] }));
  assert.deepEqual(await loadQuotaAlerts(path), alerts);
});
