/** `x-codex-turn-state` from a response is echoed on the following requests of the same turn only. */

import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { hintedSessionId, sandbox } from "./helpers.ts";

Deno.test("the turn state header is echoed within a turn and not carried into the next", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({ name: "ls", arguments: '{"path":"."}', callId: "call_ls" }),
        headers: { "x-codex-turn-state": "route-a" },
      },
      { sse: textAnswer("Listed."), headers: { "x-codex-turn-state": "route-b" } },
      { sse: textAnswer("Again.") },
    ],
  });

  const ran = await box.run(["run", "look"], { server });
  assert.equal(ran.code, 0, ran.stderr);
  const resumed = await box.run(["resume", hintedSessionId(ran.stderr), "again"], { server });
  assert.equal(resumed.code, 0, resumed.stderr);

  const sent = server.requests.map((request) => request.headers["x-codex-turn-state"]);
  assert.deepEqual(sent, [undefined, "route-a", undefined]);
});
