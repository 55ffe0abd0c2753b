import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  hintedSessionId,
  inputOf,
  jsonObject,
  jsonOutput,
  replayedItem,
  sandbox,
  streamUsage,
  sumUsage,
  typesOf,
  userItem,
} from "./helpers.ts";

const FINAL = "Done.";

/** A model that calls one tool, then answers `FINAL` once it has the result. */
function toolThenAnswer(name: string, args: Record<string, unknown>, callId: string) {
  const call = toolCallAnswer({ name, arguments: JSON.stringify(args), callId });
  return { call, script: [{ sse: call }, { sse: textAnswer(FINAL) }] };
}

/** The output the model received for `callId` in the follow-up request. */
function outputFor(request: RecordedRequest, callId: string): string {
  const item = inputOf(request).find((item) =>
    item.type === "function_call_output" && item.call_id === callId
  );
  assert.ok(item, `no function_call_output for ${callId}`);
  assert.equal(typeof item.output, "string");
  return String(item.output);
}

Deno.test("a read call round-trips: the follow-up request replays reasoning, call and output", async () => {
  const readme = "# Demo\nHello from the workspace.\n";
  await using box = await sandbox({ "README.md": readme });
  const { call, script } = toolThenAnswer("read", { path: "README.md" }, "call_read_1");
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "what does the README say?"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${FINAL}\n`);
  assert.match(result.stderr, /→ read README\.md\n/);
  assert.match(result.stderr, /✓ # Demo/);
  assert.equal(server.requests.length, 2);

  const input = inputOf(server.requests[1]);
  assert.deepEqual(input.slice(0, 3), [
    userItem("what does the README say?"),
    replayedItem(call, "reasoning"),
    replayedItem(call, "function_call"),
  ]);
  assert.equal(input.length, 4);
  assert.equal(input[3].type, "function_call_output");
  assert.equal(input[3].call_id, "call_read_1");
  assert.ok(outputFor(server.requests[1], "call_read_1").includes(readme));

  assert.deepEqual(typesOf(await box.log(hintedSessionId(result.stderr))), [
    "session_started",
    "user_message",
    "turn_started",
    "reasoning",
    "tool_call",
    "usage",
    "tool_result",
    "reasoning",
    "assistant_message",
    "usage",
    "turn_completed",
  ]);
});

Deno.test("a bash call runs in the workspace and reports output and exit code", async () => {
  await using box = await sandbox();
  const command = "pwd && echo oops >&2 && exit 3";
  const { script } = toolThenAnswer("bash", { command }, "call_bash_1");
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "--allow-run=pwd,echo,exit", "where am I?"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${FINAL}\n`);
  assert.ok(result.stderr.includes(`→ bash ${command}\n`));
  const output = outputFor(server.requests[1], "call_bash_1");
  assert.equal(output.split("\n")[0], box.workspace);
  assert.ok(output.includes("oops\n"));
  assert.ok(output.endsWith("exit code: 3"), output);
});

Deno.test("a write call creates the file in the workspace", async () => {
  await using box = await sandbox();
  const content = "buy milk\nwrite tests\n";
  const { script } = toolThenAnswer(
    "write",
    { path: "notes/todo.txt", content },
    "call_write_1",
  );
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "make a todo list"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(await Deno.readTextFile(join(box.workspace, "notes", "todo.txt")), content);
  assert.match(result.stderr, /→ write notes\/todo\.txt\n/);
  assert.match(outputFor(server.requests[1], "call_write_1"), /^Created notes\/todo\.txt/);
});

Deno.test("a path outside the workspace is refused to the model, and the run still answers", async () => {
  await using box = await sandbox();
  const secret = "TOP-SECRET-VALUE";
  await Deno.writeTextFile(join(box.root, "secret"), secret);
  const { script } = toolThenAnswer("read", { path: "../secret" }, "call_escape_1");
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "read ../secret"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${FINAL}\n`);
  assert.match(result.stderr, /✗ outside_workspace: /);
  const output = jsonObject(outputFor(server.requests[1], "call_escape_1"));
  assert.equal(output.ok, false);
  const error = output.error;
  assert.ok(typeof error === "object" && error !== null && "kind" in error);
  assert.equal(error.kind, "outside_workspace");
  assert.ok(server.requests.every((request) => !request.text.includes(secret)));
});

Deno.test("run --json sums the usage of every model call in the turn", async () => {
  await using box = await sandbox({ "a.txt": "a\n" });
  const { call, script } = toolThenAnswer("read", { path: "a.txt" }, "call_usage_1");
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "--json", "read a.txt"], { server });

  assert.equal(result.code, 0, result.stderr);
  const final = jsonOutput(result.stdout);
  assert.equal(final.answer, FINAL);
  assert.deepEqual(final.usage, sumUsage(streamUsage(call), streamUsage(script[1].sse)));
});

Deno.test("grep and find through the CLI leave out ignored and hidden files unless asked", async () => {
  await using box = await sandbox({
    ".git/HEAD": "ref: main\n",
    ".gitignore": "dist/\n*.log\n",
    "src/app.ts": "const token = 1;\n",
    "dist/app.js": "const token = 1;\n",
    "debug.log": "token\n",
    ".env": "token=2\n",
  });
  const calls = [
    { name: "grep", args: { pattern: "token" }, id: "call_grep_1" },
    { name: "grep", args: { pattern: "token", no_ignore: true, hidden: true }, id: "call_grep_2" },
    { name: "find", args: { pattern: "*.js" }, id: "call_find_1" },
  ];
  const script = [
    ...calls.map(({ name, args, id }) => ({
      sse: toolCallAnswer({ name, arguments: JSON.stringify(args), callId: id }),
    })),
    { sse: textAnswer(FINAL) },
  ];
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "where is token used?"], { server });

  assert.equal(result.code, 0, result.stderr);
  const last = server.requests[server.requests.length - 1];
  assert.equal(outputFor(last, "call_grep_1"), "src/app.ts:1: const token = 1;");
  assert.equal(
    outputFor(last, "call_grep_2"),
    [
      ".env:1: token=2",
      "debug.log:1: token",
      "dist/app.js:1: const token = 1;",
      "src/app.ts:1: const token = 1;",
    ]
      .join("\n"),
  );
  assert.equal(outputFor(last, "call_find_1"), 'No paths under . match "*.js"');
});
