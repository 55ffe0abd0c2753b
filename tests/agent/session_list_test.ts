import assert from "node:assert/strict";
import { join } from "node:path";
import { createSession, type Session } from "../../src/agent/session.ts";
import { latestSessionFor, listSessions } from "../../src/agent/session_list.ts";
import { cyclingRandom, steppingClock, withTempDir } from "./helpers.ts";

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1, 9, 0, 0);

function create(sessionsDir: string, cwd: string, now: () => number): Promise<Session> {
  return createSession({
    sessionsDir,
    cwd,
    model: "gpt-5.5",
    effort: "medium",
    version: "0.1.0",
    now,
    random: cyclingRandom([0.3]),
  });
}

/** A clock that stands still until moved. */
function settableClock(start: number): { now: () => number; set(ms: number): void } {
  let current = start;
  return { now: () => current, set: (ms) => current = ms };
}

/** Logs a whole turn the way the turn loop does. */
async function turn(session: Session, number: number, text: string, answer = "ok"): Promise<void> {
  await session.append({ type: "user_message", data: { text } });
  await session.append({
    type: "turn_started",
    data: { turn: number, model: "gpt-5.5", effort: "medium" },
  });
  await session.append({ type: "assistant_message", data: { model: "gpt-5.5", text: answer } });
  await session.append({ type: "turn_completed", data: { turn: number, status: "completed" } });
}

Deno.test("sessions are listed newest activity first, with title and turn count", async () => {
  await withTempDir(async (dir) => {
    const old = await create(dir, "/a", steppingClock(START, 60_000));
    await turn(old, 1, "  Fix the\n\tbuild   please  ");
    const busy = await create(dir, "/b", steppingClock(START + DAY));
    await turn(busy, 1, "x".repeat(200));
    await turn(busy, 2, "second");
    const clock = settableClock(START + 2 * DAY);
    const resumedLater = await create(dir, "/a", clock.now);
    const fresh = await create(dir, "/c", steppingClock(START + 3 * DAY));
    // Created before `fresh`, but used after it.
    clock.set(START + 5 * DAY);
    await turn(resumedLater, 1, "first words", "answer");
    await Deno.writeTextFile(join(dir, "notes.txt"), "not a session");
    await Deno.writeTextFile(join(dir, "not-an-id.ndjson"), "{}\n");

    const { sessions, skipped } = await listSessions(dir);
    assert.deepEqual(skipped, []);
    assert.deepEqual(sessions.map((s) => s.id), [resumedLater.id, fresh.id, busy.id, old.id]);
    const byId = new Map(sessions.map((s) => [s.id, s]));

    assert.deepEqual(byId.get(old.id), {
      id: old.id,
      cwd: "/a",
      model: "gpt-5.5",
      created: "2026-11-01T09:01:00.000Z",
      updated: "2026-11-01T09:05:00.000Z",
      title: "Fix the build please",
      turns: 1,
      path: old.path,
      fileTurns: [],
      undoneTurns: [],
    });
    const long = byId.get(busy.id)!;
    assert.equal(long.title, `${"x".repeat(79)}…`);
    assert.equal([...long.title].length, 80);
    assert.equal(long.turns, 2);
    assert.equal(byId.get(fresh.id)!.title, "");
    assert.equal(byId.get(fresh.id)!.turns, 0);
    assert.equal(byId.get(resumedLater.id)!.title, "first words");
  });
});

Deno.test("turns and last activity are found from the end of a long log", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir, "/a", steppingClock(START));
    await turn(session, 1, "one");
    await session.append({ type: "user_message", data: { text: "two" } });
    await session.append({
      type: "turn_started",
      data: { turn: 2, model: "gpt-5.5", effort: "medium" },
    });
    // Far more than one read block of output after the last turn marker.
    for (let i = 0; i < 4; i++) {
      await session.append({
        type: "tool_result",
        data: { call_id: `c${i}`, name: "read", ok: true, output: "y".repeat(50_000) },
      });
    }
    // A crash after the next user message, before its turn_started.
    await session.append({ type: "user_message", data: { text: "three" } });
    await Deno.writeTextFile(session.path, '{"torn":', { append: true });

    const [summary] = (await listSessions(dir)).sessions;
    assert.equal(summary.turns, 3);
    assert.equal(summary.updated, session.events.at(-1)!.ts);
    assert.equal(summary.title, "one");
  });
});

Deno.test("logs that do not start with session_started are reported, not listed", async () => {
  await withTempDir(async (dir) => {
    const good = await create(dir, "/a", steppingClock(START));
    const badPath = join(dir, "20261101-090000-zzzzzz.ndjson");
    await Deno.writeTextFile(badPath, "garbage\n");

    const { sessions, skipped } = await listSessions(dir);
    assert.deepEqual(sessions.map((s) => s.id), [good.id]);
    assert.deepEqual(skipped.map((s) => s.path), [badPath]);
    assert.match(skipped[0].reason, /session_started/);
  });
});

Deno.test("a missing sessions folder lists nothing", async () => {
  await withTempDir(async (dir) => {
    assert.deepEqual(await listSessions(join(dir, "none")), { sessions: [], skipped: [] });
  });
});

Deno.test("latestSessionFor picks the most recently used session of that workspace", async () => {
  await withTempDir(async (dir) => {
    const clock = settableClock(START);
    const older = await create(dir, "/a", clock.now);
    const newer = await create(dir, "/a", steppingClock(START + DAY));
    await create(dir, "/b", steppingClock(START + 3 * DAY));
    assert.equal((await latestSessionFor(dir, "/a"))?.id, newer.id);

    clock.set(START + 2 * DAY);
    await older.append({ type: "user_message", data: { text: "back to it" } });
    assert.equal((await latestSessionFor(dir, "/a"))?.id, older.id);
    assert.equal(await latestSessionFor(dir, "/nowhere"), null);
  });
});

Deno.test("the listed model is the latest turn's, even when that turn has many events", async () => {
  await withTempDir(async (dir) => {
    const clock = settableClock(START);
    const session = await create(dir, "/ws", clock.now);
    await turn(session, 1, "first");
    await session.append({ type: "user_message", data: { text: "switch" } });
    await session.append({
      type: "turn_started",
      data: { turn: 2, model: "gpt-5.4-mini", effort: "low" },
    });
    for (let i = 0; i < 50; i++) {
      await session.append({
        type: "assistant_message",
        data: { model: "gpt-5.4-mini", text: `step ${i}` },
      });
    }
    await session.append({ type: "turn_completed", data: { turn: 2, status: "completed" } });
    clock.set(START + 1000); // a different second, so a different id
    const fresh = await create(dir, "/ws", clock.now);

    const { sessions } = await listSessions(dir);

    const byId = new Map(sessions.map((s) => [s.id, s]));
    assert.equal(byId.get(session.id)?.model, "gpt-5.4-mini");
    assert.equal(byId.get(session.id)?.turns, 2);
    assert.equal(byId.get(fresh.id)?.model, "gpt-5.5", "before any turn, the starting model");
  });
});
