import assert from "node:assert/strict";
import type { Envelope } from "../../src/agent/event.ts";
import { jsonRenderer } from "../../src/ui/jsonl.ts";
import { runResult } from "../../src/ui/result.ts";
import { CliFailure } from "../../src/cli/failure.ts";
import { recordingSink } from "./sink.ts";

const delta: Envelope = {
  type: "text_delta",
  data: { delta: "hi" },
  id: "s:0.1",
  session_id: "s",
  seq: null,
  ts: "t",
};

Deno.test("--jsonl writes each event as a line, then the final object", async () => {
  const stdout = recordingSink(false);
  const renderer = jsonRenderer(stdout, true);
  await renderer.event(delta);
  await renderer.finish(runResult({ sessionId: "s", answer: "hi" }));
  const lines = stdout.text.trimEnd().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(lines[0], delta);
  assert.equal(lines[1].v, 1);
  assert.equal(lines[1].answer, "hi");
});

Deno.test("--json writes only the final object", async () => {
  const stdout = recordingSink(false);
  const renderer = jsonRenderer(stdout, false);
  await renderer.event(delta);
  await renderer.finish(runResult({ sessionId: null, failure: new CliFailure("usage", "bad") }));
  assert.deepEqual(JSON.parse(stdout.text), {
    v: 1,
    ok: false,
    session_id: null,
    status: "failed",
    answer: "",
    usage: {
      input_tokens: 0,
      cached_tokens: 0,
      output_tokens: 0,
      reasoning_tokens: 0,
      total_tokens: 0,
    },
    error: { kind: "usage", message: "bad", details: {} },
  });
  assert.equal(stdout.text.split("\n").length, 2);
});
