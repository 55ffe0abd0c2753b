/**
 * The chat's rough edges, end to end in tmux: a completion list never outlives the text it
 * completes, a tool call waiting for approval says so, and retries share one line that updates
 * (in the chat and on `run`'s stderr at a terminal).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { overloadedReply, textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { sandbox } from "./helpers.ts";
import { chat, PROMPT_READY, send } from "./chat_pane.ts";

/** The editor's line, between its two rules. */
function editorLine(screen: string): string {
  const match = /─{20,}\n(.*)\n─{20,}/.exec(screen);
  assert.ok(match, `no editor on the screen:\n${screen}`);
  return match[1].trim();
}

Deno.test("a completion list closes when its text is gone: /mo Tab, Ctrl+U, @hel Tab", async () => {
  await using box = await sandbox({ "hello.txt": "hi\n" });
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  // As fast as tmux can type: nothing waits for the list to open.
  await pane.type("/mo");
  await pane.press("Tab");
  await pane.press("C-u");
  await pane.type("@hel");
  await pane.press("Tab");

  const screen = await pane.waitFor((s) => editorLine(s).startsWith("@hello.txt"));
  assert.doesNotMatch(screen, /@model|\/model/);
  assert.doesNotMatch(screen, /show or change the model/, "the slash list is gone");
});

Deno.test("Ctrl+U alone closes an open completion list", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await pane.type("/mo");
  await pane.waitFor(/show or change the model/);
  await pane.press("C-u");

  const screen = await pane.waitFor((s) => !s.includes("show or change the model"));
  assert.equal(editorLine(screen), "");
});

Deno.test("a tool block waiting for approval says so, then shows the result", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({
          name: "bash",
          arguments: JSON.stringify({ command: "touch made.txt" }),
          callId: "c1",
        }),
      },
      { sse: textAnswer("Made.", { responseId: "resp_2" }) },
    ],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  await send(pane, "make a file");

  const asking = await pane.waitFor(/run this shell command\?/);
  assert.match(asking, /\? bash touch made\.txt\n\s+waiting for your approval/);
  assert.doesNotMatch(asking, /running…/);
  await pane.press("y");

  const done = await pane.waitFor(/Made\./);
  assert.match(done, /✓ bash touch made\.txt/);
  assert.doesNotMatch(done, /waiting for your approval/);
});

Deno.test("retries in the chat are one line that updates with the attempt and the cause", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      overloadedReply(),
      overloadedReply(),
      overloadedReply(),
      { sse: textAnswer("Finally.") },
    ],
  });
  await using pane = await chat(box, server, { env: { PIXIR_RETRY_BASE_MS: "150" } });
  await pane.waitFor(PROMPT_READY);
  await send(pane, "hello");

  const screen = await pane.waitFor(/Finally\./);
  assert.equal(screen.match(/! retry \d/g)?.length, 1, screen);
  assert.match(screen, /! retry 3 in \d+\.\d s: .*overloaded/i);
});

Deno.test("retries of run on a terminal are one stderr line that updates", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [overloadedReply(), overloadedReply(), { sse: textAnswer("Finally.") }],
  });
  await using pane = await chat(box, server, {
    args: ["run", "hello"],
    env: { PIXIR_RETRY_BASE_MS: "50" },
    after: "echo RUN-ENDED $status",
  });
  const screen = await pane.waitFor(/RUN-ENDED 0/, 30_000);
  assert.equal(screen.match(/! retry \d/g)?.length, 1, screen);
  assert.match(screen, /! retry 2 in \d+\.\d s: /);
  assert.match(screen, /Finally\./);
});

Deno.test("a workspace policy the chat cannot read ends it with the usage error, as before it painted", async () => {
  await using box = await sandbox();
  await Deno.writeTextFile(
    join(box.home, "permissions.json"),
    JSON.stringify({
      version: 1,
      workspaces: { [box.workspace]: { policy: { allow_run: "yes" } } },
    }),
  );
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server, { columns: 160, after: "echo CHAT-ENDED $status" });
  const screen = await pane.waitFor(/CHAT-ENDED \d+/, 30_000);
  // The pane wraps long lines.
  assert.match(screen.replaceAll("\n", ""), /pixir: .*allow_run must be true or a list of strings/);
  assert.match(screen, /CHAT-ENDED 2/);
  assert.equal(server.requests.length, 0);
});
