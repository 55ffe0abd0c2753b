import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  assistantItem,
  bodyOf,
  environmentOf,
  hintedSessionId,
  inputOf,
  jsonOutput,
  replayedItem,
  sandbox,
  typesOf,
  userItem,
} from "./helpers.ts";
import { waitUntil } from "../harness/wait.ts";

const first = textAnswer("First answer.", { responseId: "resp_first" });
const second = textAnswer("Second answer.", { responseId: "resp_second" });

Deno.test("resume <id> continues the session with the first turn replayed", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: first }, { sse: second }] });
  const started = await box.run(["run", "first question"], { server });
  assert.equal(started.code, 0, started.stderr);
  const id = hintedSessionId(started.stderr);

  const result = await box.run(["resume", id, "second question"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "Second answer.\n");
  assert.equal(hintedSessionId(result.stderr), id);
  assert.equal(server.requests.length, 2);
  assert.deepEqual(inputOf(server.requests[1]), [
    userItem("first question"),
    replayedItem(first, "reasoning"),
    assistantItem("First answer."),
    userItem("second question"),
  ]);
  assert.equal(bodyOf(server.requests[1]).prompt_cache_key, id);
  assert.deepEqual(await box.sessionIds(), [id]);
  const log = await box.log(id);
  assert.deepEqual(
    log.flatMap((event) => event.type === "turn_started" ? [event.data.turn] : []),
    [1, 2],
  );
  assert.equal(typesOf(log).at(-1), "turn_completed");
});

Deno.test("resume accepts a unique prefix of the session id", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: first }, { sse: second }] });
  const id = hintedSessionId((await box.run(["run", "first question"], { server })).stderr);

  const result = await box.run(["resume", id.slice(0, 10), "--json", "again"], { server });

  assert.equal(result.code, 0, result.stderr);
  const final = jsonOutput(result.stdout);
  assert.equal(final.session_id, id);
  assert.equal(final.answer, "Second answer.");
});

Deno.test("resume --last picks the newest session of this workspace", async () => {
  await using box = await sandbox();
  const elsewhere = join(box.root, "elsewhere");
  await Deno.mkdir(elsewhere);
  await using server = startResponsesServer({ script: [{ sse: first }] });
  const older = await box.run(["run", "older task"], { server });
  const newer = await box.run(["run", "newer task"], { server });
  const other = await box.run(["run", "-C", elsewhere, "task elsewhere"], { server });
  assert.deepEqual([older.code, newer.code, other.code], [0, 0, 0]);

  const result = await box.run(["resume", "--last", "continue"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(hintedSessionId(result.stderr), hintedSessionId(newer.stderr));
  const input = inputOf(server.requests[3]);
  assert.deepEqual([input[0], input.at(-1)], [userItem("newer task"), userItem("continue")]);
});

Deno.test("resume keeps the session's workspace and model", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: first }] });
  const started = await box.run(["run", "-m", "gpt-chosen", "--effort", "low", "hi"], { server });
  const id = hintedSessionId(started.stderr);

  const result = await box.run(["resume", id, "again"], { server, cwd: box.root });

  assert.equal(result.code, 0, result.stderr);
  const body = bodyOf(server.requests[1]);
  assert.equal(body.model, "gpt-chosen");
  assert.deepEqual(body.reasoning, { effort: "low", summary: "auto" });
  // The workspace is named in the turn's environment message, not in the instructions.
  assert.match(
    environmentOf(server.requests[1]).at(-1) ?? "",
    new RegExp(`<workspace>${box.workspace}<`),
  );
  assert.equal(body.instructions, bodyOf(server.requests[0]).instructions);
});

Deno.test("resume with an unknown session id is exit 2", async (t) => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: first }] });

  await t.step("plain", async () => {
    const result = await box.run(["resume", "20000101-000000-zzzzzz", "hi"], { server });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /no session matches "20000101-000000-zzzzzz"/);
  });
  await t.step("--json", async () => {
    const result = await box.run(["resume", "--json", "../../etc/passwd", "hi"], { server });
    assert.equal(result.code, 2);
    const final = jsonOutput(result.stdout);
    assert.equal(final.ok, false);
    assert.equal(final.session_id, null);
    assert.equal(final.error?.kind, "unknown_session");
  });
  await t.step("--last without a session in this workspace", async () => {
    const result = await box.run(["resume", "--last", "--json", "hi"], { server });
    assert.equal(result.code, 2);
    assert.equal(jsonOutput(result.stdout).error?.kind, "unknown_session");
  });
  assert.equal(server.requests.length, 0);
});

