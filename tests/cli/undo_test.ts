import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { hintedSessionId, jsonObject, sandbox } from "./helpers.ts";

/** A model that makes each call in turn, one per response, then answers. */
function calls(...made: [name: string, args: Record<string, unknown>][]) {
  return [
    ...made.map(([name, args], i) => ({
      sse: toolCallAnswer({ name, arguments: JSON.stringify(args), callId: `call_${i}` }),
    })),
    { sse: textAnswer("Done.") },
  ];
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("pixir undo restores what a run's write and edit calls changed, and the log tells it", async () => {
  await using box = await sandbox({ "app.txt": "version 1\n", "keep.txt": "mine\n" });
  await using server = startResponsesServer({
    script: calls(
      ["write", { path: "notes/new.txt", content: "created\n" }],
      ["edit", { path: "app.txt", old_text: "version 1", new_text: "version 2" }],
      ["write", { path: "keep.txt", content: "overwritten\n" }],
    ),
  });
  const ran = await box.run(["run", "change some files"], { server });
  assert.equal(ran.code, 0, ran.stderr);
  const id = hintedSessionId(ran.stderr);
  assert.equal(await Deno.readTextFile(`${box.workspace}/app.txt`), "version 2\n");

  const dry = await box.run(["undo", "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(
    dry.stdout,
    [
      "undo of turn 1 would:",
      "  restore       app.txt",
      "  restore       keep.txt",
      "  delete        notes/new.txt",
      "note: changes made by shell commands are not covered: only the write and edit tools are undone.",
      "",
    ].join("\n"),
  );
  assert.equal(await Deno.readTextFile(`${box.workspace}/app.txt`), "version 2\n");

  const undone = await box.run(["undo", id, "--json"]);
  assert.equal(undone.code, 0, undone.stderr);
  const report = jsonObject(undone.stdout);
  assert.deepEqual(report.restored, [`${box.workspace}/app.txt`, `${box.workspace}/keep.txt`]);
  assert.deepEqual(report.deleted, [`${box.workspace}/notes/new.txt`]);
  assert.deepEqual(report.skipped, []);
  assert.equal(report.dry_run, false);
  assert.match(String(report.note), /shell commands are not covered/);
  assert.equal(await Deno.readTextFile(`${box.workspace}/app.txt`), "version 1\n");
  assert.equal(await Deno.readTextFile(`${box.workspace}/keep.txt`), "mine\n");
  assert.equal(await exists(`${box.workspace}/notes/new.txt`), false);

  const log = await box.log(id);
  assert.deepEqual(log.at(-1)?.type, "undo");
  const snapshotsDir = `${box.sessionsDir}/${id}.snapshots`;
  assert.equal((await Deno.stat(snapshotsDir)).mode! & 0o777, 0o700);
  const blobs = log.flatMap((e) => e.type === "file_snapshot" && e.data.blob ? [e.data.blob] : []);
  assert.deepEqual(blobs, ["1/2", "1/3"]);
  assert.equal(await Deno.readTextFile(`${snapshotsDir}/1/2`), "version 1\n");
  assert.equal((await Deno.stat(`${snapshotsDir}/1/2`)).mode! & 0o777, 0o600);

  const exported = await box.run(["export", id]);
  assert.match(exported.stdout, /### Undo of turn 1\n\n- restored `[^`]*app\.txt`/);

  const again = await box.run(["undo"]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /every turn that changed files was already undone/);
});

Deno.test("pixir undo skips a file changed after the turn, and --turn picks an earlier turn", async () => {
  await using box = await sandbox({ "a.txt": "a0\n" });
  await using first = startResponsesServer({
    script: calls(["edit", { path: "a.txt", old_text: "a0", new_text: "a1" }]),
  });
  const ran = await box.run(["run", "edit a"], { server: first });
  assert.equal(ran.code, 0, ran.stderr);
  const id = hintedSessionId(ran.stderr);
  await using second = startResponsesServer({
    script: calls(["write", { path: "b.txt", content: "b\n" }]),
  });
  assert.equal((await box.run(["resume", id, "write b"], { server: second })).code, 0);
  await Deno.writeTextFile(`${box.workspace}/a.txt`, "a1 and a hand edit\n");

  const skipped = await box.run(["undo", "--turn", "1"]);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(
    skipped.stdout,
    /^undid turn 1:\n {2}skipped {7}a\.txt: it changed after the turn\n/,
  );
  assert.match(
    skipped.stdout,
    new RegExp(`to restore the skipped files anyway: pixir undo ${id} --turn 1 --force\n`),
  );
  assert.equal(await Deno.readTextFile(`${box.workspace}/a.txt`), "a1 and a hand edit\n");
  assert.equal(await exists(`${box.workspace}/b.txt`), true);

  const forced = await box.run(["undo", "--turn", "1", "--force"]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(await Deno.readTextFile(`${box.workspace}/a.txt`), "a0\n");

  const bad = await box.run(["undo", "--turn", "zero"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--turn: "zero" is not a turn number/);
});

Deno.test("pixir undo --help says shell commands are not covered", async () => {
  await using box = await sandbox();
  const help = await box.run(["undo", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Changes made by shell commands \(bash\) are NOT covered/);
});

/** Runs a hint printed by Pixir exactly as printed (it starts with `pixir `). */
function hintArgs(hint: string): string[] {
  assert.match(hint, /^pixir /);
  return hint.slice("pixir ".length).split(" ");
}

Deno.test("the --force hint after a skip is a command that restores that same turn", async () => {
  await using box = await sandbox({ "hello.txt": "hello\n" });
  await using server = startResponsesServer({
    script: calls(["write", { path: "hello.txt", content: "model\n" }]),
  });
  assert.equal((await box.run(["run", "change hello"], { server })).code, 0);
  await Deno.writeTextFile(`${box.workspace}/hello.txt`, "hand edit\n");

  const skipped = await box.run(["undo"]);
  assert.equal(skipped.code, 0, skipped.stderr);
  const hint = skipped.stdout.match(/to restore the skipped files anyway: (.+)\n/)?.[1];
  assert.ok(hint, skipped.stdout);

  const forced = await box.run(hintArgs(hint));
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(await Deno.readTextFile(`${box.workspace}/hello.txt`), "hello\n");

  // Undone now: asking again names the command that would undo it once more, which works too.
  const again = await box.run(hintArgs(hint).slice(0, 4));
  assert.equal(again.code, 2);
  const redo = again.stderr.match(/to undo it again: (.+)\n/)?.[1];
  assert.ok(redo, again.stderr);
  assert.equal((await box.run(hintArgs(redo))).code, 0);
});

Deno.test("pixir undo without an id finds this workspace's session that has a turn to undo", async () => {
  await using box = await sandbox({ "a.txt": "a0\n" });
  await using editing = startResponsesServer({
    script: calls(["write", { path: "a.txt", content: "a1\n" }]),
  });
  const ran = await box.run(["run", "edit a"], { server: editing });
  const editId = hintedSessionId(ran.stderr);
  // A later session that changed nothing must not hide the earlier one.
  await using talking = startResponsesServer({ script: [{ sse: textAnswer("Just talk.") }] });
  const talked = await box.run(["run", "just talk"], { server: talking });
  assert.notEqual(hintedSessionId(talked.stderr), editId);

  const undone = await box.run(["undo", "--json"]);

  assert.equal(undone.code, 0, undone.stderr);
  assert.equal(JSON.parse(undone.stdout).session_id, editId);
  assert.equal(await Deno.readTextFile(`${box.workspace}/a.txt`), "a0\n");
});
