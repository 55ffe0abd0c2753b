/**
 * End-to-end tests of `pixir chat`: the real program in a tmux pseudo-terminal, talking to the
 * loopback Responses stand-in.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { everythingServer } from "../fakes/mcp_everything.ts";
import { bodyOf, inputOf, justAfter, outputOf, sandbox, typesOf, userItem } from "./helpers.ts";
import { chat, PROMPT_READY, send } from "./chat_pane.ts";

Deno.test("chat opens on a start screen with the prompt and a footer", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server);

  const screen = await pane.waitFor(PROMPT_READY);
  assert.match(screen, /pixir \d+\.\d+\.\d+/);
  assert.match(screen, /\/help for commands/);
  assert.match(screen, /gpt-5\.5 · medium/);
  assert.equal(server.requests.length, 0, "nothing is sent before the first message");
});

Deno.test("a prompt's answer streams in as markdown and is logged in one session", async () => {
  await using box = await sandbox();
  const answer = textAnswer("**Hello** there, friend", { deltas: ["**Hello** ", "there, friend"] });
  await using server = startResponsesServer({ script: [{ sse: answer, delayMs: 20 }] });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await send(pane, "say hello");

  const screen = await pane.waitFor(/Hello there, friend/);
  assert.match(screen, /› say hello/);
  assert.doesNotMatch(screen, /\*\*Hello\*\*/, "markdown is rendered, not shown raw");
  assert.equal(server.requests.length, 1);
  assert.deepEqual(inputOf(server.requests[0]).at(-1), userItem("say hello"));
  await pane.waitFor((s) => !s.includes("esc to interrupt"));
  const [id] = await box.sessionIds();
  assert.equal(typesOf(await box.log(id)).at(-1), "turn_completed");
});

Deno.test("a tool call shows as one block, an edit as a coloured diff", async () => {
  await using box = await sandbox({ "notes.txt": "alpha\nbeta\ngamma\n" });
  const edit = toolCallAnswer({
    name: "edit",
    callId: "call_edit",
    arguments: JSON.stringify({ path: "notes.txt", old_text: "beta", new_text: "BETA" }),
  });
  await using server = startResponsesServer({
    script: [{ sse: edit }, { sse: textAnswer("Edited.", { responseId: "resp_2" }) }],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await send(pane, "shout beta");

  const screen = await pane.waitFor(/Edited\./);
  assert.match(screen, /✓ edit notes\.txt/);
  assert.match(screen, /@@ -1,3 \+1,3 @@/);
  assert.match(screen, /-beta\n\s*\+BETA/);
  assert.equal(await Deno.readTextFile(join(box.workspace, "notes.txt")), "alpha\nBETA\ngamma\n");
});

Deno.test("Esc aborts a streaming answer; the next prompt continues the same session", async () => {
  await using box = await sandbox();
  const stalled = textAnswer("Counting one two three", {
    deltas: ["Counting ", "one ", "two ", "three"],
    reasoning: false,
  });
  const stallAfter = stalled.findIndex((e) => e.type === "response.output_text.delta") + 2;
  await using server = startResponsesServer({
    script: (_request, index) =>
      index === 0
        ? { sse: stalled, end: { stallAfter } }
        : { sse: textAnswer("Fresh answer", { responseId: "resp_2" }) },
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await send(pane, "count");
  await pane.waitFor(/Counting one/);
  await pane.press("Escape");
  await pane.waitFor(/! interrupted/);
  await send(pane, "again");

  await pane.waitFor(/Fresh answer/);
  const ids = await box.sessionIds();
  assert.equal(ids.length, 1, "both prompts went to one session");
  const types = typesOf(await box.log(ids[0]));
  assert.ok(types.includes("interrupted"), types.join(" "));
  assert.equal(types.filter((t) => t === "user_message").length, 2);
  const input = inputOf(server.requests[1]);
  assert.deepEqual(input[0], userItem("count"));
  assert.deepEqual(input.at(-1), userItem("again"));
});

Deno.test("/model changes the model of the next request", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("ok", { model: "gpt-5.4" }) }],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  // Enter runs the complete command even though its completion list is open.
  await send(pane, "/model gpt-5.4");
  await pane.waitFor(/model set to gpt-5\.4/);
  await send(pane, "hi");

  const screen = await pane.waitFor(/\n\s*ok\s*\n/);
  assert.match(screen, /gpt-5\.4 · medium/);
  assert.equal(bodyOf(server.requests[0]).model, "gpt-5.4");
});

/** Shows, after the program, its exit code and whether the terminal is back in cooked mode. */
const TERMINAL_STATE =
  `printf 'exit=%s\\n' "$status"; stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo`;

Deno.test("/quit leaves the terminal usable", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server, { after: TERMINAL_STATE });
  await pane.waitFor(PROMPT_READY);

  await send(pane, "/quit");

  const screen = await pane.waitFor(/exit=\d+\n.*echo/);
  assert.match(screen, /exit=0\n/);
  assert.match(screen, /^icanon echo$/m, "line editing and echo are back on");
});

