import assert from "node:assert/strict";
import { join } from "node:path";
import type { SessionSummary } from "../../src/agent/session_list.ts";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { hintedSessionId, isRecord, type Sandbox, sandbox } from "./helpers.ts";

/** The `sessions --json` listing, each entry's documented fields checked. */
function listing(stdout: string): SessionSummary[] {
  const value: unknown = JSON.parse(stdout);
  assert.ok(Array.isArray(value), "sessions --json prints an array");
  for (const entry of value as unknown[]) {
    assert.ok(isRecord(entry), "each session is an object");
    for (const key of ["id", "cwd", "model", "created", "updated", "title", "path"]) {
      assert.equal(typeof entry[key], "string", `${key} of ${JSON.stringify(entry)}`);
    }
    assert.equal(typeof entry.turns, "number");
  }
  // Every field the type names was just checked.
  return value as SessionSummary[];
}

/** Runs `pixir sessions <args>` and returns its listing. */
async function sessionsJson(box: Sandbox, args: string[] = []): Promise<SessionSummary[]> {
  const result = await box.run(["sessions", "--json", ...args]);
  assert.equal(result.code, 0, result.stderr);
  return listing(result.stdout);
}

Deno.test("sessions --json lists this workspace's sessions, newest first, with titles", async () => {
  await using box = await sandbox();
  const elsewhere = join(box.root, "elsewhere");
  await Deno.mkdir(elsewhere);
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });
  const run = async (args: string[]) => {
    const result = await box.run(args, { server });
    assert.equal(result.code, 0, result.stderr);
    return hintedSessionId(result.stderr);
  };
  const first = await run(["run", "first task"]);
  const second = await run(["run", "second task"]);
  const other = await run(["run", "-C", elsewhere, "task elsewhere"]);

  const here = await sessionsJson(box);
  assert.deepEqual(here.map((s) => [s.id, s.title, s.cwd]), [
    [second, "second task", box.workspace],
    [first, "first task", box.workspace],
  ]);
  assert.deepEqual(here.map((s) => [s.turns, s.model]), [[1, "gpt-5.5"], [1, "gpt-5.5"]]);
  assert.equal(here[0].path, join(box.sessionsDir, `${second}.ndjson`));

  const all = await sessionsJson(box, ["--all"]);
  assert.deepEqual(all.map((s) => s.id), [other, second, first]);
  assert.equal(all[0].cwd, elsewhere);

  assert.deepEqual((await sessionsJson(box, ["-C", elsewhere])).map((s) => s.id), [other]);

  // Activity, not creation, orders the listing: resuming the first session brings it to the top.
  const resumed = await box.run(["resume", first, "one more thing"], { server });
  assert.equal(resumed.code, 0, resumed.stderr);
  const after = await sessionsJson(box);
  assert.deepEqual(after.map((s) => [s.id, s.turns, s.title]), [
    [first, 2, "first task"],
    [second, 1, "second task"],
  ]);
});

Deno.test("sessions prints a table of this workspace's sessions", async () => {
  await using box = await sandbox();
  const elsewhere = join(box.root, "elsewhere");
  await Deno.mkdir(elsewhere);
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });
  const mine = hintedSessionId((await box.run(["run", "fix the build"], { server })).stderr);
  const theirs = hintedSessionId(
    (await box.run(["run", "-C", elsewhere, "other work"], { server })).stderr,
  );

  const result = await box.run(["sessions"]);

  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^ID\s+UPDATED/);
  assert.ok(lines[1].startsWith(mine) && lines[1].endsWith("fix the build"), lines[1]);
  assert.ok(!result.stdout.includes(theirs));
});

Deno.test("a long first prompt becomes a one-line title of at most 80 characters", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });
  const prompt = `refactor\nthe   parser ${"and more ".repeat(20)}`;
  await box.run(["run", prompt], { server });

  const [session] = await sessionsJson(box);

  assert.equal([...session.title].length, 80);
  assert.ok(session.title.startsWith("refactor the parser and more"), session.title);
  assert.ok(session.title.endsWith("…"));
});

Deno.test("sessions without any session says so and prints nothing on stdout", async () => {
  await using box = await sandbox();

  const plain = await box.run(["sessions"]);
  const json = await box.run(["sessions", "--json"]);

  assert.equal(plain.code, 0);
  assert.equal(plain.stdout, "");
  assert.match(plain.stderr, /no sessions/);
  assert.equal(json.code, 0);
  assert.deepEqual(listing(json.stdout), []);
});
