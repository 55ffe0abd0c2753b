import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { assertNoStackTrace, hintedSessionId, type Sandbox, sandbox } from "./helpers.ts";

/** Runs `n` prompts, each in a new session; returns their ids, oldest first. */
async function sessionsMade(box: Sandbox, n: number): Promise<string[]> {
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const result = await box.run(["run", `task ${i}`], { server });
    assert.equal(result.code, 0, result.stderr);
    ids.push(hintedSessionId(result.stderr));
  }
  return ids;
}

/** Moves every timestamp of a session's log back to 2020, as if it had not been used since. */
async function age(box: Sandbox, id: string): Promise<void> {
  const path = join(box.sessionsDir, `${id}.ndjson`);
  const text = await Deno.readTextFile(path);
  await Deno.writeTextFile(path, text.replace(/"ts":"\d{4}-/g, '"ts":"2020-'));
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("sessions rm removes the named sessions with their undo copies, and nothing else", async () => {
  await using box = await sandbox();
  const [a, b, c] = await sessionsMade(box, 3);
  await Deno.mkdir(join(box.sessionsDir, `${a}.snapshots`, "1"), { recursive: true });

  const result = await box.run(["sessions", "rm", a, b]);

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, new RegExp(`removed session ${a}\\nremoved session ${b}\\n`));
  assert.deepEqual(await box.sessionIds(), [c]);
  assert.equal(await exists(join(box.sessionsDir, `${a}.snapshots`)), false);
});

Deno.test("sessions rm refuses a prefix, an unknown id or none, removes nothing, lists nothing", async () => {
  await using box = await sandbox();
  const ids = await sessionsMade(box, 2);
  for (
    const args of [["rm", "2026"], ["rm", ids[0], "20990101-000000-zzzzzz"], ["rm", "../x"]]
  ) {
    const result = await box.run(["sessions", ...args]);
    assert.equal(result.code, 2, `${args}: ${result.stderr}`);
    assert.equal(result.stdout, "", "no listing");
    assert.match(result.stderr, /no session has the id .*\n\s+give full ids.*nothing was removed/);
    assertNoStackTrace(result.stderr);
  }
  const none = await box.run(["sessions", "rm"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /sessions rm: give the id of each session to remove/);
  assert.deepEqual(await box.sessionIds(), [...ids].sort());
});

Deno.test("sessions rm refuses a session in use and leaves it whole", async () => {
  await using box = await sandbox();
  const [id] = await sessionsMade(box, 1);
  using held = await Deno.open(join(box.sessionsDir, `${id}.ndjson`), { read: true });
  await held.lock(true);

  const result = await box.run(["sessions", "rm", id]);

  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, new RegExp(`session ${id} is in use by another Pixir process`));
  assert.deepEqual(await box.sessionIds(), [id]);
});

Deno.test("sessions with an unknown subcommand or argument is a usage error, exit 2", async () => {
  await using box = await sandbox();
  for (const args of [["bogus"], ["prune", "extra", "--older-than", "3"], ["repair"]]) {
    const result = await box.run(["sessions", ...args]);
    assert.equal(result.code, 2, `${args}: ${result.stderr}`);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^pixir: sessions/);
    assert.match(result.stderr, /pixir sessions --help/);
  }
  for (const days of ["-1", "two", "1.5"]) {
    const result = await box.run(["sessions", "prune", "--older-than", days]);
    assert.equal(result.code, 2, `${days}: ${result.stderr}`);
  }
});

Deno.test("sessions prune removes this workspace's sessions idle for DAYS; --dry-run only lists", async () => {
  await using box = await sandbox();
  const [old, recent, busy] = await sessionsMade(box, 3);
  await age(box, old);
  await age(box, busy);
  using held = await Deno.open(join(box.sessionsDir, `${busy}.ndjson`), { read: true });
  await held.lock(true);

  const dry = await box.run(["sessions", "prune", "--older-than", "30", "--dry-run", "--json"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(JSON.parse(dry.stdout), {
    // Newest activity first, as every listing: `busy` was made after `old` (aging keeps the time
    // of day; ids of one second differ only by their random part, so they cannot order them).
    removed: [busy, old],
    kept_in_use: [],
  });
  assert.deepEqual(await box.sessionIds(), [old, recent, busy].sort());

  const result = await box.run(["sessions", "prune", "--older-than", "30"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${old}\n`);
  assert.match(result.stderr, new RegExp(`kept ${busy}: in use`));
  assert.match(result.stderr, /removed 1 session with no activity for 30 days/);
  assert.deepEqual(await box.sessionIds(), [recent, busy].sort());
});

Deno.test("sessions repair cuts a torn last line, keeps a backup, and says what it did", async () => {
  await using box = await sandbox();
  const [id] = await sessionsMade(box, 1);
  const path = join(box.sessionsDir, `${id}.ndjson`);
  const whole = await Deno.readTextFile(path);
  const lines = whole.trimEnd().split("\n").length;
  await Deno.writeTextFile(path, '{"id":"torn","sess', { append: true });

  const listed = await box.run(["sessions", "--json"]);
  assert.equal(JSON.parse(listed.stdout).length, 1, "a torn log is still listed");

  const result = await box.run(["sessions", "repair", id]);

  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    new RegExp(
      `removed a half-written last line \\(line ${lines + 1}, 18 bytes: not valid JSON\\)`,
    ),
  );
  const backup = /the log as it was is in (\S+)/.exec(result.stdout)?.[1];
  assert.ok(backup, result.stdout);
  assert.equal(await Deno.readTextFile(backup), `${whole}{"id":"torn","sess`);
  assert.equal(await Deno.readTextFile(path), whole);
  assert.deepEqual(await box.sessionIds(), [id], "the backup is not a session");

  const again = await box.run(["sessions", "repair", id]);
  assert.equal(again.code, 0);
  assert.match(again.stdout, new RegExp(`session ${id}: nothing to repair \\(${lines} events`));
});

Deno.test("sessions repair refuses a log damaged before its last line, naming the line", async () => {
  await using box = await sandbox();
  const [id] = await sessionsMade(box, 1);
  const path = join(box.sessionsDir, `${id}.ndjson`);
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  lines[1] = "garbage";
  await Deno.writeTextFile(path, `${lines.join("\n")}\n`);

  const result = await box.run(["sessions", "repair", id]);

  assert.equal(result.code, 1);
  assert.match(result.stderr, new RegExp(`cannot repair .*${id}\\.ndjson:2: not valid JSON`));
  assert.match(result.stderr, /fixed by hand/);
  assertNoStackTrace(result.stderr);
});

Deno.test("a log with events a newer Pixir wrote is listed and resumed, the unknown ones kept", async () => {
  await using box = await sandbox();
  const [id] = await sessionsMade(box, 1);
  const path = join(box.sessionsDir, `${id}.ndjson`);
  const seq = (await Deno.readTextFile(path)).trimEnd().split("\n").length;
  const foreign = JSON.stringify({
    id: `${id}:${seq}`,
    session_id: id,
    seq,
    ts: new Date().toISOString(),
    type: "memory_note",
    data: { text: "from a newer version" },
  });
  await Deno.writeTextFile(path, `${foreign}\n`, { append: true });

  const listed = await box.run(["sessions", "--json"]);
  assert.deepEqual(JSON.parse(listed.stdout).map((s: { id: string }) => s.id), [id]);

  await using server = startResponsesServer({ script: [{ sse: textAnswer("resumed fine") }] });
  const resumed = await box.run(["resume", id, "go on"], { server });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.stdout, "resumed fine\n");
  assert.match(resumed.stderr, /skipped events this Pixir does not know \(memory_note\)/);
  const after = (await Deno.readTextFile(path)).trimEnd().split("\n");
  assert.equal(after[seq], foreign, "the unknown event keeps its place");
  assert.equal(JSON.parse(after[seq + 1]).seq, seq + 1);
});

Deno.test("a temp file a killed write left in Pixir's home is swept at the next start", async () => {
  await using box = await sandbox();
  const stale = join(box.home, ".auth.json.0b7f6a52-3c1d-4e2f-9a8b-123456789abc.tmp");
  await Deno.writeTextFile(stale, '{"half');
  const result = await box.run(["sessions", "--all"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await exists(stale), false);
});
