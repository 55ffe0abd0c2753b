import assert from "node:assert/strict";
import { describeReset, describeWait } from "../../src/quota/reset_time.ts";

/** 2026-01-01 01:13:20 UTC. */
const NOW_MS = 1_767_230_000_000;
const UTC = () => 0;

Deno.test("describeWait rounds to the minute and names the largest units", () => {
  const cases: [number, string][] = [
    [0, "1 min"],
    [20, "1 min"],
    [89, "1 min"],
    [91, "2 min"],
    [59 * 60, "59 min"],
    [3600, "1 h"],
    [13872, "3 h 51 min"],
    [23 * 3600 + 59 * 60, "23 h 59 min"],
    [86400, "1 d"],
    [2 * 86400 + 4 * 3600 + 20 * 60, "2 d 4 h"],
  ];
  for (const [seconds, expected] of cases) {
    assert.equal(describeWait(seconds), expected, `${seconds}`);
  }
});

Deno.test("describeReset gives the wait and the local clock time, rounded up to the minute", () => {
  // 01:13:20 + 3 h 51 min 12 s = 05:04:32 UTC.
  assert.equal(describeReset(13872, NOW_MS, UTC), "in 3 h 51 min, at 05:05");
  assert.equal(describeReset(13872, NOW_MS, () => 9 * 60 + 15), "in 3 h 51 min, at 14:20");
  assert.equal(describeReset(13872, NOW_MS, () => -8 * 60), "in 3 h 51 min, at 21:05");
});

Deno.test("describeReset names the date when the reset is a day or more away", () => {
  const wait = 2 * 86400 + 4 * 3600 + 20 * 60;
  assert.equal(describeReset(wait, NOW_MS, UTC), "in 2 d 4 h, on 2026-01-03 at 05:34");
  // West of Greenwich, the same instant is still the evening before.
  assert.equal(describeReset(wait, NOW_MS, () => -8 * 60), "in 2 d 4 h, on 2026-01-02 at 21:34");
});

Deno.test("describeReset asks for the offset at the reset, not now (daylight saving)", () => {
  const asked: number[] = [];
  const offset = (unixMs: number) => {
    asked.push(unixMs);
    return unixMs < NOW_MS + 3600_000 ? 60 : 120;
  };
  assert.equal(describeReset(2 * 3600, NOW_MS, offset), "in 2 h, at 05:14");
  assert.deepEqual(asked, [NOW_MS + 2 * 3600_000]);
});

Deno.test("describeReset treats a reset in the past as imminent", () => {
  assert.equal(describeReset(-300, NOW_MS, UTC), "in 1 min, at 01:14");
});
