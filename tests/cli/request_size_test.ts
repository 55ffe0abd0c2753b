import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { FIXED_BYTES_LIMIT, fixedBytes } from "../fakes/request_size.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { bodyOf, sandbox } from "./helpers.ts";

Deno.test("with every feature on, a request's instructions and tools stay within 10 KB", async () => {
  await using box = await sandbox();
  // One skill, so the skills listing and the `skill` tool are in the request too.
  const skill = `${box.workspace}/.agents/skills/release-notes`;
  await Deno.mkdir(skill, { recursive: true });
  await Deno.writeTextFile(
    `${skill}/SKILL.md`,
    "---\nname: release-notes\ndescription: Writes release notes from the commits since the last tag.\n---\nSteps.\n",
  );
  const task = JSON.stringify({ description: "size", prompt: "Say hi." });
  await using server = startResponsesServer({
    script: [
      { sse: toolCallAnswer({ name: "task", arguments: task, callId: "call_size" }) },
      { sse: textAnswer("hi", { responseId: "resp_child" }) },
      { sse: textAnswer("done", { responseId: "resp_parent" }) },
    ],
  });

  const result = await box.run(["run", "--search", "hi"], { server });

  assert.equal(result.code, 0, result.stderr);
  const [parent, child] = server.requests.map(bodyOf).map(fixedBytes);
  // Everything on: the hosted search, the task, plan and skill tools are among the measured tools.
  const names = parent.tools.map((tool) => tool.name);
  for (const name of ["web_search", "task", "update_plan", "skill"]) {
    assert.ok(names.includes(name), `${name} missing from ${names.join(", ")}`);
  }
  assert.ok(parent.total <= FIXED_BYTES_LIMIT, `${parent.total} fixed bytes`);
  assert.ok(child.total < parent.total, "a child carries fewer tools than its parent");
  // A child may search the web when its parent may, and reads the same skills; the plan is the parent's.
  const childNames = child.tools.map((tool) => tool.name);
  assert.ok(
    childNames.includes("web_search") && childNames.includes("skill"),
    childNames.join(", "),
  );
  assert.ok(!childNames.includes("update_plan") && !childNames.includes("task"));
});
