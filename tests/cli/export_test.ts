import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { join } from "node:path";
import { markdownTranscript } from "../../src/agent/transcript.ts";
import { hintedSessionId, sandbox } from "./helpers.ts";

async function sessionWithToolCall() {
  const box = await sandbox({ "a.txt": "alpha\n" });
  const server = startResponsesServer({
    script: [
      { sse: toolCallAnswer({ name: "read", arguments: `{"path":"a.txt"}`, callId: "call_1" }) },
      { sse: textAnswer("It says alpha.") },
    ],
  });
  const run = await box.run(["run", "what is in a.txt?"], { server });
  assert.equal(run.code, 0, run.stderr);
  return { box, server, id: hintedSessionId(run.stderr) };
}

Deno.test("export --format json prints exactly the events of the session's log", async () => {
  const { box, server, id } = await sessionWithToolCall();
  await using _box = box;
  await using _server = server;

  const result = await box.run(["export", id.slice(0, 12), "--format", "json"]);

  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), await box.log(id));
});

Deno.test("export prints a Markdown transcript with the prompt, the tool call and the answer", async () => {
  const { box, server, id } = await sessionWithToolCall();
  await using _box = box;
  await using _server = server;

  const result = await box.run(["export", id]);

  assert.equal(result.code, 0, result.stderr);
  const md = result.stdout;
  const parts = [
    `# Session ${id}`,
    "## User\n\nwhat is in a.txt?",
    '### Tool call: read\n\n```json\n{\n  "path": "a.txt"\n}\n```',
    "Result of read (ok):",
    "alpha",
    "## Assistant\n\nIt says alpha.",
  ];
  const at = parts.map((part) => md.indexOf(part));
  assert.ok(at.every((p, i) => p >= 0 && (i === 0 || p > at[i - 1])), `${at}\n${md}`);
});

Deno.test("export of an unknown session is exit 2; a bad format is exit 2", async () => {
  await using box = await sandbox();
  const unknown = await box.run(["export", "20261124-000000-zzzzzz"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /20261124-000000-zzzzzz/);
  const format = await box.run(["export", "x", "--format", "html"]);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /--format: "html" is not one of md, json/);
  const none = await box.run(["export"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /give exactly one session id/);
});

/** Appends `n` assistant messages of `size` characters to session `id`'s log, as a writer would. */
async function grow(path: string, id: string, n: number, size: number): Promise<void> {
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  let seq = lines.length;
  const more: string[] = [];
  for (let i = 0; i < n; i++, seq++) {
    more.push(JSON.stringify({
      id: `${id}:${seq}`,
      session_id: id,
      seq,
      ts: "2026-12-01T00:00:00.000Z",
      type: "assistant_message",
      data: { model: "gpt-5.5", text: `part ${i} `.padEnd(size, "x") },
    }));
  }
  await Deno.writeTextFile(path, more.join("\n") + "\n", { append: true });
}

Deno.test("a long session exports in pieces exactly as it would whole, in both formats", async () => {
  const { box, server, id } = await sessionWithToolCall();
  await using _box = box;
  await using _server = server;
  const path = join(box.sessionsDir, `${id}.ndjson`);
  await grow(path, id, 300, 1000); // ~300 kB: several chunks of output

  const json = await box.run(["export", id, "--format", "json"]);
  assert.equal(json.code, 0, json.stderr);
  const events = await box.log(id);
  assert.equal(json.stdout, JSON.stringify(events) + "\n");
  const md = await box.run(["export", id]);
  assert.equal(md.code, 0, md.stderr);
  // deno-lint-ignore no-explicit-any
  assert.equal(md.stdout, markdownTranscript(events as any));
});

Deno.test("export stops at a damaged line in the middle of the log, naming it; a torn tail is a warning", async () => {
  const { box, server, id } = await sessionWithToolCall();
  await using _box = box;
  await using _server = server;
  const path = join(box.sessionsDir, `${id}.ndjson`);
  const lines = (await Deno.readTextFile(path)).trimEnd().split("\n");
  await Deno.writeTextFile(path, lines.join("\n") + '\n{"torn');
  const torn = await box.run(["export", id, "--format", "json"]);
  assert.equal(torn.code, 0, torn.stderr);
  assert.equal(JSON.parse(torn.stdout).length, lines.length);
  assert.match(torn.stderr, /warning: .*half-written line \d+/);

  lines[2] = "not json";
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  const damaged = await box.run(["export", id, "--format", "json"]);
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /\.ndjson:3: not valid JSON/);
  assert.match(damaged.stderr, /fix that line by hand/);
  assert.doesNotMatch(damaged.stderr, /internal error|at .*\.ts:/);
});
