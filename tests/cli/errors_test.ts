import assert from "node:assert/strict";
import {
  CONTEXT_OVERFLOW_MESSAGE,
  contextOverflowFailure,
  detailReply,
  errorEventNested,
  errorEventTopLevel,
  inBandFailure,
  incompleteAnswer,
  OVERLOADED_MESSAGE,
  overloadedReply,
  rateLimitReply,
  serverErrorReply,
  textAnswer,
  tokenExpiredReply,
  toolCallAnswer,
  usageLimitReply,
} from "../fakes/fixtures.ts";
import type { Reply } from "../fakes/reply.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  assertNoStackTrace,
  hintedSessionId,
  jsonObject,
  jsonOutput,
  justAfter,
  sandbox,
  typesOf,
} from "./helpers.ts";

const ANSWER = "Hello there!";
const greeting = () => textAnswer(ANSWER, { deltas: ["Hello", " there!"] });
const REJECTED_DETAIL = "Unsupported parameter: max_output_tokens";

/** A run the server makes fail: what a user and a script must see, plain and with `--json`. */
interface FailureCase {
  /** Fresh replies for each run. */
  script: () => Reply[];
  env?: Record<string, string>;
  code: number;
  kind: string;
  /** Requests the server must have received: retries happen only where they can help. */
  requests: number;
  /** What the plain run's stderr must say. */
  stderr: RegExp;
  /** The error message of `--json`, when it must be the server's words verbatim. */
  message?: string;
}

const FAILURES: Record<string, FailureCase> = {
  "no credential can cure a 401 with an API key": {
    script: () => [tokenExpiredReply()],
    code: 4,
    kind: "not_authenticated",
    requests: 1,
    stderr: /not authenticated[^]*OPENAI_API_KEY/,
  },
  "a spent usage limit says when it resets and is not retried": {
    script: () => [usageLimitReply({ now: Date.now(), resetsInSeconds: 13_872 })],
    code: 5,
    kind: "usage_limit",
    requests: 1,
    stderr: /usage limit reached\W+resets in [^\n]*\d/,
  },
  "a 400 detail is shown verbatim and not retried": {
    script: () => [detailReply(REJECTED_DETAIL)],
    code: 1,
    kind: "invalid_request",
    requests: 1,
    stderr: new RegExp(`pixir: ${REJECTED_DETAIL}\n`),
    message: REJECTED_DETAIL,
  },
  "an in-band context overflow is not retried": {
    script: () => [{ sse: contextOverflowFailure() }],
    code: 1,
    kind: "context_overflow",
    requests: 1,
    stderr: new RegExp(`pixir: ${CONTEXT_OVERFLOW_MESSAGE}\n`),
    message: CONTEXT_OVERFLOW_MESSAGE,
  },
  "a server that always fails is given up on after the retries": {
    script: () => [serverErrorReply()],
    env: { PIXIR_MAX_RETRIES: "2" },
    code: 1,
    kind: "provider",
    requests: 3,
    stderr: /retry 1 in [^]*retry 2 in [^]*pixir: server error \(HTTP 500\)/,
  },
  "a stream that goes silent hits the idle timeout": {
    script: () => {
      const events = greeting();
      return [{
        sse: events,
        end: { stallAfter: justAfter(events, "response.output_text.delta") },
      }];
    },
    env: { PIXIR_STREAM_IDLE_TIMEOUT_MS: "300", PIXIR_MAX_RETRIES: "0" },
    code: 124,
    kind: "timeout",
    requests: 1,
    stderr: /pixir: idle timeout/,
  },
  "a turn stops at the iteration cap": {
    script: () => [{
      sse: toolCallAnswer({ name: "ls", arguments: "{}", callId: "call_ls_1" }),
    }],
    env: { PIXIR_MAX_ITERATIONS: "1" },
    code: 1,
    kind: "iteration_cap",
    requests: 1,
    stderr: /iteration cap/,
  },
};

