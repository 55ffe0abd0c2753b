import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { createSession, openSession, type Session } from "../../src/agent/session.ts";
import {
  AmbiguousSessionError,
  CorruptSessionError,
  SessionInUseError,
  UnknownSessionError,
} from "../../src/agent/session_error.ts";
import { cyclingRandom, steppingClock, withTempDir } from "./helpers.ts";

const START = Date.UTC(2026, 10, 24, 11, 13, 0);

function create(sessionsDir: string, random = cyclingRandom([0.5]), now = steppingClock(START)) {
  return createSession({
    sessionsDir,
    cwd: "/work/project",
    model: "gpt-5.5",
    effort: "medium",
    version: "0.1.0",
    now,
    random,
  });
}

async function fileLines(session: Session): Promise<string[]> {
  const text = await Deno.readTextFile(session.path);
  assert.ok(text.endsWith("\n"), "the log ends with a newline");
  return text.slice(0, -1).split("\n");
}

/** Opens the session again for writing, as a later process would once this one let go. */
const reopen = (session: Session) => {
  session.release();
  return openSession(dirname(session.path), session.id, { now: steppingClock(START + 3_600_000) });
};

Deno.test("create, append and reopen give back the same events", async () => {
  await withTempDir(async (dir) => {
    const sessionsDir = join(dir, "data", "sessions");
    const session = await create(sessionsDir);
    assert.equal(session.id, "20261124-111300-iiiiii");
    assert.equal(session.path, join(sessionsDir, `${session.id}.ndjson`));
    assert.deepEqual(session.started, {
      format: 1,
      cwd: "/work/project",
      model: "gpt-5.5",
      effort: "medium",
      pixir_version: "0.1.0",
    });

    const user = await session.append({ type: "user_message", data: { text: "hello" } });
    assert.deepEqual(user, {
      id: `${session.id}:1`,
      session_id: session.id,
      seq: 1,
      ts: "2026-11-24T11:13:02.000Z",
      type: "user_message",
      data: { text: "hello" },
    });
    await session.append({
      type: "turn_started",
      data: { turn: 1, model: "gpt-5.5", effort: "low" },
    });

    const lines = await fileLines(session);
    assert.equal(lines.length, 3);
    assert.deepEqual(lines.map((line) => JSON.parse(line)), session.events);
    assert.deepEqual(Object.keys(JSON.parse(lines[0])), [
      "id",
      "session_id",
      "seq",
      "ts",
      "type",
      "data",
    ]);
    assert.deepEqual(session.events.map((event) => event.seq), [0, 1, 2]);

    const reopened = await reopen(session);
    assert.deepEqual(reopened.events, session.events);
    assert.deepEqual(reopened.warnings, []);
    const next = await reopened.append({ type: "user_message", data: { text: "again" } });
    assert.equal(next.seq, 3);
    assert.equal(next.id, `${session.id}:3`);
    assert.equal((await fileLines(reopened)).length, 4);
  });
});

Deno.test({
  name: "the log is private: file 0600 in a folder 0700",
  ignore: Deno.build.os === "windows",
  fn: async () => {
    await withTempDir(async (dir) => {
      const sessionsDir = join(dir, "sessions");
      const session = await create(sessionsDir);
      assert.equal((await Deno.stat(session.path)).mode! & 0o777, 0o600);
      assert.equal((await Deno.stat(sessionsDir)).mode! & 0o777, 0o700);
    });
  },
});

Deno.test("appends made without waiting are written in call order", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    const texts = Array.from({ length: 20 }, (_, i) => `message ${i}`);
    const envelopes = await Promise.all(
      texts.map((text) => session.append({ type: "user_message", data: { text } })),
    );
    assert.deepEqual(envelopes.map((envelope) => envelope.seq), texts.map((_, i) => i + 1));
    const logged = (await fileLines(session)).slice(1).map((line) => JSON.parse(line).data.text);
    assert.deepEqual(logged, texts);
  });
});

