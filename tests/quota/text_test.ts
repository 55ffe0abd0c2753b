import assert from "node:assert/strict";
import { describeWindow, windowName } from "../../src/quota/text.ts";

const utc = () => 0;

Deno.test("a window is named by its length", () => {
  assert.equal(windowName({ used_percent: 1, window_minutes: 300 }), "5-hour");
  assert.equal(windowName({ used_percent: 1, window_minutes: 10080 }), "7-day");
  assert.equal(windowName({ used_percent: 1, window_minutes: 45 }), "45-min");
  assert.equal(windowName({ used_percent: 1 }), "window");
});

Deno.test("a window is described with its use and its reset", () => {
  const now = Date.UTC(2026, 10, 24, 12, 0);
  assert.equal(describeWindow({ used_percent: 82 }, now, utc), "82% used");
  assert.equal(
    describeWindow({ used_percent: 82, resets_at: now / 1000 + 43 * 60 }, now, utc),
    "82% used, resets in 43 min, at 12:43",
  );
  assert.equal(
    describeWindow({ used_percent: 99, resets_at: now / 1000 - 60 }, now, utc),
    "99% used (the window has reset since)",
  );
});
