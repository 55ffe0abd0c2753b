/**
 * The usage limit through the real CLI: a worker stops at once with the reset time in its JSON,
 * and `--wait-for-reset[=MAX]` sleeps until a reset within MAX, then sends the same request again.
 */

import assert from "node:assert/strict";
import { textAnswer, usageLimitReply } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { assertNoStackTrace, jsonOutput, sandbox } from "./helpers.ts";

/** A stand-in whose first answer is the usage limit, resetting `seconds` after it is sent. */
function limitedThenAnswering(seconds: number) {
  return startResponsesServer({
    script: (_request, index) =>
      index === 0
        ? usageLimitReply({ now: Date.now(), resetsInSeconds: seconds })
        : { sse: textAnswer("Back again.") },
  });
}

Deno.test("a usage limit ends the run at once: exit 5, one request, the reset time in the JSON", async () => {
  await using box = await sandbox();
  await using server = limitedThenAnswering(2);
  const before = Math.floor(Date.now() / 1000);

  const result = await box.run(["run", "--json", "hi"], { server });

  assert.equal(result.code, 5, result.stderr);
  assert.equal(server.requests.length, 1, "no retry spends more quota");
  const final = jsonOutput(result.stdout);
  assert.equal(final.error?.kind, "usage_limit");
  const resetsAt = final.error?.details.resets_at;
  assert.equal(typeof resetsAt, "number");
  assert.ok((resetsAt as number) >= before + 1 && (resetsAt as number) <= before + 10);
  assert.equal((await box.sessionIds()).length, 1, "the session is kept for a later resume");
});

Deno.test("--wait-for-reset waits for a reset 2 s away and finishes the same session", async () => {
  await using box = await sandbox();
  await using server = limitedThenAnswering(2);
  const started = Date.now();

  const result = await box.run(["run", "--json", "--wait-for-reset", "hi"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.ok(Date.now() - started >= 2_000, "it waited for the reset");
  assert.equal(server.requests.length, 2);
  assert.deepEqual(server.requests[1].body, server.requests[0].body, "the same request again");
  assert.match(result.stderr, /usage limit reached; waiting until .* \(--wait-for-reset\)/);
  assert.equal(jsonOutput(result.stdout).answer, "Back again.");
  assert.equal((await box.sessionIds()).length, 1, "one session");
});

Deno.test("a reset further off than --wait-for-reset=MAX ends the run at once", async () => {
  await using box = await sandbox();
  await using server = limitedThenAnswering(600);
  const started = Date.now();

  const result = await box.run(["run", "--wait-for-reset=1m", "hi"], { server });

  assert.equal(result.code, 5, result.stderr);
  assert.equal(server.requests.length, 1);
  assert.ok(Date.now() - started < 30_000);
  assertNoStackTrace(result.stderr);
  const bad = await box.run(["run", "--wait-for-reset=later", "hi"], { server });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--wait-for-reset: "later" is not a duration/);
});
