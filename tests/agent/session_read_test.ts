import assert from "node:assert/strict";
import { dirname } from "node:path";
import { createSession, openSession, type Session } from "../../src/agent/session.ts";
import type { CanonicalEvent } from "../../src/agent/event.ts";
import { foldHistory } from "../../src/agent/history.ts";
import { CorruptSessionError } from "../../src/agent/session_error.ts";
import { cyclingRandom, steppingClock, withTempDir } from "./helpers.ts";

const START = Date.UTC(2026, 10, 24, 11, 13, 0);

function create(sessionsDir: string): Promise<Session> {
  return createSession({
    sessionsDir,
    cwd: "/work/project",
    model: "gpt-5.5",
    effort: "medium",
    version: "0.1.0",
    now: steppingClock(START),
    random: cyclingRandom([0.25]),
  });
}

/** Appends a raw line as a newer Pixir would write it: an event type this one does not know. */
async function appendForeign(session: Session, seq: number, type: string): Promise<void> {
  const line = JSON.stringify({
    id: `${session.id}:${seq}`,
    session_id: session.id,
    seq,
    ts: "2026-11-24T12:00:00.000Z",
    type,
    data: { future: true },
  });
  await Deno.writeTextFile(session.path, `${line}\n`, { append: true });
}

async function turn(session: Session, n: number, text: string): Promise<void> {
  await session.append({ type: "user_message", data: { text: `prompt ${n}` } });
  await session.append({
    type: "turn_started",
    data: { turn: n, model: "gpt-5.5", effort: "low" },
  });
  await session.append({ type: "assistant_message", data: { model: "gpt-5.5", text } });
  await session.append({ type: "turn_completed", data: { turn: n, status: "completed" } });
}

const reopen = (session: Session, fromLastCompaction = false) => {
  session.release();
  return openSession(dirname(session.path), session.id, {
    now: steppingClock(START + 3_600_000),
    fromLastCompaction,
  });
};

Deno.test("a new log holds its first line from the start: it is never seen empty", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    const text = await Deno.readTextFile(session.path);
    assert.match(text, /^\{.*"type":"session_started".*\}\n$/);
    assert.equal((await Deno.stat(session.path)).mode! & 0o777, 0o600);
    const names = await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name);
    assert.deepEqual(
      names.sort(),
      [`${session.id}.ndjson`, `${session.id}.summary.json`],
      "no temp file is left beside it, only its summary",
    );
    session.release();
  });
});

Deno.test("events of unknown types are skipped with a note, keep their seq, and stay in the log", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await turn(session, 1, "one");
    await appendForeign(session, 5, "thought_v9");
    await appendForeign(session, 6, "thought_v9");

    for (const fromLastCompaction of [false, true]) {
      const reopened = await reopen(session, fromLastCompaction);
      assert.deepEqual(reopened.events.map((e) => e.seq), [0, 1, 2, 3, 4]);
      assert.equal(reopened.warnings.length, 1);
      assert.match(
        reopened.warnings[0],
        /skipped events this Pixir does not know \(thought_v9 ×2\)/,
      );
      reopened.release();
    }

    // The unknown last line is not taken for a torn one: nothing is cut, the next seq follows it.
    const again = await reopen(session);
    const appended = await again.append({ type: "user_message", data: { text: "after" } });
    assert.equal(appended.seq, 7);
    assert.equal(again.turns, 2);
    const lines = (await Deno.readTextFile(session.path)).trimEnd().split("\n");
    assert.equal(lines.length, 8);
    assert.match(lines[6], /thought_v9/);
    again.release();
  });
});

Deno.test("a known event with data of the wrong type before the last line is a corrupt log", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await turn(session, 1, "one");
    const lines = (await Deno.readTextFile(session.path)).trimEnd().split("\n");
    lines[2] = lines[2].replace('"turn":1', '"turn":"one"');
    await Deno.writeTextFile(session.path, `${lines.join("\n")}\n`);
    for (const fromLastCompaction of [false, true]) {
      await assert.rejects(
        () => reopen(session, fromLastCompaction),
        (error: unknown) => error instanceof CorruptSessionError && error.line === 3,
      );
    }
  });
});

Deno.test("reading from the last compaction folds the same history and continues the same seq", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    let n = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) await turn(session, ++n, `answer ${n}`);
      const through = session.events[session.events.length - 5].seq;
      const compaction: CanonicalEvent = {
        type: "compaction",
        data: {
          summary: `summary ${round}`,
          reason: "threshold",
          replaces_through_seq: through,
          model: "gpt-5.5",
          tokens_before: 1000,
        },
      };
      await session.append(compaction);
    }
    await turn(session, ++n, "last answer");
    // A torn last line is skipped the same way by both readings.
    await Deno.writeTextFile(session.path, '{"id":"torn', { append: true });

    const whole = await reopen(session);
    const wholeFold = foldHistory(whole.events, "gpt-5.5");
    const wholeState = { turns: whole.turns, warnings: whole.warnings };
    const window = await reopen(whole, true);
    assert.ok(window.events.length < whole.events.length / 3, "the window is a small part");
    assert.deepEqual(foldHistory(window.events, "gpt-5.5"), wholeFold);
    assert.deepEqual({ turns: window.turns, warnings: window.warnings }, {
      ...wholeState,
      warnings: wholeState.warnings.map((w) => w.replace(/line \d+/, "last line")),
    });
    const next = await window.append({ type: "user_message", data: { text: "more" } });
    assert.equal(next.seq, whole.events.length);
    window.release();
    const after = await openSession(dir, session.id, { now: () => START, readOnly: true });
    assert.deepEqual(after.warnings, [], "the torn line was cut before the append");
    assert.equal(after.events.at(-1)?.seq, next.seq);
  });
});

