import assert from "node:assert/strict";
import { contextUsage } from "../../src/agent/context_usage.ts";
import type { CanonicalEvent } from "../../src/agent/event.ts";

function usage(input: number, output: number): CanonicalEvent {
  return {
    type: "usage",
    data: {
      model: "gpt-5.5",
      input_tokens: input,
      cached_tokens: 0,
      output_tokens: output,
      reasoning_tokens: 0,
      total_tokens: input + output,
    },
  };
}

Deno.test("the context in use is the last call's input plus its output, against the window", () => {
  const events: CanonicalEvent[] = [
    { type: "user_message", data: { text: "hi" } },
    usage(1_000, 200),
    { type: "user_message", data: { text: "more" } },
    usage(27_000, 200),
    { type: "turn_completed", data: { turn: 2, status: "completed" } },
  ];
  assert.deepEqual(contextUsage(events, "gpt-5.5"), {
    used_tokens: 27_200,
    window: 272_000,
    percent: 10,
  });
  assert.equal(contextUsage(events, "gpt-5.3-codex-spark").percent, 21.3);
});

Deno.test("before any model call nothing is in use", () => {
  assert.deepEqual(contextUsage([], "gpt-5.5"), { used_tokens: 0, window: 272_000, percent: 0 });
});

Deno.test("a catalog's window is used when it knows the model", () => {
  const catalog = [{ slug: "gpt-5.5", context_window: 100_000, efforts: [] }];
  assert.equal(contextUsage([usage(50_000, 0)], "gpt-5.5", catalog).percent, 50);
});

Deno.test("after a compaction only the summary counts until the next call", () => {
  const compaction: CanonicalEvent = {
    type: "compaction",
    data: {
      summary: "S",
      reason: "threshold",
      replaces_through_seq: 1,
      model: "gpt-5.5",
      tokens_before: 200_000,
    },
  };
  // The summarising call read 200k tokens and wrote 900.
  const events = [usage(199_000, 1_000), usage(200_000, 900), compaction];
  assert.equal(contextUsage(events, "gpt-5.5").used_tokens, 900);
  assert.equal(contextUsage([...events, usage(5_000, 100)], "gpt-5.5").used_tokens, 5_100);
});
