import assert from "node:assert/strict";
import { addUsage, ZERO_USAGE } from "../../src/provider/usage.ts";

Deno.test("usages add up field by field, from zero", () => {
  const a = {
    input_tokens: 10,
    cached_tokens: 4,
    output_tokens: 3,
    reasoning_tokens: 1,
    total_tokens: 13,
  };
  const b = {
    input_tokens: 1,
    cached_tokens: 2,
    output_tokens: 3,
    reasoning_tokens: 4,
    total_tokens: 4,
  };
  assert.deepEqual(addUsage(ZERO_USAGE, a), a);
  assert.deepEqual(addUsage(a, b), {
    input_tokens: 11,
    cached_tokens: 6,
    output_tokens: 6,
    reasoning_tokens: 5,
    total_tokens: 17,
  });
});
