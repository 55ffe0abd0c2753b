import assert from "node:assert/strict";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { assertNoStackTrace, jsonOutput, sandbox } from "./helpers.ts";

/** Quota headers of a reply: the 5-hour window at `primary` percent, resetting in an hour. */
function quotaHeaders(primary: number, secondary = 3): Record<string, string> {
  return {
    "x-codex-primary-used-percent": String(primary),
    "x-codex-primary-window-minutes": "300",
    "x-codex-primary-reset-at": String(Math.floor(Date.now() / 1000) + 3600),
    "x-codex-secondary-used-percent": String(secondary),
    "x-codex-secondary-window-minutes": "10080",
  };
}

const reply = (primary: number, secondary?: number) => ({
  sse: textAnswer("Done."),
  headers: quotaHeaders(primary, secondary),
});

Deno.test("crossing 80 % and 95 % of a window is warned once each, across runs", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [reply(50), reply(82), reply(85), reply(96), reply(97)],
  });

  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await box.run(["run", `prompt ${i}`], { server }));

  for (const run of runs) assert.equal(run.code, 0, run.stderr);
  const warnings = runs.map((run) => run.stderr.match(/^pixir: warning: .*quota.*$/gm) ?? []);
  assert.deepEqual(warnings.map((w) => w.length), [0, 1, 0, 1, 0]);
  assert.match(warnings[1][0], /80% of the 5-hour quota reached: 82% used, resets in /);
  assert.match(warnings[3][0], /95% of the 5-hour quota reached: 96% used/);
});

Deno.test("--stop-at-quota ends the run with exit 5 before sending a request past the line", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [reply(85), reply(86)] });
  const first = await box.run(["run", "hi"], { server });
  assert.equal(first.code, 0, first.stderr);

  const below = await box.run(["run", "--stop-at-quota", "90", "--json", "go on"], { server });
  const stopped = await box.run(["run", "--stop-at-quota", "86", "--json", "and more"], { server });
  const plain = await box.run(["run", "--stop-at-quota", "80", "more"], { server });

  assert.equal(below.code, 0, below.stderr);
  assert.equal(stopped.code, 5, stopped.stderr);
  const final = jsonOutput(stopped.stdout);
  assert.equal(final.error?.kind, "usage_limit");
  assert.match(final.error?.message ?? "", /5-hour quota is at 86% \(--stop-at-quota 86\)/);
  assert.equal(final.error?.details.code, "stop_at_quota");
  assert.equal(plain.code, 5);
  assert.match(plain.stderr, /stopped before the next request/);
  assertNoStackTrace(plain.stderr);
  assert.equal(server.requests.length, 2, "no request was sent by the stopped runs");
});

Deno.test("a bad --stop-at-quota is exit 2 and sends nothing", async (t) => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [reply(1)] });
  for (const value of ["0", "101", "lots", ""]) {
    await t.step(JSON.stringify(value), async () => {
      const result = await box.run(["run", "--stop-at-quota", value, "hi"], { server });
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /--stop-at-quota: .* must be a percentage above 0 and at most 100/,
      );
    });
  }
  assert.equal(server.requests.length, 0);
  assert.deepEqual(await box.sessionIds(), []);
});
