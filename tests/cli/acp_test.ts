/**
 * `pixir acp` driven the way an editor drives it: the SDK's client-side connection talks to the
 * real program over its stdin and stdout, against the loopback Responses stand-in.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  client,
  type ClientConnection,
  ndJsonStream,
  RequestError,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionNotification,
  type SessionUpdate,
} from "@agentclientprotocol/sdk";
import { textAnswer, toolCallAnswer, usageLimitReply } from "../fakes/fixtures.ts";
import { type ResponsesServer, startResponsesServer } from "../fakes/responses_server.ts";
import { denoDir, pixirArgv } from "../harness/cli.ts";
import { API_KEY, bodyOf, outputOf, type Sandbox, sandbox } from "./helpers.ts";
import { everythingServer, startEverythingHttp } from "../fakes/mcp_everything.ts";

/** A running `pixir acp` and the editor's side of the connection. */
interface Editor extends AsyncDisposable {
  connection: ClientConnection;
  /** Every `session/update` received, in order. */
  updates: SessionNotification[];
  /** Permission requests received, in order. */
  questions: RequestPermissionRequest[];
  /** How the next permission request is answered. */
  answer: (request: RequestPermissionRequest) => Promise<RequestPermissionResponse>;
  /** What the agent wrote to stderr so far. */
  stderr(): string;
  /** What the agent wrote to stdout so far, as the editor received it. */
  stdout(): string;
  /** Writes `text` to the agent's stdin as it is, bypassing the client. */
  sendRaw(text: string): Promise<void>;
  /** Closes the agent's stdin, as an editor does when it quits; resolves to its exit code. */
  closeStdin(): Promise<number>;
}

/** Starts `pixir acp` in the sandbox's workspace (no API key and no server unless given). */
async function startEditor(
  box: Sandbox,
  options: { server?: ResponsesServer; apiKey?: string | null } = {},
): Promise<Editor> {
  const [command, ...args] = pixirArgv(["acp"]);
  const apiKey = options.apiKey === undefined ? API_KEY : options.apiKey;
  const child = new Deno.Command(command, {
    args,
    cwd: box.workspace,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: box.root,
      PIXIR_HOME: box.home,
      PIXIR_RETRY_BASE_MS: "1",
      DENO_DIR: await denoDir(),
      DENO_NO_UPDATE_CHECK: "1",
      OPENAI_BASE_URL: options.server?.url ?? "http://127.0.0.1:1/v1",
      ...(apiKey === null ? {} : { OPENAI_API_KEY: apiKey }),
    },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const stderrDone = (async () => {
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) stderr += text;
  })();
  const [protocol, copy] = child.stdout.tee();
  let stdout = "";
  const stdoutDone = (async () => {
    for await (const text of copy.pipeThrough(new TextDecoderStream())) stdout += text;
  })();
  const writer = child.stdin.getWriter();
  const output = new WritableStream<Uint8Array>({
    write: (chunk) => writer.write(chunk),
    close: () => writer.close().catch(() => {}),
  });
  const editor: Editor = {
    updates: [],
    questions: [],
    answer: () => Promise.resolve({ outcome: { outcome: "cancelled" } }),
    stderr: () => stderr,
    stdout: () => stdout,
    sendRaw: (text) => writer.write(new TextEncoder().encode(text)),
    connection: undefined as unknown as ClientConnection,
    async closeStdin() {
      await writer.close().catch(() => {});
      const status = await child.status;
      await Promise.all([stderrDone, stdoutDone]);
      return status.code;
    },
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch {
        // It has exited already.
      }
      await child.status;
      await Promise.all([stderrDone, stdoutDone]).catch(() => {});
    },
  };
  const app = client({ name: "test-editor" })
    .onNotification("session/update", ({ params }) => {
      editor.updates.push(params);
    })
    .onRequest("session/request_permission", ({ params }) => {
      editor.questions.push(params);
      return editor.answer(params);
    });
  editor.connection = app.connect(ndJsonStream(output, protocol));
  return editor;
}

/** Fails unless every line the agent wrote to stdout is a JSON-RPC 2.0 message. */
function assertOnlyProtocol(stdout: string): void {
  const lines = stdout.split("\n").filter((line) => line !== "");
  assert.ok(lines.length > 0, "the agent answered on stdout");
  for (const line of lines) {
    const message = JSON.parse(line);
    assert.equal(message.jsonrpc, "2.0", `not a JSON-RPC message on stdout: ${line}`);
  }
}

