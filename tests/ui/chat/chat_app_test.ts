import assert from "node:assert/strict";
import type { TurnOutcome } from "../../../src/agent/turn.ts";
import { contextTokens, helpText, runChat } from "../../../src/ui/chat/chat_app.ts";
import type {
  ChatHost,
  ModelChoice,
  OpenedSession,
  TurnSink,
} from "../../../src/ui/chat/chat_host.ts";
import { SLASH_COMMANDS } from "../../../src/ui/chat/slash.ts";
import { styleFor } from "../../../src/ui/style.ts";
import type { CanonicalEvent, Envelope } from "../../../src/agent/event.ts";
import { FakeTerminal } from "./fake_terminal.ts";
import { loadLaterParts } from "../../../src/ui/chat/pi_tui.ts";

// The chat loads pi-tui's markdown and completion parts before anything shows or completes.
await loadLaterParts();

const ZERO = {
  input_tokens: 0,
  cached_tokens: 0,
  output_tokens: 0,
  reasoning_tokens: 0,
  total_tokens: 0,
};

/** A host whose turns last until released (or aborted), recording what they were asked. */
function fakeHost() {
  const turns: { prompt: string; choice: ModelChoice; signal: AbortSignal; sink: TurnSink }[] = [];
  const releases: (() => void)[] = [];
  let newSessions = 0;
  let undos = 0;
  const compactions: string[] = [];
  const host: ChatHost = {
    workspaceLabel: "~/ws",
    skills: [],
    initial: null,
    whole: null,
    ready: Promise.resolve(),
    runTurn(prompt, _images, choice, sink, signal) {
      turns.push({ prompt, choice, signal, sink });
      return new Promise<TurnOutcome>((resolve) => {
        const end = () => resolve({ status: "answered", answer: "", usage: ZERO });
        releases.push(end);
        signal.addEventListener(
          "abort",
          () => resolve({ status: "interrupted", answer: "", usage: ZERO }),
        );
      });
    },
    newSession: () => void newSessions++,
    resume: () => Promise.reject(new Error("no such session")),
    sessions: () => Promise.resolve(""),
    sessionIds: () => Promise.resolve([]),
    undo: () => Promise.resolve(`undid turn ${++undos}: restored notes.txt`),
    compact: (focus) => {
      compactions.push(focus);
      return focus === "fail"
        ? Promise.reject(new Error("there is no earlier conversation to compact"))
        : Promise.resolve("## Goal\nship it");
    },
    status: () => Promise.resolve("signed in"),
    quota: () => Promise.resolve(null),
    mcp: { states: () => [], subscribe: () => {} },
    readFile: () => Promise.resolve(null),
    readImage: () => Promise.resolve(null),
    listFolder: () => Promise.resolve(null),
  };
  return {
    host,
    turns,
    release: () => releases.shift()?.(),
    newSessions: () => newSessions,
    undos: () => undos,
    compactions,
  };
}

/** A chat on a fake terminal, with a clock the test moves. */
function start(opening: Partial<Pick<ChatHost, "initial" | "whole" | "ready">> = {}) {
  const terminal = new FakeTerminal();
  const fake = fakeHost();
  Object.assign(fake.host, opening);
  const clock = { now: 0 };
  const chat = runChat({
    terminal,
    host: fake.host,
    style: styleFor(false, undefined),
    choice: { model: "gpt-5.5", effort: "medium" },
    title: "pixir test",
    now: () => clock.now,
  });
  const type = (text: string) => {
    for (const char of text) terminal.input(char);
    terminal.input("\r");
  };
  return { terminal, chat, clock, type, ...fake };
}