// Found by the fuzzer (tests/fuzz): damage inside the history a compaction replaced is not read by
// a resume, which starts from the compaction; what it does read must be exactly what was written.
Deno.test("damage in replaced history refuses the whole reading, but not a resume, which reads only whole lines", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    for (let n = 1; n <= 4; n++) await turn(session, n, `answer ${n}`);
    await session.append({
      type: "compaction",
      data: {
        summary: "s",
        reason: "manual",
        replaces_through_seq: session.events.at(-5)!.seq,
        model: "gpt-5.5",
        tokens_before: 1,
      },
    });
    await turn(session, 5, "after");
    const written = [...session.events];
    session.release();
    const lines = (await Deno.readTextFile(session.path)).trimEnd().split("\n");
    lines[6] = lines[6].replace('"turn":2', '"turn":{}');
    await Deno.writeTextFile(session.path, `${lines.join("\n")}\n`);

    await assert.rejects(
      () => openSession(dir, session.id, { now: () => START, readOnly: true }),
      (error: unknown) => error instanceof CorruptSessionError && error.line === 7,
    );
    const resumed = await openSession(dir, session.id, {
      now: () => START,
      readOnly: true,
      fromLastCompaction: true,
    });
    const bySeq = new Map(written.map((e) => [e.seq, e]));
    for (const event of resumed.events) assert.deepEqual(event, bySeq.get(event.seq));
    assert.equal(resumed.turns, 5);
  });
});

Deno.test("a log without a compaction read from the end is the whole reading, unusual ones too", async () => {
  const { readLogFromLastCompaction, readWholeLog } = await import(
    "../../src/agent/session_read.ts"
  );
  await withTempDir(async (dir) => {
    const session = await create(dir);
    const { id, path } = session;
    const same = async (what: string) => {
      const whole = await readWholeLog(id, path).catch((error) => error);
      const fromEnd = await readLogFromLastCompaction(id, path).catch((error) => error);
      assert.deepEqual(fromEnd, whole, what);
      return whole;
    };
    assert.equal((await same("only session_started")).events.length, 1);
    await turn(session, 1, "one");
    await appendForeign(session, 5, "future_event");
    const again = await reopen(session);
    await turn(again, 2, "two");
    const read = await same("turns and an unknown event");
    assert.equal(read.turns, 2);
    assert.equal(read.nextSeq, 10);
    assert.match(read.warnings.join("\n"), /future_event/);
    again.release();
    const intact = await Deno.readTextFile(path);
    await Deno.writeTextFile(path, `${intact}{"torn`);
    assert.match((await same("a torn last line")).warnings.join("\n"), /half-written line 11/);
    await Deno.writeTextFile(path, intact.replace("\n", '\n{"torn\n'));
    assert.ok((await same("a broken line inside")) instanceof CorruptSessionError);
    await Deno.writeTextFile(path, `\n${intact}`);
    assert.ok((await same("a line before session_started")) instanceof CorruptSessionError);
    const lines = intact.trimEnd().split("\n");
    const second = JSON.parse(lines[0]);
    second.seq = 1;
    second.id = `${id}:1`;
    await Deno.writeTextFile(
      path,
      [lines[0], JSON.stringify(second), ...lines.slice(2)].join("\n"),
    );
    assert.ok((await same("a second session_started")) instanceof CorruptSessionError);
  });
});

Deno.test("a preview reads a log's last turns from the end, and says when that is the whole log", async () => {
  const { readLogPreview } = await import("../../src/agent/session_read.ts");
  await withTempDir(async (dir) => {
    const session = await create(dir);
    for (let n = 1; n <= 5; n++) await turn(session, n, `answer ${n}`);
    const texts = (events: readonly CanonicalEvent[]) =>
      events.flatMap((e) => e.type === "user_message" ? [e.data.text] : []);
    const last = await readLogPreview(session.id, session.path, 2);
    assert.equal(last?.whole, false);
    assert.equal(last?.state.events[0].type, "session_started");
    assert.deepEqual(texts(last?.state.events ?? []), ["prompt 4", "prompt 5"]);
    assert.deepEqual(last?.state.events.slice(1).map((e) => e.seq), [
      13,
      14,
      15,
      16,
      17,
      18,
      19,
      20,
    ]);
    assert.equal(last?.state.nextSeq, 21);
    const all = await readLogPreview(session.id, session.path, 9);
    assert.equal(all?.whole, true);
    assert.equal(all?.state.events.length, 21);
    // A compaction within the last turns starts the preview.
    await session.append({
      type: "compaction",
      data: {
        summary: "## Goal\nship",
        reason: "manual",
        replaces_through_seq: 20,
        model: "gpt-5.5",
        tokens_before: 1000,
      },
    });
    await turn(session, 6, "answer 6");
    const compacted = await readLogPreview(session.id, session.path, 3);
    assert.equal(compacted?.state.events[1].type, "compaction");
    assert.deepEqual(texts(compacted?.state.events ?? []), ["prompt 6"]);
    session.release();
  });
});
