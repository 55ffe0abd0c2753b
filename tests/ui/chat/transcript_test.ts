import assert from "node:assert/strict";
import type { Envelope, PixirEvent } from "../../../src/agent/event.ts";
import { chatTheme } from "../../../src/ui/chat/theme.ts";
import { boundedMessage, MAX_USER_LINES, Transcript } from "../../../src/ui/chat/transcript.ts";
import { styleFor } from "../../../src/ui/style.ts";
import { loadLaterParts } from "../../../src/ui/chat/pi_tui.ts";

// The chat loads pi-tui's markdown and completion parts before anything shows or completes.
await loadLaterParts();

const theme = chatTheme(styleFor(false, undefined));
let seq = 0;

/** `event` in an envelope; the transcript only looks at type and data. */
function envelope(event: PixirEvent): Envelope {
  return { ...event, id: `e${seq}`, session_id: "s", seq: seq++, ts: "" } as Envelope;
}

/** The transcript's text at 60 columns, trailing spaces removed. */
function screen(transcript: Transcript): string {
  return transcript.render(60).map((line) => line.trimEnd()).join("\n");
}

const noFiles = () => Promise.resolve(null);

Deno.test("an answer streams as markdown and is settled by its message", async () => {
  const transcript = new Transcript(theme, noFiles);
  await transcript.event(envelope({ type: "user_message", data: { text: "hi" } }));
  await transcript.event(envelope({ type: "reasoning_delta", data: { delta: "Thinking" } }));
  await transcript.event(envelope({ type: "text_delta", data: { delta: "**Hel" } }));
  assert.match(screen(transcript), /› hi\n Thinking\n \*\*Hel$/);
  await transcript.event(envelope({ type: "text_delta", data: { delta: "lo**" } }));
  assert.match(screen(transcript), / Hello$/, "markdown: the bold markers are gone");
  await transcript.event(
    envelope({ type: "assistant_message", data: { model: "m", text: "**Hello** world" } }),
  );
  assert.match(screen(transcript), / Hello world$/);
  assert.equal(screen(transcript).match(/Hello/g)?.length, 1, "shown once");
});

Deno.test("a retry drops the partial answer before it streams again", async () => {
  const transcript = new Transcript(theme, noFiles);
  await transcript.event(envelope({ type: "text_delta", data: { delta: "partial" } }));
  await transcript.event(envelope({
    type: "retrying",
    data: {
      attempt: 1,
      delay_ms: 500,
      error: { kind: "server_error", message: "overloaded", retryable: true },
    },
  }));
  const shown = screen(transcript);
  assert.doesNotMatch(shown, /partial/);
  assert.match(shown, /! retry 1 in 0\.5 s: overloaded/);
  await transcript.event(envelope({
    type: "retrying",
    data: {
      attempt: 2,
      delay_ms: 1000,
      error: { kind: "server_error", message: "still overloaded", retryable: true },
    },
  }));
  const updated = screen(transcript);
  assert.equal(updated.match(/retry/g)?.length, 1, `one retry line:\n${updated}`);
  assert.match(updated, /! retry 2 in 1\.0 s: still overloaded/);
});

Deno.test("an edit's block shows the diff of the file from before the call to after it", async () => {
  let content = "one\ntwo\n";
  const transcript = new Transcript(
    theme,
    (path) => Promise.resolve(path === "a.txt" ? content : null),
  );
  const call = { call_id: "c1", name: "edit", arguments: JSON.stringify({ path: "a.txt" }) };
  await transcript.event(envelope({ type: "tool_call", data: { model: "m", ...call } }));
  await transcript.event(envelope({ type: "tool_started", data: call }));
  assert.match(screen(transcript), /● edit a\.txt\n\s+running…/);
  content = "one\nTWO\n";
  await transcript.event(envelope({
    type: "tool_result",
    data: { call_id: "c1", name: "edit", ok: true, output: "edited a.txt" },
  }));
  assert.match(screen(transcript), /✓ edit a\.txt\n\s+@@ -1,2 \+1,2 @@\n\s+one\n\s+-two\n\s+\+TWO/);
});

