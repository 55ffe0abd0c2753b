/** The chat's `/skills`, `/NAME` of a skill, and the plan checklist, in a real terminal. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { inputOf, sandbox } from "./helpers.ts";
import { chat, PROMPT_READY, send } from "./chat_pane.ts";

function planCall(callId: string, statuses: string[]) {
  const steps = ["Read the code", "Fix the bug", "Run the tests"];
  return toolCallAnswer({
    name: "update_plan",
    callId,
    arguments: JSON.stringify({
      plan: steps.map((step, i) => ({ step, status: statuses[i] })),
    }),
  });
}

Deno.test("/skills lists the skills and /NAME sends a message that loads one", async () => {
  await using box = await sandbox();
  const folder = join(box.workspace, ".agents/skills/release-notes");
  await Deno.mkdir(folder, { recursive: true });
  await Deno.writeTextFile(
    join(folder, "SKILL.md"),
    "---\nname: release-notes\ndescription: Write release notes\n---\nNOTES-BODY\n",
  );
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Notes done.") }] });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await send(pane, "/skills");
  const listed = await pane.waitFor(/Write release notes/);
  assert.match(listed, /release-notes \(project\)/);

  await send(pane, "/release-notes for v2");
  const screen = await pane.waitFor(/Notes done\./);
  assert.match(screen, /\[skill: release-notes\]/);
  assert.ok(JSON.stringify(inputOf(server.requests[0])).includes("NOTES-BODY"));
});

Deno.test("the plan shows as one checklist per turn, updated in place", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      { sse: planCall("call_p1", ["in_progress", "pending", "pending"]) },
      { sse: planCall("call_p2", ["completed", "completed", "in_progress"]), delayMs: 300 },
      { sse: textAnswer("All fixed.", { responseId: "resp_end" }) },
    ],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await send(pane, "fix it");

  const screen = await pane.waitFor(/All fixed\./);
  assert.equal(screen.match(/Plan \d\/3/g)?.length, 1, `one checklist:\n${screen}`);
  assert.match(screen, /Plan 2\/3\n\s+✓ Read the code\n\s+✓ Fix the bug\n\s+▸ Run the tests/);
});
