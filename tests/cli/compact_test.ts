import assert from "node:assert/strict";
import { contextOverflowFailure, textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import type { Usage } from "../../src/provider/item.ts";
import { bodyOf, hintedSessionId, jsonOutput, sandbox, typesOf } from "./helpers.ts";

/** A task with spacing and punctuation a paraphrase would lose. */
const TASK = "Rename `parse_cfg` to `parseConfig` in a.txt;  keep the  old name as an alias!";

const SUMMARY =
  "## Goal\nRename parse_cfg\n## Open items\n- [ ] add the alias\n## Next step\nEdit a.txt";

/** Usage whose input plus output is `percent` % of gpt-5.5's 272k window. */
function usageAt(percent: number): Usage {
  const input = Math.round(272_000 * percent / 100);
  return {
    input_tokens: input,
    cached_tokens: 0,
    output_tokens: 0,
    reasoning_tokens: 0,
    total_tokens: input,
  };
}

const readCall = (percent: number) =>
  toolCallAnswer({
    name: "read",
    arguments: `{"path":"a.txt"}`,
    callId: "call_read",
    usage: usageAt(percent),
  });

Deno.test("a run crossing the threshold compacts, continues, and keeps the task verbatim", async () => {
  await using box = await sandbox({ "a.txt": "parse_cfg()\n" });
  await using server = startResponsesServer({
    script: [
      { sse: readCall(90) },
      { sse: textAnswer(SUMMARY, { responseId: "resp_sum" }) },
      { sse: textAnswer("Renamed.", { responseId: "resp_end" }) },
    ],
  });

  const result = await box.run(["run", "--json", TASK], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(jsonOutput(result.stdout).answer, "Renamed.");
  assert.equal(server.requests.length, 3);
  const [, summarising, continued] = server.requests.map(bodyOf);
  assert.deepEqual(summarising.tools, []);
  assert.match(JSON.stringify(summarising.input), /parse_cfg\(\)/, "the old history is summarised");
  const next = JSON.stringify(continued.input);
  assert.ok(next.includes("## Goal\\nRename parse_cfg"), "the summary is sent");
  assert.ok(next.includes("[Open items of the plan]\\n- [ ] add the alias"), "and its open items");
  assert.ok(next.includes(JSON.stringify(TASK).slice(1, -1)), "the task is sent verbatim");
  assert.ok(!next.includes("call_read"), "the replaced call is not sent");

  const log = await box.log((await box.sessionIds())[0]);
  const compaction = log.find((event) => event.type === "compaction");
  assert.ok(compaction?.type === "compaction");
  assert.equal(compaction.data.reason, "threshold");
  assert.equal(compaction.data.tokens_before, usageAt(90).input_tokens);
  assert.ok(typesOf(log).includes("tool_call"), "the log keeps every event");
});

Deno.test("PIXIR_COMPACT_AT moves the threshold", async () => {
  await using box = await sandbox({ "a.txt": "x\n" });
  await using server = startResponsesServer({
    script: [{ sse: readCall(50) }, { sse: textAnswer("Done.") }],
  });
  const result = await box.run(["run", "--json", TASK], {
    server,
    env: { PIXIR_COMPACT_AT: "60" },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(server.requests.length, 2, "50 % is under a 60 % threshold");
  assert.ok(!typesOf(await box.log((await box.sessionIds())[0])).includes("compaction"));
});

Deno.test("a context overflow compacts and retries the request once", async () => {
  await using box = await sandbox({ "a.txt": "x\n" });
  await using server = startResponsesServer({
    script: [
      { sse: readCall(10) },
      { sse: contextOverflowFailure() },
      { sse: textAnswer(SUMMARY, { responseId: "resp_sum" }) },
      { sse: textAnswer("Done after compacting.", { responseId: "resp_end" }) },
    ],
  });

  const result = await box.run(["run", "--json", TASK], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(jsonOutput(result.stdout).answer, "Done after compacting.");
  assert.equal(server.requests.length, 4);
  assert.ok(JSON.stringify(bodyOf(server.requests[3]).input).includes("Rename `parse_cfg`"));
  const log = await box.log((await box.sessionIds())[0]);
  const compaction = log.find((event) => event.type === "compaction");
  assert.equal(compaction?.type === "compaction" && compaction.data.reason, "overflow");
});

Deno.test("pixir compact summarises a session with a focus, and resume sends the summary", async () => {
  await using box = await sandbox({ "a.txt": "x\n" });
  await using server = startResponsesServer({
    script: [
      { sse: readCall(5) },
      { sse: textAnswer("Read it.") },
      { sse: textAnswer(SUMMARY, { responseId: "resp_sum" }) },
      { sse: textAnswer("Continuing.", { responseId: "resp_end" }) },
    ],
  });
  const first = await box.run(["run", TASK], { server });
  assert.equal(first.code, 0, first.stderr);
  const id = hintedSessionId(first.stderr);

  const compacted = await box.run(["compact", id.slice(0, 12), "--focus", "the alias"], {
    server,
  });

  assert.equal(compacted.code, 0, compacted.stderr);
  assert.ok(compacted.stdout.startsWith(SUMMARY), compacted.stdout);
  assert.match(compacted.stdout, new RegExp(`Compacted session ${id}`));
  const asked = bodyOf(server.requests[2]);
  assert.deepEqual(asked.tools, []);
  assert.match(JSON.stringify(asked.input), /Focus on: the alias/);
  const compaction = (await box.log(id)).at(-1);
  assert.equal(compaction?.type, "compaction");
  assert.deepEqual(compaction?.type === "compaction" && compaction.data.focus, "the alias");

  const resumed = await box.run(["resume", id, "go on"], { server });
  assert.equal(resumed.code, 0, resumed.stderr);
  const next = JSON.stringify(bodyOf(server.requests[3]).input);
  assert.ok(next.includes(JSON.stringify(TASK).slice(1, -1)));
  assert.ok(next.includes("[Open items of the plan]"));
  assert.ok(!next.includes("call_read"));
});

Deno.test("pixir compact needs a session id and something to compact", async () => {
  await using box = await sandbox();
  const missing = await box.run(["compact"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /compact: give exactly one session id/);

  await using server = startResponsesServer({
    script: [{ sse: contextOverflowFailure() }],
  });
  const failed = await box.run(["run", TASK], { server });
  assert.equal(failed.code, 1);
  const nothing = await box.run(["compact", hintedSessionId(failed.stderr)], { server });
  assert.equal(nothing.code, 2, nothing.stderr);
  assert.match(nothing.stderr, /no earlier conversation to compact/);
  assert.equal(server.requests.length, 1, "no summary was asked for");
});
