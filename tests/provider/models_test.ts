import assert from "node:assert/strict";
import { DEFAULT_CONTEXT_WINDOW, MODEL_TABLE, modelInfo } from "../../src/provider/models.ts";

Deno.test("the built-in table knows the current models and their windows", () => {
  assert.equal(modelInfo("gpt-5.5").context_window, 272_000);
  assert.equal(modelInfo("gpt-5.4-mini").context_window, 272_000);
  assert.equal(modelInfo("gpt-5.3-codex-spark").context_window, 128_000);
  assert.ok(modelInfo("gpt-5.2").efforts.includes("xhigh"));
  assert.ok(!modelInfo("gpt-5.2").efforts.includes("minimal"));
  assert.equal(new Set(MODEL_TABLE.map((m) => m.slug)).size, MODEL_TABLE.length);
});

Deno.test("an unknown model gets the conservative default", () => {
  const info = modelInfo("my-fine-tune");
  assert.equal(info.slug, "my-fine-tune");
  assert.equal(info.context_window, DEFAULT_CONTEXT_WINDOW);
  assert.ok(DEFAULT_CONTEXT_WINDOW <= Math.min(...MODEL_TABLE.map((m) => m.context_window)));
});

Deno.test("a catalog entry wins over the built-in table", () => {
  const catalog = [{ slug: "gpt-5.5", context_window: 400_000, efforts: ["medium" as const] }];
  assert.equal(modelInfo("gpt-5.5", catalog).context_window, 400_000);
  assert.equal(modelInfo("gpt-5.4", catalog).context_window, 272_000);
});
