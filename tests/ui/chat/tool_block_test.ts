import assert from "node:assert/strict";
import { visibleWidth } from "@mariozechner/pi-tui";
import { unifiedDiff } from "../../../src/ui/chat/diff.ts";
import {
  MAX_DIFF_LINES,
  MAX_PREVIEW_LINES,
  toolBlockLines,
  type ToolState,
  type ToolView,
} from "../../../src/ui/chat/tool_block.ts";
import { styleFor } from "../../../src/ui/style.ts";

const plain = styleFor(false, undefined);
const colour = styleFor(true, undefined);
const bash: ToolView = {
  name: "bash",
  arguments: JSON.stringify({ command: "ls -la" }),
  state: { kind: "running" },
};

Deno.test("a running call shows its name, key argument and that it runs", () => {
  assert.deepEqual(toolBlockLines(bash, 80, plain), [" ● bash ls -la", "   running…"]);
});

Deno.test("a finished call shows a bounded preview of its output", () => {
  const output = Array.from({ length: 10 }, (_, i) => `line ${i}`).join("\n");
  const lines = toolBlockLines({ ...bash, state: { kind: "done", ok: true, output } }, 80, plain);
  assert.equal(lines[0], " ✓ bash ls -la");
  assert.deepEqual(lines.slice(1, 1 + MAX_PREVIEW_LINES), [
    "   line 0",
    "   line 1",
    "   line 2",
    "   line 3",
  ]);
  assert.equal(lines.at(-1), `   … ${10 - MAX_PREVIEW_LINES} more lines`);
});

Deno.test("a failed call shows its error kind and message", () => {
  const state: ToolState = {
    kind: "done",
    ok: false,
    output: "",
    error: { kind: "not_found", message: "no such file:\n a.txt" },
  };
  assert.deepEqual(toolBlockLines({ ...bash, state }, 80, plain), [
    " ✗ bash ls -la",
    "   not_found: no such file: a.txt",
  ]);
});

Deno.test("an edit shows its diff in colour", () => {
  const view: ToolView = {
    name: "edit",
    arguments: JSON.stringify({ path: "a.txt" }),
    state: { kind: "done", ok: true, output: "edited" },
    diff: unifiedDiff("a\nb\n", "a\nB\n"),
  };
  assert.deepEqual(toolBlockLines(view, 80, colour).slice(1), [
    "   \x1b[36m@@ -1,2 +1,2 @@\x1b[39m",
    "   \x1b[2m a\x1b[22m",
    "   \x1b[31m-b\x1b[39m",
    "   \x1b[32m+B\x1b[39m",
  ]);
});

Deno.test("a long diff is cut, and the cut is counted", () => {
  const before = Array.from({ length: 30 }, (_, i) => `old ${i}`).join("\n");
  const after = Array.from({ length: 30 }, (_, i) => `new ${i}`).join("\n");
  const view: ToolView = {
    name: "edit",
    arguments: JSON.stringify({ path: "a.txt" }),
    state: { kind: "done", ok: true, output: "edited" },
    diff: unifiedDiff(before, after),
  };
  const lines = toolBlockLines(view, 80, plain);
  assert.equal(lines.length, 1 + MAX_DIFF_LINES + 1);
  assert.match(lines.at(-1) ?? "", /… 47 more diff lines/);
});

Deno.test("no line is wider than the block", () => {
  const view: ToolView = {
    name: "bash",
    arguments: JSON.stringify({ command: "x".repeat(200) }),
    state: { kind: "done", ok: true, output: "y".repeat(300) },
  };
  for (const width of [80, 30, 12]) {
    for (const line of toolBlockLines(view, width, colour)) assert.ok(visibleWidth(line) <= width);
  }
});