/** Lets pending promises and timers run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

Deno.test("messages typed while a turn runs are queued and sent in order when it ends", async () => {
  const { chat, type, turns, release } = start();
  type("first");
  await settle();
  type("second");
  type("third");
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["first"]);
  release();
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["first", "second"]);
  release();
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["first", "second", "third"]);
  release();
  await chat.terminate();
});

Deno.test("Esc and Ctrl+C abort the running turn, not the chat", async () => {
  const { chat, terminal, type, turns } = start();
  type("one");
  await settle();
  terminal.input("\x1b");
  await settle();
  assert.equal(turns[0].signal.reason, "aborted");
  type("two");
  await settle();
  terminal.input("\x03");
  await settle();
  assert.equal(turns[1].signal.aborted, true);
  assert.equal(terminal.started, true, "the chat goes on");
  await chat.terminate();
});

Deno.test("Ctrl+C twice on an empty editor quits; once only warns", async () => {
  const { chat, terminal, clock } = start();
  let ended: string | undefined;
  chat.done.then((how) => ended = how);
  terminal.input("\x03");
  await settle();
  assert.match(terminal.written, /press Ctrl\+C again to quit/);
  clock.now = 5_000;
  terminal.input("\x03");
  await settle();
  assert.equal(ended, undefined, "presses far apart do not quit");
  clock.now = 5_500;
  terminal.input("\x03");
  assert.equal(await chat.done, "quit");
  assert.equal(terminal.started, false, "the terminal is restored");
});

Deno.test("Ctrl+C with text in the editor clears it instead of quitting", async () => {
  const { chat, terminal, type, turns } = start();
  for (const char of "draft") terminal.input(char);
  terminal.input("\x03");
  terminal.input("\x03");
  await settle();
  type("sent");
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["sent"], "the draft was cleared, not sent");
  await chat.terminate();
});

Deno.test("Ctrl+D on an empty editor quits", async () => {
  const { chat, terminal } = start();
  terminal.input("\x04");
  assert.equal(await chat.done, "quit");
});

Deno.test("/model and /effort change the next turn's choice; bad efforts are refused", async () => {
  const { chat, terminal, type, turns } = start();
  type("/model gpt-5.4");
  type("/effort high");
  type("/effort huge");
  await settle();
  type("go");
  await settle();
  assert.deepEqual(turns[0].choice, { model: "gpt-5.4", effort: "high" });
  assert.match(terminal.written, /effort must be one of/);
  await chat.terminate();
});

Deno.test("/new waits for the running turn; afterwards it leaves the session", async () => {
  const { chat, terminal, type, release, newSessions } = start();
  type("work");
  await settle();
  type("/new");
  await settle();
  assert.equal(newSessions(), 0);
  assert.match(terminal.written, /\/new waits until the answer ends/);
  release();
  await settle();
  type("/new");
  await settle();
  assert.equal(newSessions(), 1);
  await chat.terminate();
});

Deno.test("/undo waits for the running turn, then shows what the host undid", async () => {
  const { chat, terminal, type, release, undos } = start();
  type("work");
  await settle();
  type("/undo");
  await settle();
  assert.equal(undos(), 0);
  assert.match(terminal.written, /\/undo waits until the answer ends/);
  release();
  await settle();
  type("/undo");
  await settle();
  assert.equal(undos(), 1);
  assert.match(terminal.written, /undid turn 1: restored notes\.txt/);
  await chat.terminate();
});

Deno.test("a failing command is shown, and the chat goes on", async () => {
  const { chat, terminal, type } = start();
  type("/resume nope");
  await settle();
  assert.match(terminal.written, /✗ no such session/);
  assert.equal(terminal.started, true);
  await chat.terminate();
});

Deno.test("terminating aborts the running turn as sigterm, waits for it, restores the terminal", async () => {
  const { chat, terminal, type, turns } = start();
  type("long job");
  await settle();
  await chat.terminate();
  assert.equal(turns[0].signal.reason, "sigterm");
  assert.equal(await chat.done, "terminated");
  assert.equal(terminal.started, false);
});

Deno.test("/help lists every command", () => {
  const help = helpText();
  for (const command of SLASH_COMMANDS) assert.match(help, new RegExp(`^/${command.name}\\b`, "m"));
});

Deno.test("the context in use is the last request's input and output", () => {
  const usage = (input: number, output: number) =>
    ({
      type: "usage",
      data: { ...ZERO, input_tokens: input, output_tokens: output, model: "m" },
    }) as unknown as Envelope;
  assert.equal(contextTokens([usage(10, 5), usage(100, 20)]), 120);
  assert.equal(contextTokens([]), undefined);
});

Deno.test("Alt+Enter starts a new line instead of sending", async () => {
  const { chat, terminal, turns } = start();
  terminal.input("a");
  terminal.input("\x1b\r");
  terminal.input("b");
  terminal.input("\r");
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["a\nb"]);
  await chat.terminate();
});

Deno.test("Up on an empty editor brings back the previous message", async () => {
  const { chat, terminal, type, turns, release } = start();
  type("again please");
  await settle();
  release();
  await settle();
  terminal.input("\x1b[A");
  terminal.input("\r");
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["again please", "again please"]);
  await chat.terminate();
});

Deno.test("a large paste is sent whole", async () => {
  const { chat, terminal, turns } = start();
  const pasted = Array.from({ length: 40 }, (_, i) => `pasted line ${i}`).join("\n");
  terminal.input(`\x1b[200~${pasted}\x1b[201~`);
  terminal.input("\r");
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), [pasted]);
  await chat.terminate();
});

const REQUEST = { command: "touch made.txt", prefixes: ["touch"] };

/** A chat whose first turn is running, and a question that turn put. */
async function asking() {
  const started = start();
  started.type("make it");
  await settle();
  const turn = started.turns[0];
  const answer = turn.sink.ask(REQUEST, turn.signal);
  await settle();
  return { ...started, turn, answer };
}