Deno.test("a replayed session shows its messages, reasoning and tool calls", async () => {
  const transcript = new Transcript(theme, noFiles);
  const events: PixirEvent[] = [
    { type: "user_message", data: { text: "list" } },
    {
      type: "reasoning",
      data: {
        model: "m",
        summary: [{ type: "summary_text", text: "Listing" }],
        encrypted_content: null,
      },
    },
    {
      type: "tool_call",
      data: { model: "m", call_id: "c", name: "ls", arguments: '{"path":"."}' },
    },
    { type: "tool_result", data: { call_id: "c", name: "ls", ok: true, output: "a.txt\nb.txt" } },
    { type: "assistant_message", data: { model: "m", text: "Two files." } },
    { type: "interrupted", data: { turn: 2, reason: "aborted" } },
  ];
  for (const event of events) await transcript.event(envelope(event));
  assert.equal(
    screen(transcript),
    "\n › list\n Listing\n ✓ ls .\n   a.txt\n   b.txt\n Two files.\n ! interrupted",
  );
});

Deno.test("clear empties the transcript", async () => {
  const transcript = new Transcript(theme, noFiles);
  await transcript.event(envelope({ type: "user_message", data: { text: "hi" } }));
  transcript.clear();
  assert.deepEqual(transcript.render(60), []);
});

Deno.test("long user messages are cut to a few lines, the rest counted", () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `l${i}`).join("\n");
  assert.equal(boundedMessage(lines(MAX_USER_LINES + 1)).split("\n").at(-1), "… 1 more line");
  const text = lines(MAX_USER_LINES + 3);
  const shown = boundedMessage(text).split("\n");
  assert.equal(shown.length, MAX_USER_LINES + 1);
  assert.equal(shown.at(-1), "… 3 more lines");
  assert.equal(boundedMessage("short"), "short");
});

Deno.test("a permission decision is one line: allowed or denied, by whom, the command", async () => {
  const transcript = new Transcript(theme, noFiles);
  const decision = (data: Record<string, unknown>) =>
    transcript.event(envelope({
      type: "permission_decision",
      data: { tool: "bash", command: "touch made.txt", ...data },
    } as PixirEvent));
  await decision({ decision: "allow", source: "user", scope: "once" });
  await decision({ decision: "allow", source: "user", scope: "always", rules: ["touch"] });
  await decision({ decision: "allow", source: "rule", rules: ["touch"] });
  await decision({ decision: "allow", source: "safe_list" });
  await decision({
    decision: "deny",
    source: "user",
    reason: "The user declined to run this command.",
    user_reason: "use\nmkdir",
  });
  await decision({ decision: "deny", source: "non_interactive", reason: "nobody" });
  assert.deepEqual(screen(transcript).split("\n"), [
    " allowed by you (once): touch made.txt",
    ' allowed by you (always: "touch"): touch made.txt',
    ' allowed by a saved rule ("touch"): touch made.txt',
    " allowed by the safe list: touch made.txt",
    " denied by you: touch made.txt — use mkdir",
    " denied with nobody to ask: touch made.txt",
  ]);
});

