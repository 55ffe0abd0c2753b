import assert from "node:assert/strict";
import { parseDuration } from "../../src/util/duration.ts";

Deno.test("durations: seconds, units and sums; anything else is null", () => {
  assert.equal(parseDuration("90"), 90_000);
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("30m"), 1_800_000);
  assert.equal(parseDuration("2h"), 7_200_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("1d"), 86_400_000);
  for (const bad of ["", "0", "0s", "soon", "2x", "h2", "2h soon", "-1h", "1h-"]) {
    assert.equal(parseDuration(bad), null, bad);
  }
});