Deno.test("Ctrl+D on an empty editor quits and restores the terminal", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server, { after: TERMINAL_STATE });
  await pane.waitFor(PROMPT_READY);

  await pane.press("C-d");

  const screen = await pane.waitFor(/exit=\d+\n.*echo/);
  assert.match(screen, /exit=0\n/);
  assert.match(screen, /^icanon echo$/m);
});

Deno.test("chat works at 40 columns: answer and tool block wrap or clip to the width", async () => {
  await using box = await sandbox({ "a.txt": "x\n" });
  const read = toolCallAnswer({
    name: "read",
    callId: "call_read",
    arguments: JSON.stringify({ path: "a.txt" }),
  });
  const long = "A fairly long answer that must wrap at forty columns without breaking.";
  await using server = startResponsesServer({
    script: [{ sse: read }, { sse: textAnswer(long, { responseId: "resp_2" }) }],
  });
  await using pane = await chat(box, server, { columns: 40, rows: 20 });
  await pane.waitFor(PROMPT_READY);

  await send(pane, "read it");

  const screen = await pane.waitFor(/without breaking\./);
  assert.match(screen, /✓ read a\.txt/);
  for (const line of screen.split("\n")) assert.ok(line.length <= 40, line);
});

Deno.test("chat refuses to start without a terminal and points to `pixir run`", async () => {
  await using box = await sandbox();

  const result = await box.run(["chat"], { stdin: "hello" });

  assert.equal(result.code, 2);
  assert.match(result.stderr, /needs a terminal/);
  assert.match(result.stderr, /pixir run/);
});

Deno.test("SIGTERM during a turn ends the chat, logs the interruption, restores the terminal", async () => {
  await using box = await sandbox();
  const stalled = textAnswer("Working on it", { deltas: ["Working ", "on it"], reasoning: false });
  const stallAfter = stalled.findIndex((e) => e.type === "response.output_text.delta") + 1;
  await using server = startResponsesServer({ script: [{ sse: stalled, end: { stallAfter } }] });
  const pidFile = join(box.root, "pid");
  await using pane = await chat(box, server, { after: TERMINAL_STATE, pidFile });
  await pane.waitFor(PROMPT_READY);
  await send(pane, "work");
  await pane.waitFor(/Working/);

  Deno.kill(Number(await Deno.readTextFile(pidFile)), "SIGTERM");

  const screen = await pane.waitFor(/exit=\d+\n.*echo/);
  assert.match(screen, /exit=130\n/);
  assert.match(screen, /^icanon echo$/m);
  const [id] = await box.sessionIds();
  const interrupted = (await box.log(id)).find((e) => e.type === "interrupted");
  assert.deepEqual(interrupted?.data, { turn: 1, reason: "sigterm" });
});

Deno.test("@path completes with Tab and attaches the file to the message", async () => {
  await using box = await sandbox({ "notes.txt": "the secret is 42\n" });
  await using server = startResponsesServer({ script: [{ sse: textAnswer("It is 42.") }] });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await pane.type("what is in @no");
  await pane.waitFor(/notes\.txt/);
  await pane.press("Tab");
  await pane.waitFor(/what is in @notes\.txt/);
  await pane.press("Enter");

  await pane.waitFor(/It is 42\./);
  const last = inputOf(server.requests[0]).at(-1);
  const text = JSON.stringify(last);
  assert.match(text, /what is in @notes\.txt/);
  assert.match(text, /<file path=\\"notes\.txt\\">\\nthe secret is 42\\n<\/file>/);
});

Deno.test("--continue shows the newest session of the workspace and continues it", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("First answer") }, {
      sse: textAnswer("Second answer", { responseId: "resp_2" }),
    }],
  });
  const first = await box.run(["run", "first question"], { server });
  assert.equal(first.code, 0, first.stderr);
  await using pane = await chat(box, server, { args: ["chat", "--continue"] });

  await pane.waitFor(/› first question[\s\S]*First answer/);
  await send(pane, "second question");

  await pane.waitFor(/Second answer/);
  assert.equal((await box.sessionIds()).length, 1);
  const input = inputOf(server.requests[1]);
  assert.deepEqual(input[0], userItem("first question"));
  assert.deepEqual(input.at(-1), userItem("second question"));
});

