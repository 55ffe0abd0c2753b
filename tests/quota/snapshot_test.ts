import assert from "node:assert/strict";
import { checkQuotaSnapshot, parseQuota, type QuotaSnapshot } from "../../src/quota/snapshot.ts";
import { QUOTA_HEADERS } from "../fakes/fixtures.ts";

/** 2026-01-01 01:13:20 UTC. */
const NOW_MS = 1_767_230_000_000;
const NOW_S = 1_767_230_000;

/** The header block of J.3d's 429, as the reference spells it. */
async function j3dHeaders(): Promise<Headers> {
  const url = new URL("../fakes/testdata/j3d_usage_limit.http", import.meta.url);
  const [head] = (await Deno.readTextFile(url)).split(/\r?\n\r?\n/);
  const headers = new Headers();
  for (const line of head.split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return headers;
}

Deno.test("J.1's headers on a 200 stream become both windows", () => {
  assert.deepEqual(parseQuota(new Headers(QUOTA_HEADERS), NOW_MS), {
    observed_at: NOW_S,
    primary: { used_percent: 12.5, window_minutes: 300, resets_at: 1767243600 },
    secondary: { used_percent: 3, window_minutes: 10080 },
  });
});

Deno.test("J.3d's 429 headers give the plan, the active limit and a spent primary window", async () => {
  assert.deepEqual(parseQuota(await j3dHeaders(), NOW_MS), {
    observed_at: NOW_S,
    plan: "plus",
    active_limit: "premium",
    primary: { used_percent: 100, window_minutes: 300, resets_at: 1767243600 },
    secondary: { used_percent: 80, window_minutes: 10080 },
  });
});

Deno.test("reset-after-seconds stands in for a missing reset-at; reset-at wins when both come", () => {
  const after = parseQuota(
    new Headers({
      "x-codex-primary-used-percent": "40",
      "x-codex-primary-reset-after-seconds": "600",
    }),
    NOW_MS,
  );
  assert.deepEqual(after?.primary, { used_percent: 40, resets_at: NOW_S + 600 });
  const both = parseQuota(
    new Headers({
      "x-codex-secondary-used-percent": "40",
      "x-codex-secondary-reset-at": "1767300000",
      "x-codex-secondary-reset-after-seconds": "600",
    }),
    NOW_MS,
  );
  assert.equal(both?.secondary?.resets_at, 1767300000);
});

Deno.test("a window at 0 % with no length and no reset is ignored", () => {
  const snapshot = parseQuota(
    new Headers({
      "x-codex-plan-type": "pro",
      "x-codex-primary-used-percent": "0",
      "x-codex-secondary-used-percent": "0",
      "x-codex-secondary-window-minutes": "10080",
    }),
    NOW_MS,
  );
  assert.deepEqual(snapshot, {
    observed_at: NOW_S,
    plan: "pro",
    secondary: { used_percent: 0, window_minutes: 10080 },
  });
});

Deno.test("credit flags read true/false/1/0 in any case; anything else is skipped", () => {
  const cases: [string, boolean | undefined][] = [
    ["True", true],
    ["false", false],
    ["FALSE", false],
    ["1", true],
    ["0", false],
    ["yes", undefined],
  ];
  for (const [value, expected] of cases) {
    const snapshot = parseQuota(
      new Headers({ "x-codex-credits-has-credits": value, "x-codex-credits-unlimited": "False" }),
      NOW_MS,
    );
    assert.equal(snapshot?.credits?.has_credits, expected, value);
    assert.equal(snapshot?.credits?.unlimited, false);
  }
});

Deno.test("no quota headers at all is null, not an empty snapshot", () => {
  assert.equal(parseQuota(new Headers(), NOW_MS), null);
  assert.equal(
    parseQuota(new Headers({ "content-type": "text/event-stream", "x-request-id": "r" }), NOW_MS),
    null,
  );
  assert.equal(parseQuota(new Headers({ "x-codex-primary-used-percent": "0" }), NOW_MS), null);
});

Deno.test("unparseable numbers are skipped, not turned into NaN or 0", () => {
  const snapshot = parseQuota(
    new Headers({
      "x-codex-primary-used-percent": "lots",
      "x-codex-secondary-used-percent": " 7.25 ",
      "x-codex-secondary-window-minutes": "-5",
      "x-codex-secondary-reset-at": "",
    }),
    NOW_MS,
  );
  assert.deepEqual(snapshot, { observed_at: NOW_S, secondary: { used_percent: 7.25 } });
});

const STORED: QuotaSnapshot = {
  observed_at: NOW_S,
  plan: "plus",
  active_limit: "premium",
  primary: { used_percent: 100, window_minutes: 300, resets_at: 1767243600 },
  secondary: { used_percent: 80 },
  credits: { has_credits: false, unlimited: false },
};

Deno.test("a stored snapshot passes its check unchanged, minus unknown fields", () => {
  assert.deepEqual(checkQuotaSnapshot(STORED), { ok: true, snapshot: STORED });
  assert.deepEqual(checkQuotaSnapshot({ ...STORED, extra: 1 }), { ok: true, snapshot: STORED });
});

Deno.test("a stored snapshot with a field of the wrong type fails, naming the field", () => {
  const cases: [unknown, string][] = [
    [null, "not a JSON object"],
    [[STORED], "not a JSON object"],
    [{ plan: "plus" }, "observed_at is missing or invalid"],
    [{ ...STORED, plan: 5 }, "invalid plan"],
    [{ ...STORED, primary: "full" }, "invalid primary"],
    [{ ...STORED, primary: { window_minutes: 300 } }, "invalid primary.used_percent"],
    [
      { ...STORED, secondary: { used_percent: 1, resets_at: "soon" }, credits: { unlimited: 1 } },
      "invalid secondary.resets_at, credits.unlimited",
    ],
  ];
  for (const [value, problem] of cases) {
    assert.deepEqual(checkQuotaSnapshot(value), { ok: false, problem }, JSON.stringify(value));
  }
});
