import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
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