Deno.test("the chat follows a resize of the terminal", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server);
  await pane.waitFor(/^─{80}$/m);

  await pane.resize(50, 20);

  const screen = await pane.waitFor(/^─{50}$/m);
  for (const line of screen.split("\n")) assert.ok(line.length <= 50, line);
});

Deno.test("NO_COLOR turns every colour off", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("**bold** and `code`") }],
  });
  await using pane = await chat(box, server, { env: { NO_COLOR: "1" } });
  await pane.waitFor(PROMPT_READY);
  await send(pane, "hi");
  await pane.waitFor(/bold and code/);

  const screen = await pane.screen(true);
  // SGR parameters 30–37, 38;…, 90–97 set a foreground colour.
  const colours = new RegExp(String.raw`\u001b\[[0-9;]*(3[0-7]|9[0-7]|38;)[0-9;]*m`);
  assert.doesNotMatch(screen, colours, "no foreground colour");
});

Deno.test("bare pixir on a terminal opens the chat", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server, { args: [] });

  const screen = await pane.waitFor(PROMPT_READY);
  assert.match(screen, /\/help for commands/);
});

Deno.test("/status, /sessions and /resume work from the chat", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Earlier answer") }] });
  const earlier = await box.run(["run", "earlier question"], { server });
  assert.equal(earlier.code, 0, earlier.stderr);
  const [id] = await box.sessionIds();
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await send(pane, "/status");
  await pane.waitFor(/Using an API key from OPENAI_API_KEY/);
  await send(pane, "/sessions");
  await pane.waitFor(new RegExp(`${id} .* 1 turn +earlier question`));
  await send(pane, `/resume ${id.slice(0, 12)}`);

  const screen = await pane.waitFor(new RegExp(`session ${id}`));
  assert.match(screen, /› earlier question\n[\s\S]*Earlier answer/);
});

Deno.test("/resume refuses a session of another workspace and names the command that opens it", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Elsewhere") }] });
  const other = join(box.root, "other-ws");
  await Deno.mkdir(other);
  const elsewhere = await box.run(["run", "question elsewhere"], { server, cwd: other });
  assert.equal(elsewhere.code, 0, elsewhere.stderr);
  const [id] = await box.sessionIds();
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);

  await send(pane, `/resume ${id}`);

  const screen = await pane.waitFor(/continue it there with: pixir chat --resume/);
  assert.match(screen, /works in\s+\S*other-ws, not in this chat's workspace/);
  assert.doesNotMatch(screen, /question elsewhere/);
});

Deno.test("chat --resume opens a session in its own workspace, as pixir resume does", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("First") }, { sse: textAnswer("unused") }],
  });
  const other = join(box.root, "other-ws");
  await Deno.mkdir(other);
  assert.equal((await box.run(["run", "first"], { server, cwd: other })).code, 0);
  const [id] = await box.sessionIds();

  await using pane = await chat(box, server, { args: ["chat", "--resume", id] });

  const screen = await pane.waitFor(/other-ws/);
  assert.match(screen, /› first\n[\s\S]*First/);
});

Deno.test("a run interrupted mid-answer shows the text it received when the chat resumes it", async () => {
  await using box = await sandbox();
  const events = textAnswer("Partial words and more", { deltas: ["Partial words", " and more"] });
  await using server = startResponsesServer({
    script: [{ sse: events, end: { stallAfter: justAfter(events, "response.output_text.delta") } }],
  });
  const interrupted = await box.run(["run", "tell me"], {
    server,
    signalAfter: { signal: "SIGINT", when: (_stderr, stdout) => stdout.includes("Partial words") },
    timeoutMs: 20_000,
  });
  assert.equal(interrupted.code, 130, interrupted.stderr);
  const [id] = await box.sessionIds();

  await using pane = await chat(box, server, { args: ["chat", "--resume", id] });

  const screen = await pane.waitFor(/Partial words/);
  assert.match(screen, /› tell me\n[\s\S]*Partial words[\s\S]*interrupted/);
});

/** The model's call of `bash` with `command`. */
function bashCall(command: string, callId: string, responseId: string) {
  return {
    sse: toolCallAnswer({
      name: "bash",
      arguments: JSON.stringify({ command }),
      callId,
      responseId,
    }),
  };
}

/** The output the model got for `callId` in `request`. */
const QUESTION = /run this shell command\?\n\s*touch made\.txt\n/;

