import assert from "node:assert/strict";
import { join } from "node:path";
import type { UndoData } from "../../src/agent/event.ts";
import {
  applyUndo,
  plannedUndo,
  planUndo,
  type UndoFiles,
  type UndoPlan,
} from "../../src/agent/undo.ts";
import type { Session } from "../../src/agent/session.ts";
import { snapshotsDirOf } from "../../src/agent/session_dir.ts";
import { withUndoFixture } from "./undo_fixture.ts";

/** Plans an undo that must be possible, and returns the plan. */
async function plan(session: Session, files: UndoFiles, request = {}): Promise<UndoPlan> {
  const outcome = await planUndo(session, files, request);
  assert.ok(outcome.ok, outcome.ok ? "" : outcome.message);
  return outcome.plan;
}

/** Plans and applies an undo that must be possible. */
async function undo(session: Session, files: UndoFiles, request = {}): Promise<UndoData> {
  return await applyUndo(session, await plan(session, files, request), files);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("undo deletes a created file, restores an edited and an overwritten one, and logs it", async () => {
  await withUndoFixture(async ({ session, files, turn, at }) => {
    await Deno.writeTextFile(at("edited.txt"), "alpha\nbeta\n");
    await Deno.writeTextFile(at("over.sh"), "#!/bin/sh\necho hi\n");
    await Deno.chmod(at("over.sh"), 0o750);
    await turn([
      ["write", { path: "dir/created.txt", content: "new\n" }],
      ["edit", { path: "edited.txt", old_text: "beta", new_text: "gamma" }],
      ["write", { path: "over.sh", content: "replaced\n" }],
    ]);
    await Deno.chmod(at("over.sh"), 0o600);

    const data = await undo(session, files);

    assert.deepEqual(data, {
      turn: 1,
      restored: [at("edited.txt"), at("over.sh")],
      deleted: [at("dir/created.txt")],
      skipped: [],
    });
    assert.equal(await exists(at("dir/created.txt")), false);
    assert.equal(await Deno.readTextFile(at("edited.txt")), "alpha\nbeta\n");
    assert.equal(await Deno.readTextFile(at("over.sh")), "#!/bin/sh\necho hi\n");
    assert.equal((await Deno.stat(at("over.sh"))).mode! & 0o777, 0o750);
    assert.deepEqual(session.events.at(-1)?.type, "undo");
    assert.deepEqual(session.events.at(-1)?.data, data);
  });
});

Deno.test("a dry run lists what would be done and changes nothing", async () => {
  await withUndoFixture(async ({ session, files, turn, at }) => {
    await Deno.writeTextFile(at("e.txt"), "one\n");
    await turn([
      ["write", { path: "c.txt", content: "x\n" }],
      ["edit", { path: "e.txt", old_text: "one", new_text: "two" }],
    ]);
    const before = session.events.length;

    const data = plannedUndo(await plan(session, files));

    assert.deepEqual(data, {
      turn: 1,
      restored: [at("e.txt")],
      deleted: [at("c.txt")],
      skipped: [],
    });
    assert.equal(await Deno.readTextFile(at("e.txt")), "two\n");
    assert.equal(await exists(at("c.txt")), true);
    assert.equal(session.events.length, before);
  });
});

Deno.test("a file changed after the turn is skipped unless forced", async () => {
  await withUndoFixture(async ({ session, files, turn, at }) => {
    await Deno.writeTextFile(at("e.txt"), "one\n");
    await turn([
      ["edit", { path: "e.txt", old_text: "one", new_text: "two" }],
      ["write", { path: "c.txt", content: "x\n" }],
    ]);
    await Deno.writeTextFile(at("e.txt"), "two, then edited by hand\n");
    await Deno.remove(at("c.txt"));

    const skipped = await plan(session, files);
    assert.deepEqual(plannedUndo(skipped).skipped, [
      { path: at("e.txt"), reason: "it changed after the turn" },
    ]);
    // The created file is already gone: nothing left to do for it.
    assert.equal(skipped.actions.length, 1);

    const data = await undo(session, files, { force: true });
    assert.deepEqual(data.restored, [at("e.txt")]);
    assert.equal(await Deno.readTextFile(at("e.txt")), "one\n");
  });
});

Deno.test("--turn undoes an earlier turn; a file a later turn changed again is skipped", async () => {
  await withUndoFixture(async ({ session, files, turn, at }) => {
    await turn([
      ["write", { path: "a.txt", content: "a1\n" }],
      ["write", { path: "b.txt", content: "b1\n" }],
    ]);
    await turn([["write", { path: "b.txt", content: "b2\n" }]]);

    const data = await undo(session, files, { turn: 1 });

    assert.deepEqual(data.deleted, [at("a.txt")]);
    assert.deepEqual(data.skipped, [
      { path: at("b.txt"), reason: "turn 2 changed it again" },
    ]);
    assert.equal(await Deno.readTextFile(at("b.txt")), "b2\n");
  });
});

Deno.test("undo goes back one turn at a time and refuses to undo a turn twice", async () => {
  await withUndoFixture(async ({ session, files, turn, at }) => {
    await turn([["write", { path: "f.txt", content: "v1\n" }]]);
    await turn([["write", { path: "f.txt", content: "v2\n" }]]);

    assert.equal((await undo(session, files)).turn, 2);
    assert.equal(await Deno.readTextFile(at("f.txt")), "v1\n");
    assert.equal((await undo(session, files)).turn, 1);
    assert.equal(await exists(at("f.txt")), false);

    assert.deepEqual(await planUndo(session, files), {
      ok: false,
      message: "nothing to undo: every turn that changed files was already undone",
    });
    assert.deepEqual(await planUndo(session, files, { turn: 2 }), {
      ok: false,
      message: "turn 2 was already undone",
      forceTurn: 2,
    });
  });
});

Deno.test("nothing to undo in a session whose turns changed no file", async () => {
  await withUndoFixture(async ({ session, files, turn }) => {
    await turn([["ls", { path: "." }]]);
    assert.deepEqual(await planUndo(session, files), {
      ok: false,
      message: "nothing to undo: no turn of this session changed a file with write or edit",
    });
    assert.deepEqual(await planUndo(session, files, { turn: 1 }), {
      ok: false,
      message: "nothing to undo: turn 1 changed no file with write or edit",
    });
  });
});

Deno.test("a failed edit leaves nothing to undo for its file", async () => {
  await withUndoFixture(async ({ session, files, turn, at }) => {
    await Deno.writeTextFile(at("e.txt"), "one\n");
    const [edit] = await turn([["edit", { path: "e.txt", old_text: "absent", new_text: "x" }]]);
    assert.equal(edit.ok, false);
    assert.deepEqual((await plan(session, files)).actions, []);
  });
});

Deno.test("a file too large to keep is reported as not undoable", async () => {
  await withUndoFixture(async ({ session, files, turn, at }) => {
    await Deno.writeTextFile(at("big.txt"), "0123456789\n");
    await turn([["write", { path: "big.txt", content: "small\n" }]]);
    const data = await undo(session, files);
    assert.equal(data.skipped.length, 1);
    assert.match(data.skipped[0].reason, /^not undoable: larger than 8 bytes/);
    assert.equal(await Deno.readTextFile(at("big.txt")), "small\n");
  }, 8);
});

Deno.test("a missing kept copy is reported, and the file is left alone", async () => {
  await withUndoFixture(async ({ session, files, turn, at }) => {
    await Deno.writeTextFile(at("e.txt"), "one\n");
    await turn([["write", { path: "e.txt", content: "two\n" }]]);
    await Deno.remove(join(snapshotsDirOf(session.path), "1/1"));

    const data = await undo(session, files);

    assert.deepEqual(data.skipped, [
      { path: at("e.txt"), reason: "its kept copy is missing from the session's data" },
    ]);
    assert.equal(await Deno.readTextFile(at("e.txt")), "two\n");
  });
});

Deno.test("a file deleted after the turn, folder and all, is put back only when forced", async () => {
  await withUndoFixture(async ({ session, files, turn, at }) => {
    await Deno.mkdir(at("sub"));
    await Deno.writeTextFile(at("sub/e.txt"), "one\n");
    await turn([["write", { path: "sub/e.txt", content: "two\n" }]]);
    await Deno.remove(at("sub"), { recursive: true });

    assert.deepEqual(plannedUndo(await plan(session, files)).skipped, [
      {
        path: at("sub/e.txt"),
        reason: "it was deleted after the turn",
      },
    ]);
    assert.deepEqual((await undo(session, files, { force: true })).restored, [at("sub/e.txt")]);
    assert.equal(await Deno.readTextFile(at("sub/e.txt")), "one\n");
  });
});
