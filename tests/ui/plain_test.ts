import assert from "node:assert/strict";
import type { Envelope, PixirEvent } from "../../src/agent/event.ts";
import { plainRenderer } from "../../src/ui/plain.ts";
import { runResult } from "../../src/ui/result.ts";
import { styleFor } from "../../src/ui/style.ts";
import { CliFailure } from "../../src/cli/failure.ts";
import { recordingSink } from "./sink.ts";

let seq = 0;
function envelope(event: PixirEvent): Envelope {
  return { ...event, id: `s:${seq}`, session_id: "s", seq: seq++, ts: "t" } as Envelope;
}

const plainStyle = styleFor(false, undefined);

Deno.test("into a pipe the answer streams as it arrives, once", async () => {
  const stdout = recordingSink(false);
  const stderr = recordingSink(false);
  const renderer = plainRenderer({ stdout, stderr }, plainStyle);
  await renderer.event(envelope({ type: "text_delta", data: { delta: "Hel" } }));
  assert.equal(stdout.text, "Hel");
  await renderer.event(envelope({ type: "text_delta", data: { delta: "lo" } }));
  await renderer.event(
    envelope({ type: "assistant_message", data: { model: "m", text: "Hello" } }),
  );
  await renderer.finish(runResult({ sessionId: "s", answer: "Hello" }), "resume hint");
  assert.equal(stdout.text, "Hello\n");
  assert.match(stderr.text, /resume hint/);
});

Deno.test("a message that came without deltas is printed whole", async () => {
  const stdout = recordingSink(false);
  const renderer = plainRenderer({ stdout, stderr: recordingSink(false) }, plainStyle);
  await renderer.event(
    envelope({ type: "assistant_message", data: { model: "m", text: "Whole" } }),
  );
  await renderer.finish(runResult({ sessionId: "s", answer: "Whole" }));
  assert.equal(stdout.text, "Whole\n");
});

Deno.test("beside --json (no answer) only progress is written, on stderr", async () => {
  const stdout = recordingSink(false);
  const stderr = recordingSink(false);
  const renderer = plainRenderer({ stdout, stderr }, plainStyle, { answer: false });
  await renderer.event(envelope({ type: "text_delta", data: { delta: "Hello" } }));
  await renderer.event(envelope({
    type: "tool_started",
    data: { call_id: "c", name: "ls", arguments: '{"path":"."}' },
  }));
  await renderer.finish(runResult({ sessionId: "s", answer: "Hello" }), "resume hint");
  assert.equal(stdout.text, "");
  assert.match(stderr.text, /→ ls/);
  assert.match(stderr.text, /resume hint/);
});

Deno.test("on a terminal the answer streams and is not repeated at the end", async () => {
  const stdout = recordingSink(true);
  const stderr = recordingSink(false);
  const renderer = plainRenderer({ stdout, stderr }, plainStyle);
  await renderer.event(envelope({ type: "text_delta", data: { delta: "Hel" } }));
  assert.equal(stdout.text, "Hel");
  await renderer.event(envelope({ type: "text_delta", data: { delta: "lo" } }));
  await renderer.finish(runResult({ sessionId: "s", answer: "Hello" }));
  assert.equal(stdout.text, "Hello\n");
});

Deno.test("tool activity and retries go to stderr, never stdout", async () => {
  const stdout = recordingSink(false);
  const stderr = recordingSink(false);
  const renderer = plainRenderer({ stdout, stderr }, plainStyle);
  await renderer.event(envelope({
    type: "tool_started",
    data: { call_id: "c", name: "bash", arguments: '{"command":"ls -la"}' },
  }));
  await renderer.event(envelope({
    type: "tool_result",
    data: { call_id: "c", name: "bash", ok: true, output: "a\nb\n\nexit code: 0" },
  }));
  await renderer.event(envelope({
    type: "tool_result",
    data: {
      call_id: "d",
      name: "read",
      ok: false,
      output: "{}",
      error: { kind: "not_found", message: "no such\nfile" },
    },
  }));
  await renderer.event(envelope({
    type: "retrying",
    data: {
      attempt: 1,
      delay_ms: 1500,
      error: { kind: "overloaded", message: "busy", retryable: true },
    },
  }));
  assert.equal(stdout.text, "");
  assert.match(stderr.text, /→ bash ls -la\n/);
  assert.match(stderr.text, /✓ a … \(3 lines\)\n/);
  assert.match(stderr.text, /✗ not_found: no such file\n/);
  assert.match(stderr.text, /! retry 1 in 1\.5 s: busy\n/);
});