Deno.test("resume with a prefix shared by two sessions is exit 2 and names both", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: first }] });
  const ids = [
    hintedSessionId((await box.run(["run", "one"], { server })).stderr),
    hintedSessionId((await box.run(["run", "two"], { server })).stderr),
  ];
  const shared = commonPrefix(ids[0], ids[1]);

  const plain = await box.run(["resume", shared, "hi"], { server });
  const json = await box.run(["resume", shared, "--json", "hi"], { server });

  assert.equal(plain.code, 2);
  assert.ok(ids.every((id) => plain.stderr.includes(id)), plain.stderr);
  assert.equal(json.code, 2);
  const final = jsonOutput(json.stdout);
  assert.equal(final.error?.kind, "unknown_session");
  assert.deepEqual(final.error?.details.candidates, [...ids].sort());
  assert.equal(server.requests.length, 2);
});

function commonPrefix(a: string, b: string): string {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length++;
  return a.slice(0, length);
}

Deno.test("a session another Pixir process is writing to cannot be resumed at the same time", async () => {
  await using box = await sandbox();
  const stalled = textAnswer("Never finished.");
  await using server = startResponsesServer({
    script: [{ sse: stalled, end: { stallAfter: 2 } }, { sse: second }],
  });
  // The first run stays inside its turn (the stream stalls) until its --timeout ends it: long
  // enough for the competing resume to start even on a loaded machine.
  const firstRun = box.run(["run", "--timeout", "30", "long task"], { server });
  await waitUntil(() => server.requests.length > 0, "the first run's request");
  const [id] = await box.sessionIds();

  const competing = await box.run(["resume", id, "--json", "meanwhile"], { server });
  assert.equal(competing.code, 2, competing.stderr);
  const result = jsonOutput(competing.stdout);
  assert.equal(result.error?.kind, "usage");
  assert.match(result.error?.message ?? "", /in use by another Pixir process/);
  assert.equal(server.requests.length, 1, "the competing resume sent nothing");

  const ended = await firstRun;
  assert.equal(ended.code, 124, ended.stderr);
  const resumed = await box.run(["resume", id, "now"], { server });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.stdout, "Second answer.\n");
});

Deno.test("a resumed session re-sends the same instructions and input prefix, the date in its own message", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("One.") }, { sse: textAnswer("Two.") }],
  });
  const started = await box.run(["run", "first"], { server });
  const id = hintedSessionId(started.stderr);
  // The first turn ran "yesterday": its logged environment carries another date.
  const logPath = join(box.sessionsDir, `${id}.ndjson`);
  const yesterday = "<current_date>2000-01-01</current_date>";
  const log = await Deno.readTextFile(logPath);
  await Deno.writeTextFile(
    logPath,
    log.replace(/<current_date>[0-9-]+<\/current_date>/, yesterday),
  );

  const resumed = await box.run(["resume", id, "second"], { server });

  assert.equal(resumed.code, 0, resumed.stderr);
  const [one, two] = server.requests.map(bodyOf);
  assert.equal(two.instructions, one.instructions);
  assert.doesNotMatch(String(two.instructions), /\d{4}-\d{2}-\d{2}|<workspace>/);
  const environments = environmentOf(server.requests[1]);
  assert.equal(environments.length, 2, "one environment message per turn");
  assert.ok(environments[0].includes(yesterday), "the first turn's message is replayed as logged");
  const today = new Date().toISOString().slice(0, 10);
  assert.ok(environments[1].includes(`<current_date>${today}</current_date>`));
  // Everything the first turn sent comes first, unchanged but for the logged date.
  const firstInput = JSON.stringify(one.input).replace(
    /<current_date>[0-9-]+</,
    "<current_date>2000-01-01<",
  );
  assert.ok(JSON.stringify(two.input).startsWith(firstInput.slice(0, -1)));
});
