import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { jsonOutput, sandbox } from "./helpers.ts";

Deno.test("--json reports the context in use after the turn: the last call's input plus output", async () => {
  await using box = await sandbox({ "a.txt": "alpha\n" });
  await using server = startResponsesServer({
    script: [
      { sse: toolCallAnswer({ name: "read", arguments: `{"path":"a.txt"}`, callId: "call_1" }) },
      {
        sse: textAnswer("Alpha.", {
          usage: {
            input_tokens: 54_000,
            cached_tokens: 0,
            output_tokens: 400,
            reasoning_tokens: 0,
            total_tokens: 54_400,
          },
        }),
      },
    ],
  });

  const result = await box.run(["run", "--json", "read a.txt"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(jsonOutput(result.stdout).context, {
    used_tokens: 54_400,
    window: 272_000,
    percent: 20,
  });
});

Deno.test("a model the table does not know is measured against the conservative window", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Hi.") }] });

  const result = await box.run(["run", "-m", "my-model", "--json", "hi"], { server });

  assert.equal(result.code, 0, result.stderr);
  const context = jsonOutput(result.stdout).context;
  assert.equal(context?.window, 128_000);
  assert.equal(context?.used_tokens, 1834 + 41);
});

Deno.test("a run that never reached a session reports no context", async () => {
  await using box = await sandbox();
  const result = await box.run(["run", "--json", "--effort", "extreme", "hi"]);
  assert.equal(result.code, 2);
  assert.equal("context" in jsonOutput(result.stdout), false);
});
