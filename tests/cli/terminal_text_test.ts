/**
 * Untrusted text never drives the terminal, end to end: a file holding an escape sequence read by a
 * scripted tool call, a prompt that clears the screen as a session title, a hostile command in the
 * chat's approval question. Each renderer must show the escapes visibly; pipes stay byte-exact.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { hintedSessionId, jsonOutput, sandbox } from "./helpers.ts";
import { chat, PROMPT_READY, send } from "./chat_pane.ts";

const ESC = "\x1b";
const BEL = "\x07";
/** Retitles the terminal when printed raw. */
const TITLE_HIJACK = `${ESC}]0;TITLE-HIJACK${BEL}`;
/** How the sanitizer shows it. */
const TITLE_SHOWN = "^[]0;TITLE-HIJACK^G";
/** A prompt that clears the screen when printed raw. */
const CLEARING_PROMPT = `${ESC}[2Jwipe the screen`;

function readCall(path: string, callId = "c1") {
  return { sse: toolCallAnswer({ name: "read", arguments: JSON.stringify({ path }), callId }) };
}

Deno.test("run: a file with a title escape shows it on stderr visibly, never raw", async () => {
  await using box = await sandbox({ "evil.txt": `${TITLE_HIJACK}\n` });
  await using server = startResponsesServer({
    script: [readCall("evil.txt"), { sse: textAnswer(`answer ${ESC}[31mred`) }],
  });
  const result = await box.run(["run", "read evil.txt"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.ok(!result.stderr.includes(ESC), `raw ESC on stderr: ${JSON.stringify(result.stderr)}`);
  assert.ok(result.stderr.includes(TITLE_SHOWN), result.stderr);
  // The answer into a pipe is the model's text, byte for byte.
  assert.equal(result.stdout, `answer ${ESC}[31mred\n`);
});

Deno.test("sessions: a prompt that clears the screen is listed visibly; --json keeps it exact", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });
  const ran = await box.run(["run", CLEARING_PROMPT], { server });
  assert.equal(ran.code, 0, ran.stderr);

  const listed = await box.run(["sessions"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(!listed.stdout.includes(ESC), JSON.stringify(listed.stdout));
  assert.match(listed.stdout, /\^\[\[2Jwipe the screen/);
  const all = await box.run(["sessions", "--all"]);
  assert.ok(!all.stdout.includes(ESC) && all.stdout.includes("^[[2Jwipe"), all.stdout);

  const json = await box.run(["sessions", "--json"]);
  assert.equal(JSON.parse(json.stdout)[0].title, CLEARING_PROMPT);

  const usage = await box.run(["usage"]);
  assert.equal(usage.code, 0, usage.stderr);
  assert.ok(!usage.stdout.includes(ESC) && usage.stdout.includes("^[[2Jwipe"), usage.stdout);
});

Deno.test("permissions: a saved rule holding an escape is listed visibly", async () => {
  await using box = await sandbox();
  const rule = `touch x${ESC}[2K`;
  await Deno.writeTextFile(
    join(box.home, "permissions.json"),
    JSON.stringify({ version: 1, workspaces: { [box.workspace]: { always: [rule] } } }),
  );
  const listed = await box.run(["permissions"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(!listed.stdout.includes(ESC), JSON.stringify(listed.stdout));
  assert.match(listed.stdout, /touch x\^\[\[2K/);
});

Deno.test("export: byte-exact into a pipe, escapes shown on a terminal", async () => {
  await using box = await sandbox({ "evil.txt": `${TITLE_HIJACK}\n` });
  await using server = startResponsesServer({
    script: [readCall("evil.txt"), { sse: textAnswer("done") }],
  });
  const ran = await box.run(["run", "--json", CLEARING_PROMPT], { server });
  const id = jsonOutput(ran.stdout).session_id ?? "";

  const piped = await box.run(["export", id]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.ok(piped.stdout.includes(CLEARING_PROMPT), "the piped transcript keeps the prompt");
  assert.ok(piped.stdout.includes(TITLE_HIJACK), "the piped transcript keeps the file's bytes");

  await using pane = await chat(box, server, {
    args: ["export", id],
    columns: 100,
    rows: 60,
    after: "echo EXPORT-ENDED $status",
  });
  const screen = await pane.waitFor(/EXPORT-ENDED 0/);
  assert.match(screen, /\^\[\[2Jwipe the screen/);
  assert.ok(screen.includes(TITLE_SHOWN), screen);
  assert.notEqual(await pane.title(), "TITLE-HIJACK");
});

Deno.test("chat: a file with a title escape leaves the title alone and shows the escape", async () => {
  await using box = await sandbox({ "evil.txt": `${TITLE_HIJACK}\n` });
  await using server = startResponsesServer({
    script: [readCall("evil.txt"), {
      sse: textAnswer(`It says ${TITLE_HIJACK}`, { responseId: "resp_2" }),
    }],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  const before = await pane.title();

  await send(pane, `read ${ESC}[2J evil.txt`);
  const screen = await pane.waitFor(/It says \^\[\]0;TITLE-HIJACK\^G/);
  assert.ok(screen.includes(`✓ read evil.txt`), screen);
  assert.ok(screen.includes(TITLE_SHOWN), screen);
  assert.equal(await pane.title(), before, "the pane's title changed");
});

Deno.test("chat: /sessions lists a screen-clearing title visibly", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });
  const ran = await box.run(["run", CLEARING_PROMPT], { server });
  const id = hintedSessionId(ran.stderr);

  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  await send(pane, "/sessions");
  const screen = await pane.waitFor(/\^\[\[2Jwipe the screen/);
  assert.ok(screen.includes(id), screen);
  assert.match(
    screen,
    /pixir \d+\.\d+\.\d+/,
    "the start screen is still there: nothing cleared it",
  );
});

Deno.test("chat: the approval question shows a self-hiding command whole, escapes visible", async () => {
  await using box = await sandbox();
  const hostile = `touch pwned # ${ESC}[2K${ESC}[1G  ls -la`;
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({
          name: "bash",
          arguments: JSON.stringify({ command: hostile }),
          callId: "c1",
        }),
      },
      { sse: textAnswer("Refused.", { responseId: "resp_2" }) },
    ],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await send(pane, "list the files");
  const screen = await pane.waitFor(/run this shell command\?/);
  assert.match(screen, /touch pwned # \^\[\[2K\^\[\[1G {2}ls -la/);
  await pane.press("Escape");
  await pane.waitFor((s) => !s.includes("run this shell command?"));
  await assert.rejects(Deno.stat(join(box.workspace, "pwned")), Deno.errors.NotFound);
});