/** Rejects when `promise` takes longer than `ms`, so a hang fails the test in seconds. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const TIME = 30_000;

/** The updates of one kind, for one session. */
function updatesOf<K extends SessionUpdate["sessionUpdate"]>(
  editor: Editor,
  sessionId: string,
  kind: K,
): Extract<SessionUpdate, { sessionUpdate: K }>[] {
  return editor.updates
    .filter((n) => n.sessionId === sessionId)
    .map((n) => n.update)
    .filter((u): u is Extract<SessionUpdate, { sessionUpdate: K }> => u.sessionUpdate === kind);
}

function chunkText(updates: readonly { content: { type: string } }[]): string {
  return updates.map((u) => "text" in u.content ? String(u.content.text) : "").join("");
}

async function initialize(editor: Editor) {
  return await within(
    editor.connection.agent.request("initialize", {
      protocolVersion: 1,
      clientCapabilities: {},
    }),
    TIME,
    "initialize",
  );
}

Deno.test("initialize, new and a prompt with a tool call stream as updates; the session is Pixir's", async () => {
  await using box = await sandbox({ "notes.txt": "old line\n" });
  const edit = toolCallAnswer({
    name: "edit",
    arguments: JSON.stringify({ path: "notes.txt", old_text: "old line", new_text: "new line" }),
    callId: "call_edit_1",
  });
  await using server = startResponsesServer({
    script: [{ sse: edit }, {
      sse: textAnswer("Edited the notes.", { deltas: ["Edited ", "the notes."] }),
    }],
  });
  await using editor = await startEditor(box, { server });

  const init = await initialize(editor);
  assert.equal(init.protocolVersion, 1);
  assert.equal(init.agentCapabilities?.loadSession, true);
  assert.equal(init.agentCapabilities?.promptCapabilities?.embeddedContext, true);
  assert.deepEqual(init.authMethods?.map((m) => m.id), ["chatgpt", "openai-api-key"]);

  const { sessionId, modes } = await within(
    editor.connection.agent.request("session/new", { cwd: box.workspace, mcpServers: [] }),
    TIME,
    "session/new",
  );
  assert.equal(modes?.currentModeId, "ask");
  assert.deepEqual(modes?.availableModes.map((m) => m.id), ["read-only", "ask", "auto"]);

  const reply = await within(
    editor.connection.agent.request("session/prompt", {
      sessionId,
      prompt: [{ type: "text", text: "change the notes" }],
    }),
    TIME,
    "session/prompt",
  );
  assert.equal(reply.stopReason, "end_turn");
  assert.equal(await Deno.readTextFile(join(box.workspace, "notes.txt")), "new line\n");

  const [call] = updatesOf(editor, sessionId, "tool_call");
  assert.equal(call.toolCallId, "call_edit_1");
  assert.equal(call.kind, "edit");
  assert.equal(call.title, "edit notes.txt");
  assert.deepEqual(call.locations, [{ path: join(box.workspace, "notes.txt") }]);
  assert.deepEqual(call.content, [{
    type: "diff",
    path: join(box.workspace, "notes.txt"),
    oldText: "old line",
    newText: "new line",
  }]);
  const [done] = updatesOf(editor, sessionId, "tool_call_update");
  assert.equal(done.toolCallId, "call_edit_1");
  assert.equal(done.status, "completed");
  assert.equal(chunkText(updatesOf(editor, sessionId, "agent_message_chunk")), "Edited the notes.");
  assert.ok(updatesOf(editor, sessionId, "agent_thought_chunk").length > 0, "reasoning streams");

  // An ordinary Pixir session: its log holds the turn.
  assert.deepEqual(await box.sessionIds(), [sessionId]);
  const log = await box.log(sessionId);
  assert.ok(log.some((e) => e.type === "user_message" && e.data.text === "change the notes"));
  assert.equal(await editor.closeStdin(), 0);
  assertOnlyProtocol(editor.stdout());
  assert.match(editor.stderr(), new RegExp(`pixir acp: session ${sessionId} started`));
  assert.doesNotMatch(editor.stderr(), /^\s+at /m);
});

