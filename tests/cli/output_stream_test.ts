/**
 * What a run writes where, as it happens: the answer streams into a pipe while the model is still
 * answering, and `--json` keeps the human progress on stderr.
 */

import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { hintedSessionId, jsonOutput, justAfter, sandbox, shellRun } from "./helpers.ts";

Deno.test("piped stdout gets the answer's first words while the stream is still open", async () => {
  await using box = await sandbox();
  const release = Promise.withResolvers<void>();
  const events = textAnswer("Early words, then the rest.", {
    deltas: ["Early words,", " then the rest."],
  });
  // The stand-in sends up to the first delta, then waits for the test before sending the rest.
  await using server = startResponsesServer({
    script: [{
      sse: events,
      pause: { writes: justAfter(events, "response.output_text.delta"), until: release.promise },
    }],
  });
  let earlyText = "";

  const result = await box.run(["run", "say it"], {
    server,
    // Only text that reached the pipe before the rest of the stream was sent releases it; a
    // program that holds the answer back until the end never gets here and the run times out.
    onOutput: (_stderr, stdout) => {
      if (earlyText === "" && stdout !== "") {
        earlyText = stdout;
        release.resolve();
      }
    },
    timeoutMs: 20_000,
  });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(earlyText, "Early words,");
  assert.equal(result.stdout, "Early words, then the rest.\n");
});

Deno.test("run --json keeps tool activity and the resume hint on stderr", async () => {
  await using box = await sandbox({ "notes.txt": "hi\n" });
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({ name: "ls", arguments: '{"path":"."}', callId: "call_ls" }),
      },
      { sse: textAnswer("Done.") },
    ],
  });

  const result = await box.run(["run", "--json", "look around"], { server });

  assert.equal(result.code, 0, result.stderr);
  const final = jsonOutput(result.stdout);
  assert.equal(final.answer, "Done.");
  assert.match(result.stderr, /→ ls \./);
  assert.match(result.stderr, /✓/);
  assert.equal(hintedSessionId(result.stderr), final.session_id);
  assert.doesNotMatch(result.stderr, /Done\./, "the answer itself stays in the JSON");
});

Deno.test("a run waiting on an open stdin pipe says so on stderr, then goes on", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Read it.") }] });
  const notice = /reading the prompt from stdin until it ends; .*<\/dev\/null/;

  // stdin stays open until the notice appears: a program that waits silently never closes it.
  const result = await box.run(["run", "review this"], {
    server,
    stdin: "piped text",
    closeStdinWhen: (stderr) => notice.test(stderr),
    timeoutMs: 20_000,
  });

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, notice);
  assert.equal(result.stdout, "Read it.\n");
});

Deno.test("`-` waiting on an open stdin says to pass the prompt as an argument", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Ok.") }] });

  const result = await box.run(["run", "-"], {
    server,
    stdin: "the prompt",
    closeStdinWhen: (stderr) => stderr.includes("pass the prompt as an argument"),
    timeoutMs: 20_000,
  });

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /pixir: reading the prompt from stdin until it ends/);
});

Deno.test("a long streamed answer and the tool activity reach one pipe whole and in order", async () => {
  await using box = await sandbox({ "notes.txt": "hi\n" });
  const deltas = Array.from({ length: 2000 }, (_, i) => `w${i} `);
  await using server = startResponsesServer({
    script: [
      { sse: toolCallAnswer({ name: "ls", arguments: '{"path":"."}', callId: "call_ls" }) },
      { sse: textAnswer(deltas.join(""), { deltas, reasoning: false }) },
    ],
  });

  // stdout and stderr into the same pipe: what each write put there, in the order written.
  const { stdout } = await shellRun(box, server, 'run "look around"', "2>&1");

  const lines = stdout.split("\n");
  assert.match(lines[0], /^→ ls \.$/);
  assert.match(lines[1], /^ {2}✓ /);
  assert.equal(lines[2], deltas.join(""));
  assert.match(lines[3], /^session \S+ · continue with: pixir resume /);
  assert.equal(lines.length, 5, stdout.slice(-300));
});

Deno.test("a reader that closes stdout early in a long plain answer ends the run quietly with 141", async () => {
  await using box = await sandbox();
  // 200 kB: more than a pipe holds, so writes still come after the reader has gone.
  const deltas = Array.from({ length: 2000 }, (_, i) => `w${i} ${"x".repeat(96)}\n`);
  await using server = startResponsesServer({
    script: [{ sse: textAnswer(deltas.join(""), { deltas, reasoning: false }) }],
  });

  const { stdout, stderr } = await shellRun(
    box,
    server,
    'run "hi"',
    '| head -c 3; echo " exit=${PIPESTATUS[0]}"',
  );

  assert.equal(stdout, "w0  exit=141\n", stderr);
  assert.doesNotMatch(stderr, /internal error|Broken pipe/);
});

Deno.test("an answer whose characters are split across one-byte reads arrives intact", async () => {
  await using box = await sandbox();
  // Every read brings one byte into the same reused buffer: a character must be decoded from
  // bytes that were each overwritten by the next read.
  const text = "Grüße — 日本語 🙂 done.";
  await using server = startResponsesServer({
    script: [{
      sse: textAnswer(text, { deltas: ["Grüße — ", "日本語 🙂", " done."] }),
      chunking: 1,
    }],
  });

  const result = await box.run(["run", "say it"], { server, timeoutMs: 30_000 });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${text}\n`);
});
