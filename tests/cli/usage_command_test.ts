import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { hintedSessionId, isRecord, jsonObject, sandbox } from "./helpers.ts";

const RESET = () => Math.floor(Date.now() / 1000) + 2 * 3600;

Deno.test("usage --json reports the quota from the last reply's headers and tokens from the logs", async () => {
  await using box = await sandbox();
  const resetAt = RESET();
  const headers = {
    "x-codex-plan-type": "plus",
    "x-codex-primary-used-percent": "42.5",
    "x-codex-primary-window-minutes": "300",
    "x-codex-primary-reset-at": String(resetAt),
    "x-codex-secondary-used-percent": "7",
    "x-codex-secondary-window-minutes": "10080",
  };
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer("One.") },
      { sse: textAnswer("Two.") },
      { sse: textAnswer("Three."), headers },
    ],
  });
  const a = hintedSessionId((await box.run(["run", "first"], { server })).stderr);
  await box.run(["resume", a, "second"], { server });
  const b = hintedSessionId((await box.run(["run", "third"], { server })).stderr);

  const result = await box.run(["usage", "--json"]);

  assert.equal(result.code, 0, result.stderr);
  const report = jsonObject(result.stdout.trim());
  assert.equal(report.v, 1);
  assert.equal(report.period_days, 7);
  assert.ok(isRecord(report.quota));
  assert.equal(report.quota.plan, "plus");
  assert.deepEqual(report.quota.primary, {
    used_percent: 42.5,
    window_minutes: 300,
    resets_at: resetAt,
  });
  assert.deepEqual(report.quota.secondary, { used_percent: 7, window_minutes: 10080 });
  // Each text answer reports the J.1 usage: 1834 in, 1536 cached, 41 out, 1875 in all.
  const sessions = report.sessions as { id: string; model_calls: number; usage: unknown }[];
  assert.deepEqual(
    sessions.map((s) => [s.id, s.model_calls]).sort(),
    [[a, 2], [b, 1]].sort(),
  );
  const days = report.days as { model_calls: number; usage: Record<string, number> }[];
  assert.equal(days.length, 1);
  assert.equal(days[0].model_calls, 3);
  assert.deepEqual(days[0].usage, {
    input_tokens: 3 * 1834,
    cached_tokens: 3 * 1536,
    output_tokens: 3 * 41,
    reasoning_tokens: 3 * 28,
    total_tokens: 3 * 1875,
  });
});

Deno.test("usage prints the windows and the token tables", async () => {
  await using box = await sandbox({ "a.txt": "alpha\n" });
  const headers = {
    "x-codex-primary-used-percent": "12.5",
    "x-codex-primary-window-minutes": "300",
    "x-codex-primary-reset-at": String(RESET()),
  };
  await using server = startResponsesServer({
    script: [
      { sse: toolCallAnswer({ name: "read", arguments: `{"path":"a.txt"}`, callId: "call_1" }) },
      { sse: textAnswer("It says alpha."), headers },
    ],
  });
  const id = hintedSessionId((await box.run(["run", "read a.txt"], { server })).stderr);

  const result = await box.run(["usage"]);

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Quota \(as of .* UTC\)$/m);
  assert.match(result.stdout, /^ {2}5-hour {4}12\.5% used, resets in (1 h 59 min|2 h)/m);
  assert.match(result.stdout, /^Tokens per day \(last 7 days\)$/m);
  assert.match(result.stdout, new RegExp(`^  ${id} +2 .* read a\\.txt$`, "m"));
});

Deno.test("usage with nothing known says so", async () => {
  await using box = await sandbox();
  const result = await box.run(["usage", "--days", "1"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Quota: none known yet/);
  assert.match(result.stdout, /Tokens: no model calls logged in the last 1 day$/m);
});

Deno.test("usage --days must be a whole number", async () => {
  await using box = await sandbox();
  const result = await box.run(["usage", "--days", "a week"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--days: "a week" must be a whole number/);
});