Deno.test("a command that needs approval asks the editor: allowed once runs, rejected does not", async () => {
  await using box = await sandbox();
  const touch = (file: string, callId: string) =>
    toolCallAnswer({
      name: "bash",
      arguments: JSON.stringify({ command: `touch ${file}` }),
      callId,
    });
  await using server = startResponsesServer({
    script: [
      { sse: touch("yes.txt", "call_yes") },
      { sse: textAnswer("Made it.") },
      { sse: touch("no.txt", "call_no") },
      { sse: textAnswer("It was refused.") },
    ],
  });
  await using editor = await startEditor(box, { server });
  await initialize(editor);
  const { sessionId } = await editor.connection.agent.request("session/new", {
    cwd: box.workspace,
    mcpServers: [],
  });

  editor.answer = () =>
    Promise.resolve({ outcome: { outcome: "selected", optionId: "allow_once" } });
  const first = await within(
    editor.connection.agent.request("session/prompt", {
      sessionId,
      prompt: [{ type: "text", text: "make yes.txt" }],
    }),
    TIME,
    "allowed prompt",
  );
  assert.equal(first.stopReason, "end_turn");
  assert.equal(editor.questions.length, 1);
  const [question] = editor.questions;
  assert.equal(question.toolCall.toolCallId, "call_yes");
  assert.equal(question.toolCall.kind, "execute");
  assert.deepEqual(question.options.map((o) => o.kind), [
    "allow_once",
    "allow_always",
    "reject_once",
    "reject_always",
  ]);
  assert.ok((await Deno.stat(join(box.workspace, "yes.txt"))).isFile);

  editor.answer = () =>
    Promise.resolve({ outcome: { outcome: "selected", optionId: "reject_once" } });
  const second = await within(
    editor.connection.agent.request("session/prompt", {
      sessionId,
      prompt: [{ type: "text", text: "make no.txt" }],
    }),
    TIME,
    "rejected prompt",
  );
  assert.equal(second.stopReason, "end_turn");
  assert.equal(editor.questions.length, 2);
  await assert.rejects(Deno.stat(join(box.workspace, "no.txt")), Deno.errors.NotFound);
  const failed = updatesOf(editor, sessionId, "tool_call_update").find((u) =>
    u.toolCallId === "call_no"
  );
  assert.equal(failed?.status, "failed");
  const decisions = (await box.log(sessionId)).filter((e) => e.type === "permission_decision");
  assert.deepEqual(decisions.map((e) => e.type === "permission_decision" && e.data.decision), [
    "allow",
    "deny",
  ]);
});

Deno.test("cancel ends a streaming turn, and an unanswered permission request, with 'cancelled'", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [
      {
        sse: textAnswer("Partial answer that never ends", {
          deltas: ["Partial ", "answer that never ends"],
          reasoning: false,
        }),
        end: { stallAfter: 5 },
      },
      {
        sse: toolCallAnswer({
          name: "bash",
          arguments: JSON.stringify({ command: "touch x" }),
          callId: "call_x",
        }),
      },
    ],
  });
  await using editor = await startEditor(box, { server });
  await initialize(editor);
  const { sessionId } = await editor.connection.agent.request("session/new", {
    cwd: box.workspace,
    mcpServers: [],
  });

  const streaming = editor.connection.agent.request("session/prompt", {
    sessionId,
    prompt: [{ type: "text", text: "talk forever" }],
  });
  await within(
    (async () => {
      while (updatesOf(editor, sessionId, "agent_message_chunk").length === 0) {
        await new Promise((r) => setTimeout(r, 20));
      }
    })(),
    TIME,
    "the first chunk",
  );
  await editor.connection.agent.notify("session/cancel", { sessionId });
  assert.equal((await within(streaming, TIME, "cancelled prompt")).stopReason, "cancelled");

  // An editor that never answers the question: cancel still ends the turn.
  editor.answer = () => new Promise(() => {});
  const asking = editor.connection.agent.request("session/prompt", {
    sessionId,
    prompt: [{ type: "text", text: "make x" }],
  });
  await within(
    (async () => {
      while (editor.questions.length === 0) await new Promise((r) => setTimeout(r, 20));
    })(),
    TIME,
    "the permission request",
  );
  await editor.connection.agent.notify("session/cancel", { sessionId });
  assert.equal(
    (await within(asking, TIME, "prompt with an unanswered question")).stopReason,
    "cancelled",
  );
  await assert.rejects(Deno.stat(join(box.workspace, "x")), Deno.errors.NotFound);
  const log = await box.log(sessionId);
  assert.equal(
    log.filter((e) => e.type === "interrupted").length,
    2,
    "the session stays resumable",
  );
});

