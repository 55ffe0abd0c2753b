import assert from "node:assert/strict";
import { type Component, CURSOR_MARKER } from "@mariozechner/pi-tui";
import {
  type ByteTerminal,
  ChatScreen,
  type ScrollbackSource,
} from "../../../src/ui/chat/screen.ts";
import { Transcript } from "../../../src/ui/chat/transcript.ts";
import { chatTheme } from "../../../src/ui/chat/theme.ts";
import { styleFor } from "../../../src/ui/style.ts";
import type { Envelope } from "../../../src/agent/event.ts";
import { FakeTerminal } from "./fake_terminal.ts";
import { EmulatedTerminal } from "./terminal_emulator.ts";
import { loadLaterParts } from "../../../src/ui/chat/pi_tui.ts";

// The chat loads pi-tui's markdown and completion parts before anything shows or completes.
await loadLaterParts();

/** A one-line component that counts its renders. */
class Counted implements Component {
  renders = 0;
  constructor(public text: string) {}
  render(): string[] {
    this.renders++;
    return [this.text];
  }
  invalidate(): void {}
}

/** Finished items handed over as they are pushed. */
class Items implements ScrollbackSource {
  pending: Component[] = [];
  reset = false;
  takeFinished(): Component[] {
    return this.pending.splice(0);
  }
  takeReset(): boolean {
    const reset = this.reset;
    this.reset = false;
    return reset;
  }
}

function setup(columns = 80, rows = 24) {
  const terminal = new FakeTerminal(columns, rows);
  const items = new Items();
  const screen = new ChatScreen(terminal, { history: items });
  const live = new Counted("live 0");
  screen.addChild(live);
  screen.start();
  return { terminal, items, screen, live };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (at most `ms`) until `test` holds. */
async function eventually(test: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error("the condition never held");
    await sleep(20);
  }
}

Deno.test("a finished item is rendered once; frames render only the live part", () => {
  const { terminal, items, screen, live } = setup();
  const finished = Array.from({ length: 40 }, (_, i) => new Counted(`item ${i}`));
  items.pending.push(...finished);
  screen.flush();
  for (let frame = 1; frame <= 100; frame++) {
    live.text = `live ${frame}`;
    screen.requestRender();
    screen.flush();
  }
  assert.deepEqual(finished.map((item) => item.renders), finished.map(() => 1));
  assert.equal(live.renders, 101);
  for (const item of finished) {
    assert.equal(terminal.written.split(item.text + "\x1b").length - 1, 1, `${item.text} once`);
  }
  screen.stop();
});

Deno.test("a resize lays out each finished item once more and redraws once", () => {
  const { terminal, items, screen } = setup();
  const finished = Array.from({ length: 20 }, (_, i) => new Counted(`item ${i}`));
  items.pending.push(...finished);
  screen.flush();
  terminal.columns = 60;
  screen.requestRender();
  screen.flush();
  screen.requestRender();
  screen.flush();
  assert.deepEqual(finished.map((item) => item.renders), finished.map(() => 2));
  assert.equal(screen.counters.fullRedraws, 1);
  assert.ok(terminal.written.includes("\x1b[3J"), "the old scrollback is cleared, written again");
  screen.stop();
});

Deno.test("a repaint of one component renders and rewrites only its line", () => {
  const { terminal, screen } = setup();
  const spinner = new Counted("⠋ working");
  const editor = new Counted("> typed text");
  screen.addChild(spinner);
  screen.addChild(editor);
  screen.requestRender();
  screen.flush();
  const renders = screen.counters.componentRenders;
  const before = terminal.written.length;
  spinner.text = "⠙ working";
  screen.repaint(spinner);
  screen.flush();
  assert.equal(screen.counters.componentRenders, renders + 1);
  assert.equal(editor.renders, 1);
  const written = terminal.written.slice(before);
  assert.equal(written.split("\x1b[2K").length - 1, 1, "one line cleared and written");
  assert.match(written, /⠙ working/);
  assert.doesNotMatch(written, /typed text/);
  screen.stop();
});

