import assert from "node:assert/strict";
import { join } from "node:path";
import { REASONING_SUMMARY, textAnswer } from "../fakes/fixtures.ts";
import type { SseReply } from "../fakes/reply.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  API_KEY,
  bodyOf,
  finalResult,
  hintedSessionId,
  inputOf,
  isRecord,
  jsonObject,
  jsonOutput,
  sandbox,
  shellRun,
  typesOf,
  userItem,
} from "./helpers.ts";

const ANSWER = "Hello there!";
const greeting = () => textAnswer(ANSWER, { deltas: ["Hello", " there!"] });

Deno.test("run prints exactly the answer on stdout and the resume hint on stderr", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  const result = await box.run(["run", "say hello"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${ANSWER}\n`);
  const id = hintedSessionId(result.stderr);
  assert.equal(result.stderr.split("\n").length, 2, "stderr holds only the resume hint");
  assert.deepEqual(await box.sessionIds(), [id]);
  if (Deno.build.os !== "windows") {
    // The log holds everything the user and the model said: private to its owner.
    const permissions = async (path: string) => ((await Deno.stat(path)).mode ?? 0) & 0o777;
    assert.equal(await permissions(box.sessionsDir), 0o700);
    assert.equal(await permissions(join(box.sessionsDir, `${id}.ndjson`)), 0o600);
  }
  assert.deepEqual(typesOf(await box.log(id)), [
    "session_started",
    "user_message",
    "turn_started",
    "reasoning",
    "assistant_message",
    "usage",
    "turn_completed",
  ]);
});

Deno.test("run sends a stateless, streaming request with the seven tools, update_plan, task and the API key", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  const result = await box.run(["run", "say hello"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(server.requests.length, 1);
  const [request] = server.requests;
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/v1/responses");
  assert.equal(request.headers["authorization"], `Bearer ${API_KEY}`);
  assert.equal(request.headers["chatgpt-account-id"], undefined);
  const body = bodyOf(request);
  assert.equal(body.store, false);
  assert.equal(body.stream, true);
  assert.ok(typeof body.instructions === "string" && body.instructions.trim() !== "");
  assert.deepEqual(body.include, ["reasoning.encrypted_content"]);
  assert.equal(body.prompt_cache_key, hintedSessionId(result.stderr));
  assert.equal(body.model, "gpt-5.5");
  assert.ok(Array.isArray(body.tools));
  assert.deepEqual(
    body.tools.map((tool) => tool.name),
    ["read", "write", "edit", "bash", "ls", "find", "grep", "update_plan", "task"],
  );
  assert.deepEqual(inputOf(request), [userItem("say hello")]);
});

Deno.test("run --model and --effort choose what the request asks for", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  const result = await box.run(["run", "-m", "gpt-test-mini", "--effort", "high", "hi"], {
    server,
    env: { PIXIR_EFFORT: "low" },
  });

  assert.equal(result.code, 0, result.stderr);
  const body = bodyOf(server.requests[0]);
  assert.equal(body.model, "gpt-test-mini");
  assert.deepEqual(body.reasoning, { effort: "high", summary: "auto" });
});

Deno.test("run takes its model and effort from PIXIR_MODEL and PIXIR_EFFORT", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  const result = await box.run(["run", "hi"], {
    server,
    env: { PIXIR_MODEL: "gpt-env-model", PIXIR_EFFORT: "minimal" },
  });

  assert.equal(result.code, 0, result.stderr);
  const body = bodyOf(server.requests[0]);
  assert.equal(body.model, "gpt-env-model");
  assert.deepEqual(body.reasoning, { effort: "minimal", summary: "auto" });
});

Deno.test("run accepts an OPENAI_BASE_URL with a trailing slash", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  const result = await box.run(["run", "hi"], { env: { OPENAI_BASE_URL: `${server.url}/` } });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(server.requests[0].path, "/v1/responses");
});

/** Ways a server may frame or deliver the same answer; each must still be understood. */
const TRANSPORT_QUIRKS: Record<string, Omit<SseReply, "sse">> = {
  "data-only framing": { framing: "data-only" },
  "CRLF line endings": { lineEnding: "\r\n" },
  "no Content-Type header": { contentType: false },
  "a stream left open after response.completed": { end: "hang" },
  "7-byte chunks split inside lines": { chunking: 7 },
  "keep-alive comments and multi-line data": { comment: "keep-alive", multilineData: true },
};

for (const [quirk, reply] of Object.entries(TRANSPORT_QUIRKS)) {
  Deno.test(`run answers and exits promptly with ${quirk}`, async () => {
    await using box = await sandbox();
    await using server = startResponsesServer({ script: [{ ...reply, sse: greeting() }] });

    const result = await box.run(["run", "say hello"], { server, timeoutMs: 15_000 });

    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${ANSWER}\n`);
    assert.equal(server.requests.length, 1);
  });
}

