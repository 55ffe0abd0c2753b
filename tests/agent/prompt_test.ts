import assert from "node:assert/strict";
import { baseInstructions, environmentContext } from "../../src/agent/prompt.ts";

const context = {};
const facts = {
  cwd: "/home/ada/project",
  now: Date.UTC(2026, 10, 24, 23, 59),
  platform: "linux",
};

Deno.test("the environment message names the workspace, the date and the platform", () => {
  const text = environmentContext(facts);
  assert.match(text, /^<environment_context>\n/);
  assert.match(text, /<workspace>\/home\/ada\/project<\/workspace>/);
  assert.match(text, /<current_date>2026-11-24<\/current_date>/);
  assert.match(text, /<platform>linux<\/platform>/);
});

Deno.test("the instructions describe every tool the model is given", () => {
  const text = baseInstructions(context);
  for (const tool of ["read", "write", "edit", "bash", "ls", "find", "grep"]) {
    assert.match(text, new RegExp(`^- ${tool}: `, "m"), tool);
  }
});

Deno.test("the instructions hold no date or workspace, so a session's cached prefix stays", () => {
  const text = baseInstructions(context);
  assert.doesNotMatch(text, /2026|\/home\/ada/);
  assert.notEqual(
    environmentContext({ ...facts, now: Date.UTC(2026, 10, 25) }),
    environmentContext(facts),
  );
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