for (const [name, failure] of Object.entries(FAILURES)) {
  Deno.test(`${name}: exit ${failure.code}`, async (t) => {
    await using box = await sandbox();

    await t.step("plain", async () => {
      await using server = startResponsesServer({ script: failure.script() });
      const result = await box.run(["run", "hi"], { server, env: failure.env });
      assert.equal(result.code, failure.code, result.stderr);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, failure.stderr);
      assertNoStackTrace(result.stderr);
      assert.equal(server.requests.length, failure.requests);
      const log = await box.log(hintedSessionId(result.stderr));
      assert.equal(typesOf(log).at(-1), "turn_failed");
    });

    await t.step("--json", async () => {
      await using server = startResponsesServer({ script: failure.script() });
      const result = await box.run(["run", "--json", "hi"], { server, env: failure.env });
      assert.equal(result.code, failure.code, result.stderr);
      const final = jsonOutput(result.stdout);
      assert.equal(final.ok, false);
      assert.equal(final.status, "failed");
      assert.equal(final.error?.kind, failure.kind);
      if (failure.message !== undefined) assert.equal(final.error?.message, failure.message);
      assert.ok(final.session_id !== null);
      assert.ok((await box.sessionIds()).includes(final.session_id));
      assert.equal(server.requests.length, failure.requests);
    });
  });
}

Deno.test("a usage limit reports when it resets in the --json details", async () => {
  await using box = await sandbox();
  const reply = usageLimitReply({ now: Date.now() });
  await using server = startResponsesServer({ script: [reply] });

  const result = await box.run(["run", "--json", "hi"], { server });

  assert.equal(result.code, 5);
  const details = jsonOutput(result.stdout).error?.details;
  assert.equal(details?.resets_at, Number(reply.headers?.["x-codex-primary-reset-at"]));
});

/** A transient failure the run must recover from, answering exactly once. */
interface RecoveryCase {
  /** Fresh replies; the last one answers `ANSWER`. */
  script: () => Reply[];
  env?: Record<string, string>;
  /** What the retry notice on stderr must say. */
  notice: RegExp;
}

const RECOVERIES: Record<string, RecoveryCase> = {
  "a 503": {
    script: () => [overloadedReply(), { sse: greeting() }],
    notice: /^! retry 1 in [\d.]+ s: the server is overloaded \(HTTP 503\)/m,
  },
  "a 429 rate limit that asks to wait 0.05 s": {
    script: () => [rateLimitReply("0.05s"), { sse: greeting() }],
    notice: /^! retry 1 in [\d.]+ s: rate limited \(HTTP 429\)/m,
  },
  "an in-band server_is_overloaded": {
    script: () => [
      { sse: inBandFailure("server_is_overloaded", OVERLOADED_MESSAGE) },
      { sse: greeting() },
    ],
    notice: new RegExp(`^! retry 1 in [\\d.]+ s: ${OVERLOADED_MESSAGE}`, "m"),
  },
  "an error event with nested details": {
    script: () => [{ sse: errorEventNested() }, { sse: greeting() }],
    notice: new RegExp(`^! retry 1 in [\\d.]+ s: ${OVERLOADED_MESSAGE}`, "m"),
  },
  "an error event with top-level details": {
    script: () => [{ sse: errorEventTopLevel() }, { sse: greeting() }],
    notice: new RegExp(`^! retry 1 in [\\d.]+ s: ${OVERLOADED_MESSAGE}`, "m"),
  },
  "a stream closed mid-answer": {
    script: () => {
      const events = greeting();
      const cutAfter = justAfter(events, "response.output_text.delta");
      return [{ sse: events, end: { cutAfter } }, { sse: greeting() }];
    },
    notice: /^! retry 1 in [\d.]+ s: stream closed before response\.completed/m,
  },
  "a connection reset mid-answer": {
    script: () => {
      const events = greeting();
      const cutAfter = justAfter(events, "response.output_text.delta");
      return [{ sse: events, end: { cutAfter, reset: true } }, { sse: greeting() }];
    },
    notice: /^! retry 1 in [\d.]+ s: /m,
  },
  "a stream that goes silent mid-answer": {
    script: () => {
      const events = greeting();
      const stallAfter = justAfter(events, "response.output_text.delta");
      return [{ sse: events, end: { stallAfter } }, { sse: greeting() }];
    },
    env: { PIXIR_STREAM_IDLE_TIMEOUT_MS: "300" },
    notice: /^! retry 1 in [\d.]+ s: idle timeout: /m,
  },
};

