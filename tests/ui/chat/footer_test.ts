import assert from "node:assert/strict";
import { visibleWidth } from "@mariozechner/pi-tui";
import {
  contextText,
  type FooterInfo,
  footerLine,
  quotaText,
  shortenPath,
} from "../../../src/ui/chat/footer.ts";
import { styleFor } from "../../../src/ui/style.ts";

const plain = styleFor(false, undefined);
const info: FooterInfo = {
  model: "gpt-5.5",
  effort: "high",
  workspace: "~/code/app",
  contextTokens: 27_200,
  quota: {
    observed_at: 0,
    primary: { used_percent: 12.5, window_minutes: 300 },
    secondary: { used_percent: 3, window_minutes: 10080 },
  },
};

Deno.test("the footer shows model, effort, context, both quota windows and the workspace", () => {
  assert.equal(footerLine(info, 80, plain), "gpt-5.5 · high  ctx 10%  5h 13%  7d 3%  ~/code/app");
});

Deno.test("before any answer and without quota only the model and workspace show", () => {
  assert.equal(
    footerLine({ ...info, contextTokens: undefined, quota: null }, 80, plain),
    "gpt-5.5 · high  ~/code/app",
  );
});

Deno.test("a narrow footer shortens the workspace first, then clips, never overflowing", () => {
  const long = { ...info, workspace: "/very/long/path/to/some/deeply/nested/workspace" };
  const at50 = footerLine(long, 50, plain);
  assert.equal(at50, "gpt-5.5 · high  ctx 10%  5h 13%  7d 3%  …workspace");
  assert.ok(visibleWidth(at50) <= 50);
  for (const width of [30, 20, 10]) {
    assert.ok(visibleWidth(footerLine(long, width, plain)) <= width);
  }
});

Deno.test("context is a percent of a known window, else a token count", () => {
  assert.equal(contextText("gpt-5.5", 136_000), "ctx 50%");
  assert.equal(contextText("gpt-5.5", 999_999), "ctx 100%");
  assert.equal(contextText("mystery", 12_800), "ctx 10%", "an unknown model counts against 128k");
  assert.equal(contextText("gpt-5.5", undefined), undefined);
});

Deno.test("quota windows are named by their length", () => {
  assert.equal(quotaText({ used_percent: 40, window_minutes: 300 }), "5h 40%");
  assert.equal(quotaText({ used_percent: 1, window_minutes: 10080 }), "7d 1%");
  assert.equal(quotaText({ used_percent: 2, window_minutes: 45 }), "45m 2%");
  assert.equal(quotaText({ used_percent: 2 }), "quota 2%");
});

Deno.test("paths keep their tail when shortened", () => {
  assert.equal(shortenPath("/a/b/c", 10), "/a/b/c");
  assert.equal(shortenPath("/abc/def/ghi", 6), "…f/ghi");
});