Deno.test("a question shows inline; y answers once, other keys are swallowed", async () => {
  const { chat, terminal, answer, turns, release } = await asking();
  assert.match(terminal.written, /run this shell command\?/);
  assert.match(terminal.written, /touch made\.txt/);
  assert.match(terminal.written, /always: commands starting with "touch"/);
  terminal.input("x");
  terminal.input("y");
  assert.deepEqual(await answer, { kind: "once" });
  release();
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["make it"], "x and y were not typed as a message");
  await chat.terminate();
});

Deno.test("a answers always", async () => {
  const { chat, terminal, answer } = await asking();
  terminal.input("a");
  assert.deepEqual(await answer, { kind: "always" });
  await chat.terminate();
});

Deno.test("n takes a reason typed in the editor; the turn goes on", async () => {
  const { chat, terminal, type, answer, release, turns } = await asking();
  terminal.input("n");
  type("use pnpm");
  assert.deepEqual(await answer, { kind: "deny", reason: "use pnpm" });
  assert.equal(turns.length, 1, "the reason is not sent as a message");
  assert.equal(turns[0].signal.aborted, false, "a no lets the turn go on");
  for (const char of "next") terminal.input(char);
  terminal.input("\r");
  release();
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["make it", "next"]);
  await chat.terminate();
});

Deno.test("a draft and queued messages survive a question", async () => {
  const { chat, terminal, type, turns, release } = start();
  type("make it");
  await settle();
  type("queued one");
  for (const char of "draft") terminal.input(char);
  const answer = turns[0].sink.ask(REQUEST, turns[0].signal);
  await settle();
  terminal.input("n");
  type("not now");
  assert.deepEqual(await answer, { kind: "deny", reason: "not now" });
  terminal.input("\r");
  release();
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["make it", "queued one"]);
  release();
  await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["make it", "queued one", "draft"]);
  await chat.terminate();
});

Deno.test("Esc or Ctrl+C while asking is a no and stops the turn", async () => {
  for (const key of ["\x1b", "\x03"]) {
    const { chat, terminal, answer, turn } = await asking();
    terminal.input(key);
    assert.deepEqual(await answer, { kind: "deny" });
    assert.equal(turn.signal.reason, "aborted");
    assert.equal(terminal.started, true, "the chat goes on");
    await chat.terminate();
  }
});

Deno.test("Esc at the reason stage is a plain no and stops the turn", async () => {
  const { chat, terminal, answer, turn } = await asking();
  terminal.input("n");
  for (const char of "half a reason") terminal.input(char);
  terminal.input("\x1b");
  assert.deepEqual(await answer, { kind: "deny" });
  assert.equal(turn.signal.aborted, true);
  await chat.terminate();
});

Deno.test("questions are put one at a time", async () => {
  const { chat, terminal, turn, answer } = await asking();
  const second = turn.sink.ask({ command: "rm -r build", prefixes: ["rm"] }, turn.signal);
  await settle();
  assert.doesNotMatch(terminal.written, /rm -r build/, "the second waits for the first");
  terminal.input("y");
  assert.deepEqual(await answer, { kind: "once" });
  await settle();
  assert.match(terminal.written, /rm -r build/);
  terminal.input("a");
  assert.deepEqual(await second, { kind: "always" });
  await chat.terminate();
});