Deno.test("load replays an earlier session's history as updates", async () => {
  await using box = await sandbox({ "a.txt": "alpha\n" });
  const read = toolCallAnswer({
    name: "read",
    arguments: JSON.stringify({ path: "a.txt" }),
    callId: "call_read",
  });
  await using server = startResponsesServer({
    script: [{ sse: read }, { sse: textAnswer("It says alpha.") }],
  });
  const run = await box.run(["run", "what is in a.txt?"], { server });
  assert.equal(run.code, 0, run.stderr);
  const [sessionId] = await box.sessionIds();

  await using editor = await startEditor(box, { server });
  await initialize(editor);
  const loaded = await within(
    editor.connection.agent.request("session/load", {
      sessionId,
      cwd: box.workspace,
      mcpServers: [],
    }),
    TIME,
    "session/load",
  );
  assert.equal(loaded?.modes?.currentModeId, "ask");
  assert.equal(chunkText(updatesOf(editor, sessionId, "user_message_chunk")), "what is in a.txt?");
  assert.equal(chunkText(updatesOf(editor, sessionId, "agent_message_chunk")), "It says alpha.");
  const [call] = updatesOf(editor, sessionId, "tool_call");
  assert.equal(call.toolCallId, "call_read");
  assert.equal(call.kind, "read");
  assert.equal(updatesOf(editor, sessionId, "tool_call_update")[0].status, "completed");
});

Deno.test("bad requests get JSON-RPC errors and the agent keeps serving; closing stdin exits 0", async () => {
  await using box = await sandbox();
  await using editor = await startEditor(box);
  await initialize(editor);
  const agent = editor.connection.agent;

  const unknownMethod = await agent.request("pixir/no_such_method", {}).then(
    () => assert.fail("an unknown method succeeded"),
    (error) => error,
  );
  assert.ok(unknownMethod instanceof RequestError);
  assert.equal(unknownMethod.code, -32601);

  const relative = await agent.request("session/new", { cwd: "relative/dir", mcpServers: [] }).then(
    () => assert.fail("a relative cwd was accepted"),
    (error) => error,
  );
  assert.equal(relative.code, -32602);
  assert.match(relative.message, /cwd must be an absolute path/);

  const unknownSession = await agent.request("session/prompt", {
    sessionId: "no-such-session",
    prompt: [{ type: "text", text: "hi" }],
  }).then(() => assert.fail("an unknown session was prompted"), (error) => error);
  assert.equal(unknownSession.code, -32002);

  const unknownLoad = await agent.request("session/load", {
    sessionId: "20990101-000000-nosuch",
    cwd: box.workspace,
    mcpServers: [],
  }).then(() => assert.fail("an unknown session was loaded"), (error) => error);
  assert.equal(unknownLoad.code, -32002);

  const badMode = await agent.request("session/new", { cwd: box.workspace, mcpServers: [] })
    .then(({ sessionId }) => agent.request("session/set_mode", { sessionId, modeId: "wild" }))
    .then(() => assert.fail("an unknown mode was accepted"), (error) => error);
  assert.match(badMode.message, /unknown mode "wild"; use read-only, ask, auto/);

  // A line that is not JSON at all is a parse error, answered without an id.
  await editor.sendRaw("{this is not json\n");
  await within(
    (async () => {
      while (!editor.stdout().includes('"code":-32700')) {
        await new Promise((r) => setTimeout(r, 20));
      }
    })(),
    TIME,
    "the parse error",
  );

  // Still serving after every error.
  assert.equal((await initialize(editor)).protocolVersion, 1);
  assert.equal(await within(editor.closeStdin(), TIME, "exit after stdin closes"), 0);
  assertOnlyProtocol(editor.stdout());
  assert.doesNotMatch(editor.stderr(), /^\s+at /m);
});

Deno.test("without a sign-in, session/new is auth-required and authenticate names what to do", async () => {
  await using box = await sandbox();
  await using editor = await startEditor(box, { apiKey: null });
  await initialize(editor);
  const refused = await editor.connection.agent.request("session/new", {
    cwd: box.workspace,
    mcpServers: [],
  }).then(() => assert.fail("a session opened without a sign-in"), (error) => error);
  assert.ok(refused instanceof RequestError);
  assert.equal(refused.code, -32000);
  assert.match(refused.message, /not signed in.*pixir login/);
  const noKey = await editor.connection.agent.request("authenticate", {
    methodId: "openai-api-key",
  }).then(() => assert.fail("authenticated without a key"), (error) => error);
  assert.match(noKey.message, /OPENAI_API_KEY is not set/);
  assert.equal(await editor.closeStdin(), 0);
});

