import assert from "node:assert/strict";
import { contextWindow } from "../../src/provider/models.ts";

Deno.test("known models and their dated variants have a context window", () => {
  assert.equal(contextWindow("gpt-5.5"), 272_000);
  assert.equal(contextWindow("gpt-5.5-2026-01-15"), 272_000);
  assert.equal(contextWindow("gpt-4.1"), 1_047_576);
});

Deno.test("the longest known prefix wins, and unknown models have none", () => {
  assert.equal(contextWindow("gpt-5-mini"), 272_000);
  assert.equal(contextWindow("gpt-4.1-mini"), 1_047_576);
  assert.equal(contextWindow("o3"), undefined);
  assert.equal(contextWindow("gpt-5.55"), undefined);
});