Deno.test("approval in the chat: y runs the command once and the model gets its output", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      bashCall("touch made.txt", "call_touch", "resp_1"),
      { sse: textAnswer("Made it.", { responseId: "resp_2" }) },
    ],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  await send(pane, "make a file");

  const question = await pane.waitFor(QUESTION);
  assert.match(
    question,
    /\[a\] always: commands starting with "touch made\.txt" in this workspace/,
  );
  assert.equal(await exists(join(box.workspace, "made.txt")), false, "nothing runs before the yes");
  await pane.press("y");

  const screen = await pane.waitFor(/Made it\./);
  assert.match(screen, /allowed by you \(once\): touch made\.txt/);
  assert.doesNotMatch(screen, /run this shell command\?/, "the question is gone");
  assert.ok(await exists(join(box.workspace, "made.txt")));
  assert.match(outputOf(server.requests[1], "call_touch"), /exit code: 0/);
});

Deno.test("approval in the chat: n with a reason refuses, and the model reads the reason", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      bashCall("touch made.txt", "call_touch", "resp_1"),
      { sse: textAnswer("Understood.", { responseId: "resp_2" }) },
    ],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  await send(pane, "make a file");
  await pane.waitFor(QUESTION);

  await pane.press("n");
  await pane.waitFor(/type a reason for the model/);
  await send(pane, "use mkdir instead");

  const screen = await pane.waitFor(/Understood\./);
  assert.match(screen, /denied by you: touch made\.txt — use mkdir instead/);
  assert.equal(await exists(join(box.workspace, "made.txt")), false);
  assert.match(outputOf(server.requests[1], "call_touch"), /declined.*use mkdir instead/);
  assert.equal(server.requests.length, 2, "the reason was not sent as a message");
});

Deno.test("approval in the chat: a saves the prefix; the same command then runs unasked", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      bashCall("touch made.txt", "call_1", "resp_1"),
      { sse: textAnswer("First.", { responseId: "resp_2" }) },
      bashCall("touch made.txt", "call_2", "resp_3"),
      { sse: textAnswer("Second.", { responseId: "resp_4" }) },
    ],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  await send(pane, "make a file");
  await pane.waitFor(QUESTION);
  await pane.press("a");
  await pane.waitFor(/First\./);
  await Deno.remove(join(box.workspace, "made.txt"));

  await send(pane, "make it again");

  const screen = await pane.waitFor(/Second\./);
  assert.match(screen, /allowed by you \(always: "touch made\.txt"\): touch made\.txt/);
  assert.match(screen, /allowed by a saved rule \("touch made\.txt"\): touch made\.txt/);
  assert.ok(await exists(join(box.workspace, "made.txt")), "the second call ran");
  const listed = await box.run(["permissions"], { server });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /always:\n\s+touch made\.txt\n/);
});

Deno.test("approval in the chat: a saves each command's whole argv, shown before the key; rm -rf important is asked again", async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.workspace, "important"));
  const line = "rm -rf build && mkdir build && echo done > build/out.log";
  await using server = startResponsesServer({
    script: [
      bashCall(line, "call_1", "resp_1"),
      { sse: textAnswer("Built.", { responseId: "resp_2" }) },
      bashCall("rm -rf important", "call_2", "resp_3"),
      { sse: textAnswer("Kept.", { responseId: "resp_4" }) },
    ],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  await send(pane, "rebuild");
  const question = await pane.waitFor(/\[a\] always: commands starting with/);
  assert.match(
    question.replaceAll(/\s+/g, " "),
    /"rm -rf build", "mkdir build", "echo done > build\/out\.log"/,
  );
  await pane.press("a");
  await pane.waitFor(/Built\./);
  assert.equal(await Deno.readTextFile(join(box.workspace, "build/out.log")), "done\n");

  await send(pane, "clean up");
  await pane.waitFor(/run this shell command\?\n\s*rm -rf important\n/);
  await pane.press("n");
  await pane.waitFor(/type a reason for the model/);
  await pane.press("Enter");
  await pane.waitFor(/Kept\./);
  assert.ok(await exists(join(box.workspace, "important")), "rm -rf important did not run");
  const saved = JSON.parse(await Deno.readTextFile(join(box.home, "permissions.json")));
  assert.deepEqual(saved.workspaces[box.workspace].always, [
    "rm -rf build",
    "mkdir build",
    "echo done > build/out.log",
  ]);
});

