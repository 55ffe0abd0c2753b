/**
 * What a run writes where, as it happens: the answer streams into a pipe while the model is still
 * answering, and `--json` keeps the human progress on stderr.
 */

import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { hintedSessionId, jsonOutput, justAfter, sandbox } from "./helpers.ts";

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