Deno.test("run --json prints one final object with the answer and the usage", async () => {
  await using box = await sandbox();
  const usage = {
    input_tokens: 120,
    cached_tokens: 64,
    output_tokens: 9,
    reasoning_tokens: 4,
    total_tokens: 129,
  };
  await using server = startResponsesServer({
    script: [{ sse: textAnswer(ANSWER, { usage }) }],
  });

  const result = await box.run(["run", "--json", "say hello"], { server });

  assert.equal(result.code, 0, result.stderr);
  const final = jsonOutput(result.stdout);
  assert.equal(final.ok, true);
  assert.equal(final.status, "answered");
  assert.equal(final.answer, ANSWER);
  assert.deepEqual(final.usage, usage);
  assert.ok(final.session_id !== null);
  assert.deepEqual(await box.sessionIds(), [final.session_id]);
});

Deno.test("run --jsonl streams every event as JSON, then the final object", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  const result = await box.run(["run", "--jsonl", "say hello"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stdout.endsWith("\n"));
  const lines = result.stdout.slice(0, -1).split("\n");
  const objects = lines.map(jsonObject);
  const final = finalResult(lines.at(-1) ?? "");
  assert.equal(final.status, "answered");
  assert.equal(final.answer, ANSWER);
  const events = objects.slice(0, -1);
  assert.ok(events.every((event) => !("v" in event)), "only the last line has a v field");
  assert.ok(events.every((event) => event.session_id === final.session_id));

  assert.equal(events[0].type, "session_started");
  assert.equal(events[0].seq, 0);
  const canonical = events.filter((event) => event.seq !== null);
  assert.deepEqual(canonical.map((event) => event.seq), canonical.map((_, index) => index));
  const ephemeral = events.filter((event) => event.seq === null);
  assert.deepEqual(
    [...new Set(ephemeral.map((event) => event.type))].sort(),
    ["reasoning_delta", "text_delta"],
  );
  const deltas = ephemeral.filter((event) => event.type === "text_delta");
  assert.deepEqual(deltas.map((event) => event.data), [
    { delta: "Hello" },
    { delta: " there!" },
  ]);
  assert.deepEqual(
    ephemeral.filter((event) => event.type === "reasoning_delta").map((event) => event.data),
    [{ delta: REASONING_SUMMARY }],
  );

  // Canonical lines are exactly the lines of the session log.
  const logLines = await box.logLines(String(final.session_id));
  assert.deepEqual(canonical, logLines.map(jsonObject));
});

Deno.test("run reads the prompt from piped stdin", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  const result = await box.run(["run"], { server, stdin: "explain\nthis diff\n" });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${ANSWER}\n`);
  assert.deepEqual(inputOf(server.requests[0]), [userItem("explain\nthis diff\n")]);
});

Deno.test("run with a prompt argument and piped stdin sends both", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });
  const diff = "diff --git a/x.ts b/x.ts\n+export const x = 1;\n";

  const result = await box.run(["run", "review this change"], { server, stdin: diff });

  assert.equal(result.code, 0, result.stderr);
  const [message] = inputOf(server.requests[0]);
  assert.ok(Array.isArray(message.content) && isRecord(message.content[0]));
  const text = String(message.content[0].text);
  assert.ok(text.startsWith("review this change"), text);
  assert.ok(text.endsWith(diff), text);
});

Deno.test("run - reads the prompt from stdin", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  const result = await box.run(["run", "--json", "-"], { server, stdin: "from a file" });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(jsonOutput(result.stdout).answer, ANSWER);
  assert.deepEqual(inputOf(server.requests[0]), [userItem("from a file")]);
});

Deno.test("run without a prompt and with stdin closed or empty is bad usage", async (t) => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  await t.step("stdin closed", async () => {
    const result = await box.run(["run"], { server });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /prompt/);
  });
  await t.step("stdin empty, --json", async () => {
    const result = await box.run(["run", "--json"], { server, stdin: "  \n" });
    assert.equal(result.code, 2);
    const final = jsonOutput(result.stdout);
    assert.equal(final.ok, false);
    assert.equal(final.session_id, null);
    assert.equal(final.error?.kind, "usage");
  });
  await t.step("`-` with stdin closed", async () => {
    const result = await box.run(["run", "-"], { server });
    assert.equal(result.code, 2);
  });
  assert.equal(server.requests.length, 0);
  assert.deepEqual(await box.sessionIds(), []);
});

Deno.test("a reader that closes stdout early ends the run quietly with 141", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Hello there!") }] });
  // `head -c 1` closes the pipe after the first byte of the first JSONL line.
  const { stdout, stderr } = await shellRun(
    box,
    server,
    'run --jsonl "hi"',
    '| head -c 1 >/dev/null; echo "exit=${PIPESTATUS[0]}"',
  );
  assert.match(stdout, /exit=141/, stderr);
  assert.doesNotMatch(stderr, /internal error|Broken pipe/);
});