Deno.test("frames coalesce: many requests within a frame's time paint once", async () => {
  const { screen } = setup();
  await sleep(50);
  const frames = screen.counters.frames;
  for (let i = 0; i < 1000; i++) screen.requestRender();
  await sleep(100);
  // Without pacing this would be 1000 frames; with it, one (two if a frame boundary fell inside).
  assert.ok(screen.counters.frames - frames <= 2, `${screen.counters.frames - frames} frames`);
  screen.stop();
});

Deno.test("a long history opens with its last screens; the rest is laid out when idle", async () => {
  const { terminal, items, screen } = setup(80, 24);
  const finished = Array.from({ length: 3000 }, (_, i) => new Counted(`item ${i}`));
  items.pending.push(...finished);
  screen.flush();
  const laidAtOnce = finished.filter((item) => item.renders > 0).length;
  assert.ok(laidAtOnce <= 3 * 24 + 1, `${laidAtOnce} items laid out before the first frame`);
  assert.match(terminal.written, /item 2999/);
  assert.ok(!terminal.written.includes("item 0\x1b"));
  await eventually(() => finished.every((item) => item.renders === 1));
  await eventually(() => terminal.written.includes("item 0\x1b"));
  assert.equal(screen.counters.fullRedraws, 1, "one redraw writes the whole history");
  assert.deepEqual(finished.map((item) => item.renders), finished.map(() => 1));
  screen.stop();
});

