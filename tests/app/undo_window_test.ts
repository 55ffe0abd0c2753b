import assert from "node:assert/strict";
import { undoTurn } from "../../src/app/undo.ts";
import { withUndoFixture } from "../agent/undo_fixture.ts";
import { openSession, type Session } from "../../src/agent/session.ts";

async function started(session: Session, turn: number): Promise<void> {
  await session.append({ type: "turn_started", data: { turn, model: "gpt-test", effort: "low" } });
}

Deno.test("undo reads the log back to the turn it undoes, not the turns before it", async () => {
  await withUndoFixture(async ({ session, paths, turn, at }) => {
    await started(session, 1);
    await turn([["write", { path: "a.txt", content: "one\n" }]]);
    await started(session, 2);
    await turn([["write", { path: "b.txt", content: "two\n" }]]);
    await session.flush();
    // Damage turn 1's lines in place: a reading of the whole log would refuse the session.
    const text = await Deno.readTextFile(session.path);
    const lines = text.split("\n");
    const index = lines.findIndex((l) => l.includes('"file_snapshot"'));
    lines[index] = "#".repeat(lines[index].length);
    await Deno.writeTextFile(session.path, lines.join("\n"));

    const data = await undoTurn(session, { dryRun: false, force: false }, paths);

    assert.equal(data.turn, 2);
    assert.deepEqual(data.deleted, [at("b.txt")]);
    assert.equal(await Deno.readTextFile(at("a.txt")), "one\n");
  });
});

Deno.test("with nothing left to undo, the reason is the whole log's", async () => {
  await withUndoFixture(async ({ session, paths, turn }) => {
    await started(session, 1);
    await turn([["write", { path: "a.txt", content: "one\n" }]]);
    await started(session, 2);
    await turn([]);
    await undoTurn(session, { dryRun: false, force: false }, paths);
    await assert.rejects(
      () => undoTurn(session, { dryRun: false, force: false }, paths),
      /every turn that changed files was already undone/,
    );
    await assert.rejects(
      () => undoTurn(session, { turn: 2, dryRun: false, force: false }, paths),
      /turn 2 changed no file/,
    );
    await assert.rejects(
      () => undoTurn(session, { turn: 1, dryRun: false, force: false }, paths),
      /turn 1 was already undone/,
    );
  });
});

Deno.test("a session opened from its last compaction still undoes a turn before it", async () => {
  await withUndoFixture(async ({ session, sessionsDir, paths, turn, at }) => {
    await started(session, 1);
    await turn([["write", { path: "a.txt", content: "one\n" }]]);
    await session.append({
      type: "compaction",
      data: {
        summary: "wrote a.txt",
        reason: "threshold",
        replaces_through_seq: session.events.at(-1)!.seq,
        model: "gpt-test",
        tokens_before: 1000,
      },
    });
    await session.append({ type: "user_message", data: { text: "just talk" } });
    await started(session, 2);
    await session.flush();
    session.release();
    const reopened = await openSession(sessionsDir, session.id, {
      now: () => Date.UTC(2026, 10, 24, 12),
      fromLastCompaction: true,
    });
    assert.equal(reopened.events.some((e) => e.type === "file_snapshot"), false);

    const data = await undoTurn(reopened, { dryRun: false, force: false }, paths);

    assert.equal(data.turn, 1);
    assert.deepEqual(data.deleted, [at("a.txt")]);
    reopened.release();
  });
});
