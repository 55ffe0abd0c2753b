import assert from "node:assert/strict";
import { visibleWidth } from "@mariozechner/pi-tui";
import { PlanChecklist } from "../../../src/ui/chat/plan_checklist.ts";
import { styleFor } from "../../../src/ui/style.ts";

const style = styleFor(false, undefined);

Deno.test("the checklist caches its lines per width and drops them when the plan changes", () => {
  const list = new PlanChecklist({ steps: [{ step: "one", status: "pending" }] }, style);
  const first = list.render(40);
  assert.equal(list.render(40), first, "the same width reuses the lines");
  assert.notEqual(list.render(30), first, "another width renders again");
  list.set({ steps: [{ step: "one", status: "completed" }] });
  assert.match(list.render(30).join("\n"), /Plan 1\/1\n\s+✓ one/);
});

Deno.test("long steps wrap within the width, and control sequences are not passed on", () => {
  const list = new PlanChecklist({
    explanation: "why \x1b[2Jnot",
    steps: [{ step: "a very long step ".repeat(6).trim(), status: "in_progress" }],
  }, style);
  const lines = list.render(30);
  assert.ok(lines.every((line) => visibleWidth(line) <= 30), lines.join("\n"));
  assert.ok(lines.length > 3, "the step wraps");
  assert.ok(!lines.join("").includes("\x1b[2J"));
});