Deno.test("a failure is reported on stderr with its hint", async () => {
  const stdout = recordingSink(false);
  const stderr = recordingSink(false);
  const renderer = plainRenderer({ stdout, stderr }, plainStyle);
  const failure = new CliFailure("not_authenticated", "no credential", { hint: "set the key" });
  await renderer.finish(runResult({ sessionId: null, failure }));
  assert.equal(stdout.text, "");
  assert.equal(stderr.text, "pixir: no credential\n  set the key\n");
});

Deno.test("colour only on a terminal without NO_COLOR", () => {
  assert.equal(styleFor(true, undefined).red("x"), "\x1b[31mx\x1b[39m");
  assert.equal(styleFor(true, "1").red("x"), "x");
  assert.equal(styleFor(false, undefined).red("x"), "x");
});

Deno.test("a compaction is announced on stderr with its reason and size", async () => {
  const stdout = recordingSink(false);
  const stderr = recordingSink(false);
  const renderer = plainRenderer({ stdout, stderr }, plainStyle);
  await renderer.event(envelope({
    type: "compaction",
    data: {
      summary: "S",
      reason: "overflow",
      replaces_through_seq: 4,
      model: "m",
      tokens_before: 250_000,
    },
  }));
  assert.equal(stdout.text, "");
  assert.match(
    stderr.text,
    /… compacted the conversation \(the request did not fit the context window\): 250000 tokens/,
  );
});

Deno.test("on a terminal the retries of a call share one line, each rewriting the last", async () => {
  const stdout = recordingSink(false);
  const stderr = recordingSink(true);
  const renderer = plainRenderer({ stdout, stderr }, plainStyle);
  for (const attempt of [1, 2, 3]) {
    await renderer.event(envelope({
      type: "retrying",
      data: {
        attempt,
        delay_ms: 200 * attempt,
        error: { kind: "overloaded", message: `busy ${attempt}`, retryable: true },
      },
    }));
  }
  await renderer.event(envelope({
    type: "tool_started",
    data: { call_id: "c", name: "ls", arguments: "{}" },
  }));
  assert.equal(
    stderr.text,
    "! retry 1 in 0.2 s: busy 1\r\x1b[2K! retry 2 in 0.4 s: busy 2\r\x1b[2K! retry 3 in 0.6 s: busy 3\n" +
      "→ ls \n",
  );
});

Deno.test("web searches, a child's tool calls and the cited pages go to stderr", async () => {
  const stdout = recordingSink(false);
  const stderr = recordingSink(false);
  const renderer = plainRenderer({ stdout, stderr }, plainStyle);
  await renderer.event(envelope({
    type: "web_search",
    data: { model: "m", status: "failed", action: { type: "open_page", url: "https://x.dev" } },
  }));
  await renderer.event(envelope({
    type: "subagent_event",
    data: {
      call_id: "call_t",
      event: {
        type: "tool_call",
        data: { model: "m", call_id: "c", name: "grep", arguments: '{"pattern":"TODO"}' },
      },
    },
  }));
  await renderer.event(envelope({ type: "assistant_message", data: { model: "m", text: "See." } }));
  await renderer.finish(runResult({
    sessionId: "s",
    answer: "See.",
    citations: [{ url: "https://x.dev", title: "X\x1b[31m", start_index: 0, end_index: 3 }],
  }));
  assert.equal(stdout.text, "See.\n");
  assert.match(stderr.text, /⌕ web open https:\/\/x\.dev \(failed\)/);
  assert.match(stderr.text, /↳ \[call_t\] grep TODO/);
  assert.match(stderr.text, /Sources:\n {2}\[1\] X.*<https:\/\/x\.dev>/);
  assert.ok(!stderr.text.includes("\x1b[31m"), "a page title never drives the terminal");
});