Deno.test("flush waits for appends still in flight", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    const appended = session.append({ type: "user_message", data: { text: "in flight" } });
    await session.flush();
    assert.match(await Deno.readTextFile(session.path), /in flight/);
    await appended;
  });
});

Deno.test("a second session in the same second with the same random draw gets another id", async () => {
  await withTempDir(async (dir) => {
    const first = await create(dir, cyclingRandom([0]), () => START);
    const second = await create(
      dir,
      cyclingRandom([0, 0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]),
      () => START,
    );
    assert.equal(first.id, "20261124-111300-000000");
    assert.equal(second.id, "20261124-111300-iiiiii");
    assert.equal((await reopen(first)).events.length, 1);
  });
});

Deno.test("ephemeral envelopes have seq null and ids unique within the session", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    const delta = { type: "text_delta", data: { delta: "x" } } as const;
    const a = session.stamp(delta);
    const b = session.stamp(delta);
    await session.append({ type: "user_message", data: { text: "hi" } });
    const c = session.stamp(delta);
    assert.deepEqual([a.id, b.id, c.id], [
      `${session.id}:0.1`,
      `${session.id}:0.2`,
      `${session.id}:1.1`,
    ]);
    assert.equal(a.seq, null);
    assert.equal(a.session_id, session.id);
    assert.deepEqual({ type: a.type, data: a.data }, delta);
    assert.equal((await fileLines(session)).length, 2, "ephemeral events are never written");
  });
});

Deno.test("a half-written last line is skipped with a warning, and the next append stays valid", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await session.append({ type: "user_message", data: { text: "kept" } });
    await Deno.writeTextFile(session.path, '{"id":"x","session_id":"', { append: true });

    const reopened = await reopen(session);
    assert.deepEqual(reopened.events, session.events);
    assert.equal(reopened.warnings.length, 1);
    assert.match(
      reopened.warnings[0],
      new RegExp(`${session.id}\\.ndjson: skipped a half-written line 3`),
    );

    await reopened.append({ type: "user_message", data: { text: "after the crash" } });
    const again = await reopen(reopened);
    assert.deepEqual(again.warnings, []);
    assert.deepEqual(
      again.events.map((event) => event.type === "user_message" ? event.data.text : event.type),
      ["session_started", "kept", "after the crash"],
    );
    assert.deepEqual(again.events.map((event) => event.seq), [0, 1, 2]);
  });
});

Deno.test("a complete last line missing its newline is kept, and the next append starts a new line", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await session.append({ type: "user_message", data: { text: "one" } });
    const text = await Deno.readTextFile(session.path);
    await Deno.writeTextFile(session.path, text.slice(0, -1));

    const reopened = await reopen(session);
    assert.deepEqual(reopened.warnings, []);
    assert.equal(reopened.events.length, 2);
    await reopened.append({ type: "user_message", data: { text: "two" } });
    assert.equal((await reopen(reopened)).events.length, 3);
    assert.equal((await fileLines(reopened)).length, 3);
  });
});

Deno.test("a corrupt line before the last is an error naming the file and line", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await session.append({ type: "user_message", data: { text: "one" } });
    await session.append({ type: "user_message", data: { text: "two" } });
    const lines = await fileLines(session);

    const corrupt = async (replaced: string[], line: number, reason: RegExp) => {
      await Deno.writeTextFile(session.path, replaced.join("\n") + "\n");
      await assert.rejects(reopen(session), (error: unknown) => {
        assert.ok(error instanceof CorruptSessionError);
        assert.equal(error.path, session.path);
        assert.equal(error.line, line);
        assert.match(error.message, new RegExp(`^${session.path}:${line}: `));
        assert.match(error.message, reason);
        return true;
      });
    };
    await corrupt([lines[0], "{not json", lines[2]], 2, /not valid JSON/);
    await corrupt([lines[0], lines[2], lines[1]], 2, /seq 2 where 1 was expected/);
    await corrupt(
      [lines[0], lines[1].replaceAll(session.id, "other"), lines[2]],
      2,
      /another session/,
    );
    await corrupt([lines[1], lines[2]], 1, /seq 1 where 0 was expected/);
    await corrupt([], 1, /empty/);
  });
});