/** A terminal that also takes bytes, as the process's does. */
class BytesTerminal extends FakeTerminal implements ByteTerminal {
  readonly #decoder = new TextDecoder();
  byteWrites = 0;
  writeBytes(bytes: Uint8Array): void {
    this.byteWrites++;
    this.write(this.#decoder.decode(bytes, { stream: true }));
  }
}

Deno.test("a full redraw writes the history the same as bytes or as text, multibyte characters across its pieces", async () => {
  const history = () =>
    Array.from({ length: 4000 }, (_, i) => new Counted(`${"✓é🧪".repeat(i % 7)} item ${i}`));
  const outputs: string[] = [];
  const bytesTerminal = new BytesTerminal(80, 24);
  for (const terminal of [new FakeTerminal(80, 24), bytesTerminal]) {
    const items = new Items();
    const screen = new ChatScreen(terminal, { history: items });
    screen.addChild(new Counted("live"));
    screen.start();
    items.pending.push(...history());
    screen.flush();
    await eventually(() => terminal.written.includes(" item 0\x1b"));
    screen.stop();
    outputs.push(terminal.written);
  }
  assert.equal(outputs[1], outputs[0]);
  assert.ok(bytesTerminal.byteWrites > 2, "the history went to the terminal as bytes");
  assert.ok(!outputs[0].includes("\ufffd"), "no character was cut between two writes");
  for (const i of [0, 1, 2000, 3999]) {
    assert.ok(outputs[0].includes(`${"✓é🧪".repeat(i % 7)} item ${i}\x1b`), `item ${i}`);
  }
});

Deno.test("the screen tells a finished item to drop its lines once they are written", () => {
  const { items, screen } = setup(40, 10);
  let invalidated = 0;
  const item = new Counted("done");
  item.invalidate = () => void invalidated++;
  items.pending.push(item);
  screen.flush();
  assert.equal(item.renders, 1);
  assert.equal(invalidated, 1);
  screen.stop();
});

Deno.test("a cleared history is redrawn: the old scrollback goes", () => {
  const { terminal, items, screen } = setup();
  items.pending.push(new Counted("old item"));
  screen.flush();
  items.reset = true;
  items.pending.push(new Counted("new item"));
  screen.requestRender();
  screen.flush();
  const after = terminal.written.slice(terminal.written.lastIndexOf("\x1b[3J"));
  assert.match(after, /new item/);
  assert.doesNotMatch(after, /old item/);
  screen.stop();
});

Deno.test("the transcript's finished blocks are not rendered again while an answer streams", async () => {
  const terminal = new FakeTerminal(100, 30);
  const transcript = new Transcript(
    chatTheme(styleFor(true, undefined)),
    () => Promise.resolve(null),
  );
  const screen = new ChatScreen(terminal, { history: transcript });
  screen.addChild(transcript);
  screen.start();
  let seq = 0;
  const event = (e: Pick<Envelope, "type" | "data">) =>
    transcript.event({ id: `e${seq}`, session_id: "s", seq: seq++, ts: "", ...e } as Envelope);
  for (let turn = 1; turn <= 30; turn++) {
    await event({ type: "user_message", data: { text: `task ${turn}` } });
    await event({
      type: "tool_call",
      data: { model: "m", call_id: `c${turn}`, name: "read", arguments: '{"path":"a.ts"}' },
    });
    await event({
      type: "tool_result",
      data: { call_id: `c${turn}`, name: "read", ok: true, output: "one\ntwo\nthree" },
    });
    await event({ type: "assistant_message", data: { model: "m", text: `answer **${turn}**` } });
    await event({ type: "turn_completed", data: { turn, status: "completed" } });
  }
  screen.flush();
  const layouts = screen.counters.itemLayouts;
  await event({ type: "user_message", data: { text: "stream now" } });
  for (let i = 0; i < 300; i++) {
    await event({ type: "text_delta", data: { delta: i % 20 === 19 ? "word.\n\n" : `word${i} ` } });
    screen.requestRender();
    screen.flush();
  }
  // Only the new message (its spacer and line) was laid out as finished: the history was not.
  assert.ok(screen.counters.itemLayouts - layouts <= 2, `${screen.counters.itemLayouts - layouts}`);
  assert.match(terminal.written, /word298/);
  screen.stop();
});

/** A live part whose lines the test sets. */
class Lines implements Component {
  constructor(public lines: string[]) {}
  render(): string[] {
    return this.lines;
  }
  invalidate(): void {}
}

Deno.test("the terminal holds every finished item once, in order, above the live part, however it grows, shrinks and scrolls", () => {
  const terminal = new EmulatedTerminal(30, 10);
  const items = new Items();
  const screen = new ChatScreen(terminal, { history: items });
  const live = new Lines(["live"]);
  screen.addChild(live);
  screen.start();
  let seed = 7;
  // A linear congruential generator's high bits (its low bits repeat with short periods).
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n;
  };
  const expected: string[] = [];
  for (let step = 0; step < 400; step++) {
    const added = random(4) === 0 ? 1 + random(3) : 0;
    for (let i = 0; i < added; i++) {
      const text = `item ${expected.length}`;
      expected.push(text);
      items.pending.push(new Counted(text));
    }
    const change = random(4);
    if (change === 0) {
      // The live part takes another height, sometimes taller than the screen.
      live.lines = Array.from({ length: 1 + random(14) }, (_, i) => `live ${step}.${i}`);
    } else if (change === 1) {
      // Its last rows go (a closed completion list), the rest stays as it was.
      live.lines = live.lines.slice(0, 1 + random(live.lines.length));
    } else {
      // Only its last line changes, as a spinner's does.
      live.lines = [...live.lines.slice(0, -1), `last ${step}`];
    }
    screen.requestRender();
    screen.flush();
    assert.deepEqual(terminal.all(), [...expected, ...live.lines], `after step ${step}`);
  }
  assert.ok(screen.counters.fullRedraws < 400, "most frames are not full redraws");
  screen.stop();
});

Deno.test("the terminal's cursor rests where the editor shows its cursor", () => {
  const terminal = new EmulatedTerminal(30, 10);
  const screen = new ChatScreen(terminal, {});
  screen.addChild(new Lines(["above", `> ab${CURSOR_MARKER}c`, "footer"]));
  screen.start();
  screen.flush();
  assert.deepEqual(terminal.all(), ["above", "> abc", "footer"]);
  assert.deepEqual(terminal.cursor, { row: 1, col: 4 });
  screen.stop();
  assert.deepEqual(terminal.all(), ["above", "> abc", "footer"], "quitting leaves the text");
  assert.deepEqual(terminal.cursor, { row: 3, col: 0 }, "and the cursor below it");
});
