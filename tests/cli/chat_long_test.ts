/**
 * A long session in the real chat (tmux): its whole transcript reaches the terminal's scrollback
 * in order, once, and stays so after a resize, after /compact, and while the person scrolls back
 * during a streaming answer.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { writeLongSession } from "../fakes/long_session.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import type { Pane } from "../harness/tmux.ts";
import { chat, PROMPT_READY, send } from "./chat_pane.ts";
import { type Sandbox, sandbox } from "./helpers.ts";

const TURNS = 120;
const ID = "20261101-000000-dddddd";
const HISTORY = 100_000;

async function longSession(box: Sandbox): Promise<void> {
  await Deno.mkdir(box.sessionsDir, { recursive: true });
  await writeLongSession({
    sessionsDir: box.sessionsDir,
    id: ID,
    cwd: await Deno.realPath(box.workspace),
    turns: TURNS,
  });
}

/** The turn numbers of the `end of turn N.` lines of `text`, in order. */
function turnsIn(text: string): number[] {
  return [...text.matchAll(/end of turn (\d+)\./g)].map((m) => Number(m[1]));
}

const ALL_TURNS = Array.from({ length: TURNS }, (_, i) => i + 1);

/**
 * Waits until the scrollback holds every turn (the chat lays out old turns when idle, then writes
 * the whole history again).
 */
async function wholeHistory(pane: Pane): Promise<string> {
  const deadline = Date.now() + 60_000;
  let history = "";
  while (Date.now() < deadline) {
    history = await pane.history();
    // Written whole: from the first turn down to the editor (a long redraw arrives in pieces).
    const turns = turnsIn(history);
    const whole = turns[0] === 1 && turns.includes(TURNS) && PROMPT_READY.test(history) &&
      !history.includes("earlier items follow");
    if (whole) return history;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the history never held turn 1; it ends:\n${history.slice(-2000)}`);
}

/** Asserts the scrollback shows the session's turns once each, in order, after one banner. */
function assertWholeTranscript(history: string): void {
  assert.deepEqual(turnsIn(history), ALL_TURNS);
  assert.equal(history.match(/pixir \d+\.\d+\.\d+/g)?.length, 1, "one banner, at the top");
  assert.ok(history.indexOf("pixir ") < history.indexOf("task 1:"));
  const tasks = [...history.matchAll(/› task (\d+):/g)].map((m) => Number(m[1]));
  assert.deepEqual(tasks, ALL_TURNS);
}

Deno.test("a long session opens at its end; its whole transcript reaches the scrollback, also after a resize", async () => {
  await using box = await sandbox();
  await longSession(box);
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server, {
    args: ["chat", "--resume", ID],
    columns: 100,
    rows: 30,
    historyLimit: HISTORY,
  });
  const screen = await pane.waitFor(PROMPT_READY, 30_000);
  assert.match(screen, /end of turn 120\./);
  assertWholeTranscript(await wholeHistory(pane));

  await pane.resize(70, 30);
  await pane.waitFor(/end of turn 120\./);
  const narrow = await wholeHistory(pane);
  assertWholeTranscript(narrow);
  // Laid out again for 70 columns: the answer's first line wraps where 70 columns end.
  assert.match(
    narrow,
    /Turn 7: I read the module, ran the tests and changed what failed\.\n The reason/,
  );
  await pane.resize(110, 30);
  await pane.waitFor(/end of turn 120\./);
  assertWholeTranscript(await wholeHistory(pane));
});

Deno.test("after /compact the long transcript is intact and the next answer follows it", async () => {
  await using box = await sandbox();
  await longSession(box);
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer("## Goal\nfix the parser", { reasoning: false }) },
      { sse: textAnswer("Answered after the summary.", { responseId: "resp_2" }) },
    ],
  });
  await using pane = await chat(box, server, {
    args: ["chat", "--resume", ID],
    columns: 100,
    rows: 30,
    historyLimit: HISTORY,
  });
  await pane.waitFor(PROMPT_READY, 30_000);
  await wholeHistory(pane);

  await send(pane, "/compact");
  await pane.waitFor(/compacted; the model now sees this summary/, 30_000);
  await send(pane, "go on");
  await pane.waitFor(/Answered after the summary\./, 30_000);
  const history = await wholeHistory(pane);
  assertWholeTranscript(history);
  const after = history.slice(history.indexOf("end of turn 120."));
  assert.match(
    after,
    /compacted; the model now sees this summary:\n ## Goal\n fix the parser[^]*› go on[^]*Answered after the summary\./,
  );
});

Deno.test("scrolling back while an answer streams: the scrollback holds the turns in order, and the answer lands once", async () => {
  await using box = await sandbox();
  await longSession(box);
  const paragraphs = Array.from({ length: 30 }, (_, i) => `Streamed paragraph ${i} is here.`);
  const deltas = paragraphs.flatMap((p) => [...p.split(" ").map((w) => `${w} `), "\n\n"]);
  await using server = startResponsesServer({
    script: [{ sse: textAnswer(deltas.join(""), { deltas, reasoning: false }), delayMs: 15 }],
  });
  await using pane = await chat(box, server, {
    args: ["chat", "--resume", ID],
    columns: 100,
    rows: 30,
    historyLimit: HISTORY,
  });
  await pane.waitFor(PROMPT_READY, 30_000);
  await wholeHistory(pane);

  await send(pane, "write a lot");
  await pane.waitFor(/Streamed paragraph 3 /, 30_000);
  await pane.scroll(400);
  const view = await pane.scrolledScreen();
  const seen = turnsIn(view);
  assert.ok(seen.length > 0, `the scrolled-back view shows earlier turns:\n${view}`);
  assert.deepEqual(seen, seen.map((_, i) => seen[0] + i), "consecutive turns, in order");
  assert.ok(seen.at(-1)! < TURNS);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await pane.endScroll();

  await pane.waitFor(/Streamed paragraph 29 is here\./, 60_000);
  await pane.waitFor((s) => !s.includes("esc to interrupt"));
  const history = await wholeHistory(pane);
  assertWholeTranscript(history);
  const streamed = [...history.matchAll(/Streamed paragraph (\d+) is here\./g)].map((m) =>
    Number(m[1])
  );
  assert.deepEqual(streamed, paragraphs.map((_, i) => i), "each paragraph once, in order");
});

Deno.test("a long session damaged before its last turns: the chat ends saying which line, as it did before it painted", async () => {
  await using box = await sandbox();
  await longSession(box);
  const path = join(box.sessionsDir, `${ID}.ndjson`);
  const lines = (await Deno.readTextFile(path)).split("\n");
  lines[3] = '{"damaged';
  await Deno.writeTextFile(path, lines.join("\n"));
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server, {
    args: ["chat", "--resume", ID],
    after: "echo CHAT-ENDED $status",
  });
  const screen = await pane.waitFor(/CHAT-ENDED \d+/, 30_000);
  // The pane wraps long lines.
  const unwrapped = screen.replaceAll("\n", "");
  assert.match(unwrapped, new RegExp(`pixir: .*${ID}\\.ndjson:4: not valid JSON`));
  assert.match(unwrapped, /a line before the last is damaged/);
  assert.match(screen, /CHAT-ENDED [1-9]/);
});
