import assert from "node:assert/strict";
import { createSession, openSession, type Session } from "../../src/agent/session.ts";
import { listSessions } from "../../src/agent/session_list.ts";
import { currentSummary, summaryPathOf } from "../../src/agent/session_summary.ts";
import { cyclingRandom, steppingClock, withTempDir } from "./helpers.ts";

const START = Date.UTC(2026, 10, 1, 9, 0, 0);

function create(sessionsDir: string): Promise<Session> {
  return createSession({
    sessionsDir,
    cwd: "/w",
    model: "gpt-5.5",
    effort: "medium",
    version: "0.1.0",
    now: steppingClock(START),
    random: cyclingRandom([0.3]),
  });
}

/** A whole turn as the turn loop logs it, flushed as the turn loop does at its end. */
async function turn(session: Session, n: number, changesFile = false): Promise<void> {
  await session.append({ type: "user_message", data: { text: `prompt ${n}` } });
  await session.append({ type: "turn_started", data: { turn: n, model: `m${n}`, effort: "low" } });
  if (changesFile) {
    await session.append({
      type: "file_snapshot",
      data: { turn: n, path: "/w/a.txt", existed: false, size: 0, mode: null },
    });
  }
  await session.append({ type: "turn_completed", data: { turn: n, status: "completed" } });
  await session.flush();
}

/** A log line of session `id` as a writer would append it. */
function line(id: string, seq: number, type: string, data: unknown): string {
  const ts = new Date(START + 3_600_000 + seq * 1000).toISOString();
  return JSON.stringify({ id: `${id}:${seq}`, session_id: id, seq, ts, type, data }) + "\n";
}

async function savedSummary(session: Session): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(summaryPathOf(session.path)));
}

Deno.test("the writer keeps the summary beside the log, covering every flushed line", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    assert.equal((await savedSummary(session)).turns, 0, "saved when the log is created");
    await turn(session, 1, true);
    await turn(session, 2);
    const saved = await savedSummary(session);
    assert.equal(saved.logBytes, (await Deno.stat(session.path)).size);
    assert.equal(saved.turns, 2);
    assert.equal(saved.model, "m2");
    assert.equal(saved.title, "prompt 1");
    assert.deepEqual(saved.fileTurns, [1]);
    const current = await currentSummary(session.id, session.path);
    assert.ok(typeof current !== "string");
    assert.equal(current.stale, false);
  });
});

Deno.test("a listing of sessions whose summaries are current reads no log", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await turn(session, 1);
    session.release();
    // The log's bytes replaced with others of the same length and time: a listing that read the
    // log would now skip it as broken.
    const info = await Deno.stat(session.path);
    await Deno.writeTextFile(session.path, "x".repeat(info.size));
    await Deno.utime(session.path, info.atime!, info.mtime!);
    const { sessions, skipped } = await listSessions(dir);
    assert.deepEqual(skipped, []);
    assert.equal(sessions[0].turns, 1);
    assert.equal(sessions[0].title, "prompt 1");
  });
});

Deno.test("lines appended after the summary (a writer killed mid-turn) are folded in and saved", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await turn(session, 1);
    session.release();
    const covered = (await savedSummary(session)).logBytes as number;
    await Deno.writeTextFile(
      session.path,
      line(session.id, 4, "user_message", { text: "later" }) +
        line(session.id, 5, "turn_started", { turn: 2, model: "m9", effort: "low" }) +
        line(session.id, 6, "undo", { turn: 1, restored: [], deleted: [], skipped: [] }) +
        '{"torn', // a torn last line is not covered: the next append cuts it off
      { append: true },
    );
    const listed = (await listSessions(dir)).sessions[0];
    assert.equal(listed.turns, 2);
    assert.equal(listed.model, "m9");
    assert.deepEqual(listed.undoneTurns, [1]);
    const saved = await savedSummary(session);
    assert.ok((saved.logBytes as number) > covered);
    assert.equal(saved.logBytes, (await Deno.stat(session.path)).size - '{"torn'.length);
    assert.equal(saved.nextSeq, 7);
  });
});

Deno.test("a missing, damaged or foreign summary is rebuilt from the log", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await turn(session, 1, true);
    session.release();
    const good = await Deno.readTextFile(summaryPathOf(session.path));
    const damaged = [
      null, // missing
      good.slice(0, good.length / 2), // torn by a power cut
      good.replace('"turns":1', '"turns":"one"'), // a wrong type
      good.replaceAll(session.id, "20261101-090000-zzzzzz"), // another session's
      good.replace(/"logBytes":\d+/, '"logBytes":999999'), // longer than the log: it was cut
    ];
    for (const text of damaged) {
      if (text === null) await Deno.remove(summaryPathOf(session.path));
      else await Deno.writeTextFile(summaryPathOf(session.path), text);
      const listed = (await listSessions(dir)).sessions[0];
      assert.equal(listed.turns, 1, String(text));
      assert.deepEqual(listed.fileTurns, [1]);
      assert.equal(await Deno.readTextFile(summaryPathOf(session.path)), good, String(text));
    }
  });
});

Deno.test("a log edited in place (same size, another time) is summarized again", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await turn(session, 1);
    session.release();
    const text = await Deno.readTextFile(session.path);
    await Deno.writeTextFile(session.path, text.replace("prompt 1", "prompt X"));
    const info = await Deno.stat(session.path);
    await Deno.utime(session.path, info.atime!, new Date(info.mtime!.getTime() + 5000));
    assert.equal((await listSessions(dir)).sessions[0].title, "prompt X");
  });
});

Deno.test("a session reopened for writing goes on keeping its summary", async () => {
  await withTempDir(async (dir) => {
    const first = await create(dir);
    await turn(first, 1);
    first.release();
    const again = await openSession(dir, first.id, {
      now: steppingClock(START + 3_600_000),
      fromLastCompaction: true,
    });
    await turn(again, 2, true);
    const saved = await savedSummary(again);
    assert.equal(saved.turns, 2);
    assert.deepEqual(saved.fileTurns, [2]);
    assert.equal(saved.logBytes, (await Deno.stat(again.path)).size);
    again.release();
  });
});
