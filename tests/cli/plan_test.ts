import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import type { Usage } from "../../src/provider/item.ts";
import { bodyOf, hintedSessionId, inputOf, jsonObject, sandbox, typesOf } from "./helpers.ts";

const PLAN = {
  explanation: "Rename first, then test",
  plan: [
    { step: "Rename parse_cfg", status: "completed" },
    { step: "Run the tests", status: "in_progress" },
    { step: "Update the docs", status: "pending" },
  ],
};

function planCall(args: unknown, callId = "call_plan", usage?: Usage) {
  return toolCallAnswer({
    name: "update_plan",
    arguments: JSON.stringify(args),
    callId,
    ...(usage ? { usage } : {}),
  });
}

/** The output the model received for `callId`. */
function outputOf(input: Record<string, unknown>[], callId: string): string {
  const item = input.find((i) => i.type === "function_call_output" && i.call_id === callId);
  assert.ok(item, `no output for ${callId}`);
  return String(item.output);
}

Deno.test("update_plan shows the checklist, logs a plan event and streams it in --jsonl", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [{ sse: planCall(PLAN) }, { sse: textAnswer("Done.") }],
  });

  const plain = await box.run(["run", "rename it"], { server });

  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(
    plain.stderr.includes(
      "plan\n  Rename first, then test\n  [x] Rename parse_cfg\n  [~] Run the tests\n" +
        "  [ ] Update the docs\n",
    ),
    plain.stderr,
  );
  const tools = bodyOf(server.requests[0]).tools as Record<string, unknown>[];
  const spec = tools.find((tool) => tool.name === "update_plan");
  assert.ok(spec, "the tool is offered");
  assert.ok(String(spec.description).length < 160, "its description stays terse");
  assert.equal(outputOf(inputOf(server.requests[1]), "call_plan"), "Plan updated.");
  const log = await box.log(hintedSessionId(plain.stderr));
  const plan = log.find((event) => event.type === "plan");
  assert.ok(plan?.type === "plan");
  assert.deepEqual(plan.data, {
    steps: PLAN.plan,
    explanation: PLAN.explanation,
    call_id: "call_plan",
  });

  const exported = await box.run(["export", hintedSessionId(plain.stderr)]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.ok(
    exported.stdout.includes(
      "### Plan\n\nRename first, then test\n[x] Rename parse_cfg\n[~] Run the tests\n",
    ),
    exported.stdout,
  );

  await using server2 = startResponsesServer({
    script: [{ sse: planCall(PLAN) }, { sse: textAnswer("Done.") }],
  });
  const jsonl = await box.run(["run", "--jsonl", "rename it"], { server: server2 });
  assert.equal(jsonl.code, 0, jsonl.stderr);
  const events = jsonl.stdout.trim().split("\n").map(jsonObject);
  const streamed = events.find((event) => event.type === "plan");
  assert.ok(streamed, "a plan event is streamed");
  assert.deepEqual((streamed.data as Record<string, unknown>).steps, PLAN.plan);
  assert.equal(typeof streamed.seq, "number", "it is canonical");
});

Deno.test("a plan with two steps in progress is refused to the model and not logged", async () => {
  await using box = await sandbox();
  const bad = {
    plan: [{ step: "a", status: "in_progress" }, { step: "b", status: "in_progress" }],
  };
  await using server = startResponsesServer({
    script: [{ sse: planCall(bad) }, {
      sse: planCall({ plan: [{ step: "a", status: "doing" }] }, "call_2"),
    }, {
      sse: textAnswer("Done."),
    }],
  });

  const result = await box.run(["run", "plan it"], { server });

  assert.equal(result.code, 0, result.stderr);
  const first = jsonObject(outputOf(inputOf(server.requests[1]), "call_plan"));
  assert.match(JSON.stringify(first), /invalid_arguments.*At most one step may be in_progress/);
  const second = jsonObject(outputOf(inputOf(server.requests[2]), "call_2"));
  assert.match(JSON.stringify(second), /invalid_arguments/);
  const log = await box.log(hintedSessionId(result.stderr));
  assert.ok(!typesOf(log).includes("plan"));
});

/** Usage whose input is `percent` % of gpt-5.5's 272k window. */
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

Deno.test("the plan outlives a compaction and is sent again by resume", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      { sse: planCall(PLAN, "call_plan", usageAt(90)) },
      { sse: textAnswer("## Goal\nRename", { responseId: "resp_sum" }) },
      { sse: textAnswer("Working on it.", { responseId: "resp_end" }) },
      { sse: textAnswer("Resumed.", { responseId: "resp_resumed" }) },
    ],
  });

  const first = await box.run(["run", "rename it"], { server });
  assert.equal(first.code, 0, first.stderr);
  const id = hintedSessionId(first.stderr);
  const log = await box.log(id);
  const compaction = log.find((event) => event.type === "compaction");
  assert.ok(compaction?.type === "compaction", "the threshold compacted");
  assert.deepEqual(compaction.data.plan?.steps, PLAN.plan, "the compaction keeps the plan");
  const expected = "[The plan as last set with update_plan]\\nRename first, then test\\n" +
    "[x] Rename parse_cfg\\n[~] Run the tests\\n[ ] Update the docs";
  const afterCompaction = JSON.stringify(inputOf(server.requests[2]));
  assert.ok(afterCompaction.includes(expected), afterCompaction);
  assert.ok(!afterCompaction.includes("call_plan"), "the replaced call itself is gone");

  const resumed = await box.run(["resume", id, "go on"], { server });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(JSON.stringify(inputOf(server.requests[3])).includes(expected), "resume sends it");
});
