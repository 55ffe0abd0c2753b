import assert from "node:assert/strict";
import { createSession, type Session } from "../../src/agent/session.ts";
import { localDay, tokenTotals } from "../../src/agent/token_totals.ts";
import { cyclingRandom, withTempDir } from "./helpers.ts";

const HOUR = 3_600_000;
const DAY1 = Date.UTC(2026, 10, 23, 22, 30); // 23:30 at UTC+1, still the 23rd there

/** A clock that stands still until moved. */
function settableClock(start: number): { now: () => number; set(ms: number): void } {
  let current = start;
  return { now: () => current, set: (ms) => current = ms };
}

function create(sessionsDir: string, now: () => number, random: number): Promise<Session> {
  return createSession({
    sessionsDir,
    cwd: "/ws",
    model: "gpt-5.5",
    effort: "medium",
    version: "0.1.0",
    now,
    random: cyclingRandom([random]),
  });
}

async function call(session: Session, input: number, output: number): Promise<void> {
  await session.append({
    type: "usage",
    data: {
      model: "gpt-5.5",
      input_tokens: input,
      cached_tokens: input / 2,
      output_tokens: output,
      reasoning_tokens: 0,
      total_tokens: input + output,
    },
  });
}

const utcPlusOne = () => 60;

Deno.test("tokens are summed per session and per local day from the usage events", async () => {
  await withTempDir(async (dir) => {
    const clock = settableClock(DAY1);
    const a = await create(dir, clock.now, 0.1);
    await a.append({ type: "user_message", data: { text: "first task" } });
    await call(a, 100, 10);
    clock.set(DAY1 + 2 * HOUR); // the 24th, local time
    await call(a, 200, 20);
    const b = await create(dir, clock.now, 0.9);
    await call(b, 1000, 1);
    await create(dir, clock.now, 0.5); // no model call: not listed

    const totals = await tokenTotals(dir, { sinceMs: 0, utcOffset: utcPlusOne });

    assert.deepEqual(
      totals.sessions.map((s) => [s.id, s.title, s.model_calls, s.usage.total_tokens]).sort(),
      [[a.id, "first task", 2, 330], [b.id, "", 1, 1001]].sort(),
    );
    assert.deepEqual(totals.days, [
      {
        day: "2026-11-24",
        model_calls: 2,
        usage: {
          input_tokens: 1200,
          cached_tokens: 600,
          output_tokens: 21,
          reasoning_tokens: 0,
          total_tokens: 1221,
        },
      },
      {
        day: "2026-11-23",
        model_calls: 1,
        usage: {
          input_tokens: 100,
          cached_tokens: 50,
          output_tokens: 10,
          reasoning_tokens: 0,
          total_tokens: 110,
        },
      },
    ]);
    assert.deepEqual(totals.skipped, []);
  });
});

Deno.test("calls before the start of the period are left out", async () => {
  await withTempDir(async (dir) => {
    const clock = settableClock(DAY1);
    const a = await create(dir, clock.now, 0.1);
    await call(a, 100, 10);
    clock.set(DAY1 + 48 * HOUR);
    await call(a, 6, 4);
    const totals = await tokenTotals(dir, { sinceMs: DAY1 + HOUR, utcOffset: () => 0 });
    assert.deepEqual(totals.sessions.map((s) => s.usage.total_tokens), [10]);
    assert.deepEqual(totals.days.map((d) => d.day), ["2026-11-25"]);
  });
});

Deno.test("the local day follows the offset", () => {
  assert.equal(localDay(DAY1, () => 0), "2026-11-23");
  assert.equal(localDay(DAY1 + HOUR, () => 60), "2026-11-24");
  assert.equal(localDay(DAY1, () => -600), "2026-11-23");
});