Deno.test("an abort of the ask's signal withdraws the question as a no", async () => {
  const { chat, answer, turns } = await asking();
  const done = chat.terminate();
  assert.deepEqual(await answer, { kind: "deny" });
  await done;
  assert.equal(turns[0].signal.reason, "sigterm");
});

Deno.test("/compact waits for the running turn, passes its focus and shows the summary", async () => {
  const { chat, terminal, type, release, compactions } = start();
  type("work");
  await settle();
  type("/compact");
  await settle();
  assert.deepEqual(compactions, []);
  assert.match(terminal.written, /\/compact waits until the answer ends/);
  release();
  await settle();
  type("/compact the parser");
  await settle();
  assert.deepEqual(compactions, ["the parser"]);
  assert.match(terminal.written, /compacted; the model now sees this summary/);
  assert.match(terminal.written, /## Goal/);
  type("/compact fail");
  await settle();
  assert.match(terminal.written, /✗ there is no earlier conversation to compact/);
  await chat.terminate();
});

/** The events of a session of `turns` turns, each answered with `answer N`. */
function sessionEvents(id: string, turns: number): Envelope[] {
  const events: Envelope[] = [];
  const add = (event: CanonicalEvent) =>
    events.push({
      id: `${id}:${events.length}`,
      session_id: id,
      seq: events.length,
      ts: "2026-11-24T12:00:00.000Z",
      ...event,
    });
  add({
    type: "session_started",
    data: { format: 1, cwd: "/ws", model: "gpt-5.5", effort: "medium", pixir_version: "0.1.0" },
  });
  for (let turn = 1; turn <= turns; turn++) {
    add({ type: "user_message", data: { text: `question ${turn}` } });
    add({ type: "assistant_message", data: { model: "gpt-5.5", text: `answer ${turn}` } });
  }
  return events;
}

Deno.test("a long session shows its last turns at once, then whole; what is typed meanwhile waits", async () => {
  const id = "20261124-120000-aaaaaa";
  const events = sessionEvents(id, 30);
  let open!: (session: OpenedSession) => void;
  const whole = new Promise<OpenedSession>((resolve) => open = resolve);
  const choice = { model: "gpt-5.5", effort: "medium" } as const;
  // The preview: session_started and the last two turns.
  const preview = { id, events: [events[0], ...events.slice(-4)], warnings: [], ...choice };
  let writtenWhenOpened: string | undefined;
  const { chat, terminal, type, turns, release } = start({
    initial: preview,
    whole: () => {
      writtenWhenOpened = terminal.written;
      return whole;
    },
  });
  await settle();
  assert.match(terminal.written, /answer 30/);
  assert.match(writtenWhenOpened ?? "", /answer 30/, "the rest is read once the last turns show");
  assert.doesNotMatch(terminal.written, /answer 1\b/);
  type("next question");
  await settle();
  assert.equal(turns.length, 0, "the message waits for the whole session");
  open({ id, events, warnings: ["a note from reading it whole"], ...choice });
  for (let i = 0; i < 100 && turns.length === 0; i++) await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["next question"]);
  release();
  // The earlier turns are laid out while the chat is idle, then the scrollback is written whole.
  const shown = () => terminal.written.slice(terminal.written.lastIndexOf("\x1b[3J"));
  for (let i = 0; i < 200 && !/answer 1(?!\d)/.test(shown()); i++) await settle();
  const order = [/answer 1(?!\d)/, /answer 2(?!\d)/, /answer 29/, /answer 30/, /a note from/]
    .map((pattern) => shown().search(pattern));
  assert.ok(order.every((at) => at !== -1), `every turn is shown again: ${order}`);
  assert.deepEqual([...order].sort((a, b) => a - b), order, "in order");
  await chat.terminate();
});

Deno.test("the chat paints before its runtime is open; a message typed meanwhile is sent once it is", async () => {
  let open!: () => void;
  const ready = new Promise<void>((resolve) => open = resolve);
  const { chat, terminal, type, turns } = start({ ready });
  await settle();
  assert.match(terminal.written, /pixir test/);
  type("early");
  await settle();
  assert.equal(turns.length, 0, "waits for the runtime");
  open();
  for (let i = 0; i < 50 && turns.length === 0; i++) await settle();
  assert.deepEqual(turns.map((t) => t.prompt), ["early"]);
  await chat.terminate();
});