Deno.test("approval in the chat: Esc refuses and stops the turn", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      bashCall("touch made.txt", "call_touch", "resp_1"),
      { sse: textAnswer("Should not be asked for.", { responseId: "resp_2" }) },
    ],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  await send(pane, "make a file");
  await pane.waitFor(QUESTION);

  await pane.press("Escape");

  const screen = await pane.waitFor(/! interrupted/);
  assert.match(screen, /denied by you: touch made\.txt/);
  assert.equal(await exists(join(box.workspace, "made.txt")), false);
  assert.equal(server.requests.length, 1, "the turn stopped");
  const [id] = await box.sessionIds();
  const decision = (await box.log(id)).find((e) => e.type === "permission_decision");
  assert.equal(decision?.data.decision, "deny");
  assert.equal(decision?.data.source, "user");
});

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("/undo in the chat restores the file the last turn edited", async () => {
  await using box = await sandbox({ "notes.txt": "alpha\nbeta\n" });
  const edit = toolCallAnswer({
    name: "edit",
    callId: "call_edit",
    arguments: JSON.stringify({ path: "notes.txt", old_text: "beta", new_text: "BETA" }),
  });
  await using server = startResponsesServer({
    script: [{ sse: edit }, { sse: textAnswer("Edited.", { responseId: "resp_2" }) }],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  await send(pane, "/undo");
  await pane.waitFor(/nothing to undo: this chat has no session yet/);
  await send(pane, "shout beta");
  await pane.waitFor(/Edited\./);
  assert.equal(await Deno.readTextFile(join(box.workspace, "notes.txt")), "alpha\nBETA\n");

  await send(pane, "/undo");

  const screen = await pane.waitFor(/undid turn 1:/);
  assert.match(screen, /restored +notes\.txt/);
  assert.match(screen, /shell commands are not covered/);
  assert.equal(await Deno.readTextFile(join(box.workspace, "notes.txt")), "alpha\nbeta\n");
  const [id] = await box.sessionIds();
  assert.equal((await box.log(id)).at(-1)?.type, "undo");
});

Deno.test("chat takes config flags, and says once that an untrusted project config was not read", async () => {
  await using box = await sandbox({ ".git/HEAD": "ref: refs/heads/main\n" });
  await Deno.mkdir(join(box.workspace, ".pixir"));
  await Deno.writeTextFile(join(box.workspace, ".pixir/config.toml"), 'model = "gpt-5.2"\n');
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server, {
    args: ["chat", "--config", "model=gpt-5.4", "--effort", "high"],
    columns: 200,
  });
  const screen = await pane.waitFor(PROMPT_READY);
  assert.match(screen, /gpt-5\.4 · high/);
  assert.match(screen, /\.pixir\/config\.toml is not read: this workspace is not trusted/);
  assert.match(screen, /pixir trust/);
});

Deno.test("an MCP call in the chat: asked about, then shown as a block naming server and tool", async () => {
  await using box = await sandbox();
  const entry = await everythingServer();
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[mcp_servers.everything]\ncommand = "node"\nargs = [${JSON.stringify(entry)}, "stdio"]\n`,
  );
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({
          name: "mcp__everything__echo",
          arguments: JSON.stringify({ message: "from-chat" }),
          callId: "call_echo",
          responseId: "resp_1",
        }),
      },
      { sse: textAnswer("Echoed.", { responseId: "resp_2" }) },
    ],
  });
  await using pane = await chat(box, server);
  await pane.waitFor(PROMPT_READY);
  await send(pane, "echo something");

  const question = await pane.waitFor(/call this MCP tool\?\n\s*everything\/echo/);
  assert.match(question, /\[a\] always: "everything\/echo" in this workspace/);
  await pane.press("y");

  const screen = await pane.waitFor(/Echoed\./);
  assert.match(screen, /allowed by you \(once\): everything\/echo/);
  assert.match(screen, /mcp everything\/echo/);
  assert.match(outputOf(server.requests[1], "call_echo"), /from-chat/);
});

Deno.test("--continue of a compacted session shows it from the compaction and says where the rest is", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer("OLD ANSWER before the summary") },
      { sse: textAnswer("second answer") },
      { sse: textAnswer("SUMMARY of the earlier turns") },
      { sse: textAnswer("unused") },
    ],
  });
  assert.equal((await box.run(["run", "first question"], { server })).code, 0);
  const [id] = await box.sessionIds();
  assert.equal((await box.run(["resume", id, "second question"], { server })).code, 0);
  const compact = await box.run(["compact", id], { server });
  assert.equal(compact.code, 0, compact.stderr);

  await using pane = await chat(box, server, { args: ["chat", "--continue"] });

  const screen = await pane.waitFor(/pixir export/);
  assert.match(screen, /compacted the conversation/);
  assert.match(screen, /second answer/);
  assert.match(screen.replaceAll("\n", " "), new RegExp(`not shown; .pixir +export +${id}.`));
  assert.doesNotMatch(screen, /OLD ANSWER/);
});
