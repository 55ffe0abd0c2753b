import assert from "node:assert/strict";
import { baseInstructions } from "../../src/agent/prompt.ts";

const context = {
  cwd: "/home/ada/project",
  now: Date.UTC(2026, 10, 24, 23, 59),
  platform: "linux",
};

Deno.test("the instructions name the workspace, the date and the platform", () => {
  const text = baseInstructions(context);
  assert.match(text, /Workspace: \/home\/ada\/project\n/);
  assert.match(text, /Date: 2026-11-24\n/);
  assert.match(text, /Platform: linux\n/);
});

Deno.test("the instructions describe every tool the model is given", () => {
  const text = baseInstructions(context);
  for (const tool of ["read", "write", "edit", "bash", "ls", "find", "grep"]) {
    assert.match(text, new RegExp(`^- ${tool}: `, "m"), tool);
  }
});

Deno.test("the instructions change only with the day, so the prompt cache survives a session", () => {
  const sameDay = baseInstructions({ ...context, now: Date.UTC(2026, 10, 24, 0, 1) });
  assert.equal(sameDay, baseInstructions(context));
  assert.notEqual(baseInstructions({ ...context, now: Date.UTC(2026, 10, 25) }), sameDay);
});

Deno.test("the instructions stay concise", () => {
  const text = baseInstructions(context);
  assert.ok(text.length > 200 && text.length < 4000, `${text.length} characters`);
  assert.doesNotMatch(text, /\\\n/, "no line-continuation backslashes leak into the text");
});

Deno.test("project context follows the base text, each file named, in the order given", () => {
  const base = baseInstructions(context);
  const text = baseInstructions({
    ...context,
    projectContext: [
      { path: "/home/ada/.config/pixir/AGENTS.md", text: "Answer in French.\n", truncated: false },
      { path: "/home/ada/project/AGENTS.md", text: "Run deno task test.", truncated: false },
    ],
  });
  assert.ok(text.startsWith(`${base}\n\nProject context:\n`));
  const user = text.indexOf(
    '<file path="/home/ada/.config/pixir/AGENTS.md">\nAnswer in French.\n</file>',
  );
  const project = text.indexOf(
    '<file path="/home/ada/project/AGENTS.md">\nRun deno task test.\n</file>',
  );
  assert.ok(user > 0 && project > user, text);
});

Deno.test("no project context leaves the base text alone", () => {
  assert.equal(baseInstructions({ ...context, projectContext: [] }), baseInstructions(context));
  assert.doesNotMatch(baseInstructions(context), /Project context/);
});