Deno.test("the read-only mode refuses a write the ask mode would make", async () => {
  await using box = await sandbox();
  const write = toolCallAnswer({
    name: "write",
    arguments: JSON.stringify({ path: "new.txt", content: "hello\n" }),
    callId: "call_write",
  });
  await using server = startResponsesServer({
    script: [{ sse: write }, { sse: textAnswer("Could not write.") }],
  });
  await using editor = await startEditor(box, { server });
  await initialize(editor);
  const agent = editor.connection.agent;
  const { sessionId } = await agent.request("session/new", {
    cwd: box.workspace,
    mcpServers: [{ name: "files", command: "/bin/true", args: [], env: [] }],
  });
  await agent.request("session/set_mode", { sessionId, modeId: "read-only" });
  const reply = await within(
    agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text: "write it" }] }),
    TIME,
    "read-only prompt",
  );
  assert.equal(reply.stopReason, "end_turn");
  await assert.rejects(Deno.stat(join(box.workspace, "new.txt")), Deno.errors.NotFound);
  const [call] = updatesOf(editor, sessionId, "tool_call");
  assert.equal(call.kind, "edit");
  assert.deepEqual(call.content, [{
    type: "diff",
    path: join(box.workspace, "new.txt"),
    oldText: null,
    newText: "hello\n",
  }]);
  assert.equal(updatesOf(editor, sessionId, "tool_call_update")[0].status, "failed");
  // The editor's server that exits at once is reported in the log; the session goes on.
  assert.match(editor.stderr(), /warning: MCP server "files" is not available/);
});

Deno.test("'always' answers: allow saves the rule for the workspace, reject refuses without asking again", async () => {
  await using box = await sandbox();
  const call = (command: string, callId: string) => ({
    sse: toolCallAnswer({ name: "bash", arguments: JSON.stringify({ command }), callId }),
  });
  await using server = startResponsesServer({
    script: [
      call("touch one.txt", "call_1"),
      { sse: textAnswer("One.") },
      call("touch one.txt two.txt", "call_2"),
      { sse: textAnswer("Two.") },
      call("mkdir ./made", "call_3"),
      { sse: textAnswer("Refused.") },
      call("mkdir ./made", "call_4"),
      { sse: textAnswer("Refused again.") },
    ],
  });
  await using editor = await startEditor(box, { server });
  await initialize(editor);
  const agent = editor.connection.agent;
  const { sessionId } = await agent.request("session/new", { cwd: box.workspace, mcpServers: [] });
  const prompt = (text: string) =>
    within(
      agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text }] }),
      TIME,
      text,
    );

  editor.answer = () =>
    Promise.resolve({ outcome: { outcome: "selected", optionId: "allow_always" } });
  await prompt("one");
  await prompt("two");
  // A saved rule is the approved argv: it covers a command that starts with those words.
  assert.equal(editor.questions.length, 1, "the saved rule allowed the second touch");
  assert.ok((await Deno.stat(join(box.workspace, "two.txt"))).isFile);
  const permissions = await box.run(["permissions"]);
  assert.match(permissions.stdout, /touch/);

  editor.answer = () =>
    Promise.resolve({ outcome: { outcome: "selected", optionId: "reject_always" } });
  await prompt("three");
  await prompt("four");
  assert.equal(editor.questions.length, 2, "the second mkdir was refused without a question");
  await assert.rejects(Deno.stat(join(box.workspace, "made")), Deno.errors.NotFound);
});