Deno.test("ids that could leave the sessions folder are unknown sessions", async () => {
  await withTempDir(async (dir) => {
    const sessionsDir = join(dir, "sessions");
    // A valid log just outside the sessions folder must stay unreachable.
    const outside = await create(dir);
    await Deno.mkdir(sessionsDir);
    const queries = [
      "..",
      `../${outside.id}`,
      `..%2f${outside.id}`,
      outside.path,
      "a/b",
      "a\\b",
      "",
    ];
    for (const query of queries) {
      await assert.rejects(
        openSession(sessionsDir, query, { now: Date.now }),
        UnknownSessionError,
        query,
      );
    }
  });
});

Deno.test("a session can be named by a unique prefix; unknown and ambiguous ones are errors", async () => {
  await withTempDir(async (dir) => {
    const a = await create(dir, cyclingRandom([0.1]), () => START);
    const b = await create(dir, cyclingRandom([0.2]), () => START);
    const c = await create(dir, cyclingRandom([0.2]), () => START + 86_400_000);
    assert.deepEqual([a.id, b.id, c.id], [
      "20261124-111300-333333",
      "20261124-111300-777777",
      "20261125-111300-777777",
    ]);

    const look = { now: Date.now, readOnly: true };
    assert.equal((await openSession(dir, "20261125", look)).id, c.id);
    assert.equal((await openSession(dir, "20261124-111300-3", look)).id, a.id);
    assert.equal((await openSession(dir, b.id, look)).id, b.id);

    await assert.rejects(
      openSession(dir, "20261124-111300-9", { now: Date.now }),
      (error: unknown) => {
        assert.ok(error instanceof UnknownSessionError);
        assert.equal(error.query, "20261124-111300-9");
        return true;
      },
    );
    await assert.rejects(openSession(dir, "20261124", { now: Date.now }), (error: unknown) => {
      assert.ok(error instanceof AmbiguousSessionError);
      assert.deepEqual(error.candidates, [a.id, b.id]);
      assert.match(error.message, new RegExp(`${a.id}, ${b.id}`));
      return true;
    });
  });
});

Deno.test("a missing sessions folder means no session", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      openSession(join(dir, "nope"), "2026", { now: Date.now }),
      UnknownSessionError,
    );
  });
});

Deno.test("a failed append rejects, keeps seq in step, and later appends still work", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    const saved = await Deno.readTextFile(session.path);
    await Deno.remove(session.path);
    await Deno.mkdir(session.path); // the log cannot be opened for writing now
    await assert.rejects(session.append({ type: "user_message", data: { text: "lost" } }));
    assert.equal(session.events.length, 1);

    await Deno.remove(session.path);
    await Deno.writeTextFile(session.path, saved);
    const next = await session.append({ type: "user_message", data: { text: "kept" } });
    assert.equal(next.seq, 1);
    assert.deepEqual((await reopen(session)).events, session.events);
  });
});

Deno.test("only one writer at a time: a second open for writing is refused until the first lets go", async () => {
  await withTempDir(async (dir) => {
    const session = await create(dir);
    await assert.rejects(
      openSession(dir, session.id, { now: Date.now }),
      (error: unknown) => error instanceof SessionInUseError && error.id === session.id,
    );
    const reader = await openSession(dir, session.id, { now: Date.now, readOnly: true });
    assert.deepEqual(reader.events, session.events, "a read-only view opens meanwhile");
    await assert.rejects(reader.append({ type: "user_message", data: { text: "x" } }), /read-only/);
    session.release();
    const next = await openSession(dir, session.id, { now: Date.now });
    await next.append({ type: "user_message", data: { text: "after" } });
    await assert.rejects(session.append({ type: "user_message", data: { text: "late" } }));
    next.release();
  });
});