Deno.test("a compaction is shown as a notice with its reason", async () => {
  const transcript = new Transcript(theme, noFiles);
  await transcript.event(envelope({
    type: "compaction",
    data: {
      summary: "S",
      reason: "threshold",
      replaces_through_seq: 2,
      model: "m",
      tokens_before: 9,
    },
  }));
  assert.match(screen(transcript), /compacted the conversation \(the context passed its/);
});

/** The text of items handed over as finished. */
function taken(transcript: Transcript): string {
  return transcript.takeFinished().flatMap((item) => item.render(60)).map((l) => l.trimEnd())
    .join("\n");
}

Deno.test("a running tool call keeps itself and what follows live until its result", async () => {
  const transcript = new Transcript(theme, noFiles);
  await transcript.event(envelope({ type: "user_message", data: { text: "look" } }));
  await transcript.event(envelope({
    type: "tool_call",
    data: { model: "m", call_id: "c1", name: "read", arguments: '{"path":"a.txt"}' },
  }));
  transcript.notice("info", "a notice after the call");
  assert.match(taken(transcript), /› look/);
  assert.equal(taken(transcript), "", "the running call holds what follows");
  assert.match(screen(transcript), /read a\.txt[^]*a notice after the call/);
  await transcript.event(envelope({
    type: "tool_result",
    data: { call_id: "c1", name: "read", ok: true, output: "contents" },
  }));
  assert.match(taken(transcript), /✓ read a\.txt[^]*contents[^]*a notice after the call/);
  assert.equal(screen(transcript), "", "nothing is left live");
});

Deno.test("a streaming answer is live until its message; a new turn ends what the last left live", async () => {
  const transcript = new Transcript(theme, noFiles);
  await transcript.event(envelope({ type: "text_delta", data: { delta: "Half an" } }));
  assert.equal(taken(transcript), "");
  await transcript.event(
    envelope({ type: "assistant_message", data: { model: "m", text: "Half an answer" } }),
  );
  assert.match(taken(transcript), /Half an answer/);
  await transcript.event(envelope({
    type: "tool_call",
    data: { model: "m", call_id: "lost", name: "bash", arguments: '{"command":"sleep 9"}' },
  }));
  // The log ends without the call's result (a crash); the next turn starts.
  await transcript.event(envelope({ type: "user_message", data: { text: "again" } }));
  const finished = taken(transcript);
  assert.match(finished, /✗ bash sleep 9\n\s+no result \(interrupted\)/);
  assert.match(finished, /› again/);
});

Deno.test("a child agent's work is folded into one block that updates in place", async () => {
  const transcript = new Transcript(theme, noFiles);
  await transcript.event(envelope({
    type: "tool_call",
    data: {
      model: "m",
      call_id: "call_t",
      name: "task",
      arguments: JSON.stringify({ description: "survey the tests", prompt: "Look at tests/." }),
    },
  }));
  const child = (event: PixirEvent) =>
    transcript.event(envelope({
      type: "subagent_event",
      data: { call_id: "call_t", event: event as never },
    }));
  await child({ type: "user_message", data: { text: "Look at tests/." } });
  await child({
    type: "tool_call",
    data: { model: "m", call_id: "c1", name: "ls", arguments: '{"path":"tests"}' },
  });
  await child({
    type: "tool_call",
    data: { model: "m", call_id: "c2", name: "read", arguments: '{"path":"tests/a.ts"}' },
  });
  let shown = screen(transcript);
  assert.match(shown, /● subagent survey the tests\n +2 tool calls · read tests\/a\.ts/);
  // The child's prompt and tool calls are not shown one by one.
  assert.doesNotMatch(shown, /Look at tests/);
  await child({ type: "turn_completed", data: { turn: 1, status: "completed" } });
  shown = screen(transcript);
  assert.match(shown, /✓ subagent survey the tests/);
  assert.equal(shown.match(/subagent/g)?.length, 1, "one block per child");
});

Deno.test("web searches are shown with their query, and citations as footnotes", async () => {
  const transcript = new Transcript(theme, noFiles);
  await transcript.event(envelope({
    type: "web_search",
    data: { model: "m", status: "completed", action: { type: "search", query: "deno 2.5" } },
  }));
  await transcript.event(envelope({
    type: "assistant_message",
    data: {
      model: "m",
      text: "Deno 2.5 is out.",
      citations: [
        { url: "https://deno.com/blog", title: "Deno blog", start_index: 0, end_index: 8 },
        { url: "https://deno.com/blog", title: "Deno blog", start_index: 9, end_index: 15 },
      ],
    },
  }));
  const shown = screen(transcript);
  assert.match(shown, /⌕ web search "deno 2\.5" \(completed\)/);
  assert.match(shown, /\[1\] Deno blog <https:\/\/deno\.com\/blog>/);
  assert.doesNotMatch(shown, /\[2\]/, "one footnote per page");
});