Deno.test("a failed turn is a JSON-RPC error naming why, logged in the session; the agent goes on", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [usageLimitReply({ now: Date.now() }), { sse: textAnswer("Back again.") }],
  });
  await using editor = await startEditor(box, { server });
  await initialize(editor);
  const agent = editor.connection.agent;
  const { sessionId } = await agent.request("session/new", { cwd: box.workspace, mcpServers: [] });
  const failed = await within(
    agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text: "hi" }] }),
    TIME,
    "failing prompt",
  ).then(() => assert.fail("a spent plan answered"), (error) => error);
  assert.ok(failed instanceof RequestError);
  assert.equal(failed.code, -32603);
  assert.match(failed.message, /usage limit/i);
  const data = failed.data as { kind?: unknown; resets_at?: unknown };
  assert.equal(data.kind, "usage_limit");
  assert.equal(typeof data.resets_at, "number", "the editor can say when the plan resets");
  const log = await box.log(sessionId);
  assert.ok(log.some((e) => e.type === "turn_failed"));

  const next = await within(
    agent.request("session/prompt", { sessionId, prompt: [{ type: "text", text: "again" }] }),
    TIME,
    "next prompt",
  );
  assert.equal(next.stopReason, "end_turn");
});

Deno.test("the editor's MCP servers (stdio and http) start for its session under the same policy", async () => {
  await using http = await startEverythingHttp();
  await using box = await sandbox();
  const entry = await everythingServer();
  const call = (name: string, args: Record<string, unknown>, callId: string) => ({
    sse: toolCallAnswer({ name, arguments: JSON.stringify(args), callId }),
  });
  await using server = startResponsesServer({
    script: [
      call("mcp__everything__get-env", {}, "call_env"),
      { sse: textAnswer("Read the environment.") },
      call("mcp__remote__get-sum", { a: 19, b: 23 }, "call_sum"),
      { sse: textAnswer("Added.") },
      call(
        "mcp__everything__trigger-long-running-operation",
        { duration: 2, steps: 2 },
        "call_long",
      ),
      { sse: textAnswer("Waited.") },
    ],
  });
  await using editor = await startEditor(box, { server });
  const init = await initialize(editor);
  assert.deepEqual(init.agentCapabilities?.mcpCapabilities, { http: true, sse: false });

  const { sessionId } = await within(
    editor.connection.agent.request("session/new", {
      cwd: box.workspace,
      mcpServers: [
        {
          name: "everything",
          command: "node",
          args: [entry, "stdio"],
          env: [{ name: "EDITOR_GIVEN", value: "from-the-editor" }],
        },
        {
          type: "http",
          name: "remote",
          url: http.url,
          headers: [{ name: "X-Editor", value: "1" }],
        },
        { type: "sse", name: "old", url: "http://127.0.0.1:1/sse", headers: [] },
      ],
    }),
    TIME,
    "session/new",
  );
  const prompt = (text: string) =>
    within(
      editor.connection.agent.request("session/prompt", {
        sessionId,
        prompt: [{ type: "text", text }],
      }),
      90_000,
      text,
    );

  editor.answer = () =>
    Promise.resolve({ outcome: { outcome: "selected", optionId: "allow_once" } });
  assert.equal((await prompt("show the env")).stopReason, "end_turn");
  const names = (bodyOf(server.requests[0]).tools as { name: string }[]).map((t) => t.name);
  assert.ok(names.includes("mcp__everything__echo") && names.includes("mcp__remote__get-sum"));
  assert.ok(!names.some((n) => n.startsWith("mcp__old__")));
  assert.equal(editor.questions.length, 1, "an MCP call is asked about, as a command is");
  assert.equal(editor.questions[0].toolCall.toolCallId, "call_env");
  assert.match(String(editor.questions[0].toolCall.title), /^mcp: everything\/get-env/);
  const env = outputOf(server.requests[1], "call_env");
  assert.match(env, /from-the-editor/, "the editor's env reaches its server");
  assert.doesNotMatch(env, new RegExp(API_KEY), "Pixir's credentials do not");

  assert.equal((await prompt("add")).stopReason, "end_turn");
  assert.match(outputOf(server.requests[3], "call_sum"), /42/);
  assert.equal(editor.questions.length, 2);

  // The auto mode runs MCP tools without asking; progress reaches the editor as the call runs.
  await editor.connection.agent.request("session/set_mode", { sessionId, modeId: "auto" });
  assert.equal((await prompt("wait")).stopReason, "end_turn");
  assert.equal(editor.questions.length, 2);
  const progress = updatesOf(editor, sessionId, "tool_call_update").filter((u) =>
    u.toolCallId === "call_long" && u.status === "in_progress"
  );
  assert.match(JSON.stringify(progress), /1\/2 \(50%\)/);
  assert.match(outputOf(server.requests[5], "call_long"), /Long running operation completed/);
  assert.match(editor.stderr(), /MCP server "old" is left out: .*not SSE/);
  assert.equal(await editor.closeStdin(), 0);
});