for (const [name, recovery] of Object.entries(RECOVERIES)) {
  Deno.test(`run recovers from ${name} and answers once`, async () => {
    await using box = await sandbox();
    await using server = startResponsesServer({ script: recovery.script() });

    const result = await box.run(["run", "hi"], { server, env: recovery.env });

    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${ANSWER}\n`);
    assert.match(result.stderr, recovery.notice);
    assert.equal(server.requests.length, 2);
    const log = await box.log(hintedSessionId(result.stderr));
    assert.equal(typesOf(log).filter((type) => type === "assistant_message").length, 1);
    assert.equal(typesOf(log).filter((type) => type === "reasoning").length, 1);
  });
}

Deno.test("a rate limit is retried after the delay the server asked for", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [rateLimitReply("0.05s"), { sse: greeting() }],
  });

  const result = await box.run(["run", "--jsonl", "hi"], { server });

  assert.equal(result.code, 0, result.stderr);
  const retries = result.stdout.trim().split("\n").map(jsonObject).filter((event) =>
    event.type === "retrying"
  );
  assert.equal(retries.length, 1);
  const data = retries[0].data;
  assert.ok(typeof data === "object" && data !== null && "delay_ms" in data && "attempt" in data);
  assert.equal(data.attempt, 1);
  assert.equal(data.delay_ms, 50);
});

Deno.test("run without OPENAI_API_KEY is exit 4 and creates no session", async (t) => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: greeting() }] });

  await t.step("plain", async () => {
    const result = await box.run(["run", "hi"], { server, apiKey: null });
    assert.equal(result.code, 4);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /OPENAI_API_KEY/);
    assertNoStackTrace(result.stderr);
  });
  await t.step("--json", async () => {
    const result = await box.run(["run", "--json", "hi"], { server, apiKey: null });
    assert.equal(result.code, 4);
    const final = jsonOutput(result.stdout);
    assert.equal(final.session_id, null);
    assert.equal(final.error?.kind, "not_authenticated");
  });
  assert.deepEqual(await box.sessionIds(), []);
  assert.equal(server.requests.length, 0);
});

Deno.test("an incomplete response is exit 0 with status incomplete and a note", async (t) => {
  await using box = await sandbox();
  const partial = "The first half";
  // The answer streams and finishes its item, then the response stops at its output limit.
  const events = [...textAnswer(partial, { reasoning: false }).slice(0, -1), ...incompleteAnswer()];
  await using server = startResponsesServer({ script: [{ sse: events }] });

  await t.step("plain", async () => {
    const result = await box.run(["run", "write a lot"], { server });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${partial}\n`);
    assert.match(result.stderr, /stopped before finishing/);
    const log = await box.log(hintedSessionId(result.stderr));
    const last = log.at(-1);
    assert.equal(last?.type, "turn_completed");
    assert.deepEqual(last?.data, { turn: 1, status: "incomplete", reason: "max_output_tokens" });
  });
  await t.step("--json", async () => {
    const result = await box.run(["run", "--json", "write a lot"], { server });
    assert.equal(result.code, 0, result.stderr);
    const final = jsonOutput(result.stdout);
    assert.equal(final.ok, true);
    assert.equal(final.status, "incomplete");
    assert.equal(final.answer, partial);
  });
});
