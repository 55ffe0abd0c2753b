import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { bodyOf, hintedSessionId, sandbox } from "./helpers.ts";

Deno.test("resume from another folder runs the tools in the session's workspace", async () => {
  await using box = await sandbox({ "notes.txt": "in the workspace\n" });
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer("Ready.") },
      {
        sse: toolCallAnswer({ name: "read", arguments: `{"path":"notes.txt"}`, callId: "call_1" }),
      },
      { sse: textAnswer("Read it.") },
    ],
  });
  const id = hintedSessionId((await box.run(["run", "hi"], { server })).stderr);

  const result = await box.run(["resume", id, "read notes.txt"], { server, cwd: box.root });

  assert.equal(result.code, 0, result.stderr);
  const log = await box.log(id);
  const toolResult = log.find((event) => event.type === "tool_result");
  assert.ok(toolResult?.type === "tool_result");
  assert.equal(toolResult.data.ok, true, toolResult.data.output);
  assert.match(toolResult.data.output, /in the workspace/);
});

Deno.test("resume keeps the model and effort of the session's latest turn, not of its start", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Ok.") }] });
  const id = hintedSessionId((await box.run(["run", "-m", "model-a", "hi"], { server })).stderr);
  await box.run(["resume", id, "-m", "model-b", "--effort", "high", "switch"], { server });

  const result = await box.run(["resume", id, "go on"], { server });

  assert.equal(result.code, 0, result.stderr);
  const body = bodyOf(server.requests[2]);
  assert.equal(body.model, "model-b");
  assert.deepEqual(body.reasoning, { effort: "high", summary: "auto" });
});
