import assert from "node:assert/strict";
import { join } from "node:path";
import type { FileSnapshotData } from "../../src/agent/event.ts";
import { sha256Hex, snapshotsIn } from "../../src/agent/file_snapshots.ts";
import { snapshotsDirOf } from "../../src/agent/session_dir.ts";
import { withUndoFixture } from "./undo_fixture.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("the first change of a file in a turn keeps its content, mode and hash", async () => {
  await withUndoFixture(async ({ session, turn, at, emitted }) => {
    await Deno.writeTextFile(at("a.txt"), "old\n", { mode: 0o640 });
    await Deno.chmod(at("a.txt"), 0o640);
    await turn([["write", { path: "a.txt", content: "new\n" }]]);

    const [snapshot] = snapshotsIn(session.events);
    assert.deepEqual(
      snapshot,
      {
        turn: 1,
        path: at("a.txt"),
        existed: true,
        blob: "1/1",
        size: 4,
        mode: 0o640,
      } satisfies FileSnapshotData,
    );
    const blob = join(snapshotsDirOf(session.path), "1/1");
    assert.equal(await Deno.readTextFile(blob), "old\n");
    assert.equal((await Deno.stat(blob)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(join(snapshotsDirOf(session.path), "1"))).mode! & 0o777, 0o700);

    const changed = session.events.find((e) => e.type === "file_changed");
    assert.deepEqual(changed?.data, {
      turn: 1,
      path: at("a.txt"),
      sha256: await sha256Hex(bytes("new\n")),
    });
    assert.deepEqual(emitted.map((e) => e.type), ["file_snapshot", "file_changed"]);
  });
});

Deno.test("the snapshot is logged before the change and only once per file and turn", async () => {
  await withUndoFixture(async ({ session, turn }) => {
    await turn([
      ["write", { path: "n.txt", content: "one\n" }],
      ["edit", { path: "n.txt", old_text: "one", new_text: "two" }],
    ]);
    await turn([["edit", { path: "n.txt", old_text: "two", new_text: "three" }]]);

    const types = session.events.map((e) => e.type).filter((t) => t.startsWith("file_"));
    assert.deepEqual(types, [
      "file_snapshot",
      "file_changed",
      "file_changed",
      "file_snapshot",
      "file_changed",
    ]);
    const [created, edited] = snapshotsIn(session.events);
    assert.equal(created.existed, false);
    assert.equal(created.blob, undefined);
    assert.equal(edited.turn, 2);
    assert.equal(edited.blob, "2/1");
    assert.equal(
      await Deno.readTextFile(join(snapshotsDirOf(session.path), "2/1")),
      "two\n",
    );
  });
});

Deno.test("a file above the size cap is recorded as not undoable, without a copy", async () => {
  await withUndoFixture(async ({ session, turn, at }) => {
    await Deno.writeTextFile(at("big.txt"), "0123456789\n");
    await turn([["write", { path: "big.txt", content: "small\n" }]]);

    const [snapshot] = snapshotsIn(session.events);
    assert.equal(snapshot.existed, true);
    assert.equal(snapshot.blob, undefined);
    assert.equal(snapshot.size, 11);
    assert.match(snapshot.not_undoable ?? "", /larger than 8 bytes/);
  }, 8);
});

Deno.test("reads and refused paths keep no snapshot", async () => {
  await withUndoFixture(async ({ session, turn, at }) => {
    await Deno.writeTextFile(at("r.txt"), "x\n");
    const [read, outside] = await turn([
      ["read", { path: "r.txt" }],
      ["write", { path: "../escape.txt", content: "x" }],
    ]);
    assert.equal(read.ok, true);
    assert.equal(outside.ok, false);
    assert.deepEqual(snapshotsIn(session.events), []);
  });
});

Deno.test("the turn in progress is the number of user messages logged", async () => {
  await withUndoFixture(async ({ session, turn }) => {
    assert.equal(session.turns, 0);
    await turn([]);
    await turn([]);
    assert.equal(session.turns, 2);
  });
});
