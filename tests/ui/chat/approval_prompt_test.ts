import assert from "node:assert/strict";
import { ApprovalPrompt, promptAction } from "../../../src/ui/chat/approval_prompt.ts";
import { styleFor } from "../../../src/ui/style.ts";

const style = styleFor(false, undefined);

/** The prompt's text at 80 columns, trailing spaces removed. */
function screen(prompt: ApprovalPrompt): string {
  return prompt.render(80).map((line) => line.trimEnd()).join("\n");
}

Deno.test("y answers once, a always, in either case", () => {
  assert.deepEqual(promptAction("choosing", "y", ""), { kind: "answer", answer: { kind: "once" } });
  assert.deepEqual(promptAction("choosing", "Y", ""), { kind: "answer", answer: { kind: "once" } });
  assert.deepEqual(promptAction("choosing", "a", ""), {
    kind: "answer",
    answer: { kind: "always" },
  });
});

Deno.test("n moves on to the reason; other keys are swallowed while choosing", () => {
  assert.deepEqual(promptAction("choosing", "n", "draft"), { kind: "reason" });
  assert.deepEqual(promptAction("choosing", "x", ""), { kind: "ignore" });
  assert.deepEqual(promptAction("choosing", "\r", ""), { kind: "ignore" });
  assert.deepEqual(promptAction("choosing", "\x1b[A", ""), { kind: "ignore" }, "arrow keys");
});

Deno.test("at the reason, keys edit and Enter sends the no with the typed reason", () => {
  assert.deepEqual(promptAction("reason", "u", ""), { kind: "edit" });
  assert.deepEqual(promptAction("reason", "\r", "  use pnpm\ninstead "), {
    kind: "answer",
    answer: { kind: "deny", reason: "use pnpm instead" },
  });
  assert.deepEqual(promptAction("reason", "\r", "  "), {
    kind: "answer",
    answer: { kind: "deny" },
  }, "an empty reason is a plain no");
});

Deno.test("Esc and Ctrl+C cancel at either stage", () => {
  for (const stage of ["choosing", "reason"] as const) {
    assert.deepEqual(promptAction(stage, "\x1b", "why"), { kind: "cancel" });
    assert.deepEqual(promptAction(stage, "\x03", "why"), { kind: "cancel" });
  }
});

Deno.test("the prompt shows the command, the prefixes always saves, then the reason hint", () => {
  const prompt = new ApprovalPrompt(
    { command: "touch made.txt && npm test", prefixes: ["touch", "npm test"] },
    style,
  );
  const choosing = screen(prompt);
  assert.match(choosing, /touch made\.txt && npm test/);
  assert.match(choosing, /\[y\] yes, once/);
  assert.match(choosing, /\[a\] always: commands starting with "touch", "npm test" in this/);
  assert.match(choosing, /\[n\] no/);
  assert.equal(prompt.stage, "choosing");

  prompt.askReason();
  assert.equal(prompt.stage, "reason");
  assert.match(screen(prompt), /reason for the model \(optional\), Enter to send the no/);
  assert.doesNotMatch(screen(prompt), /\[y\]/);
});

Deno.test("a command without a prefix says always is the same as once", () => {
  const prompt = new ApprovalPrompt({ command: "> out.txt", prefixes: [] }, style);
  assert.match(screen(prompt), /\[a\] always: same as once/);
});
