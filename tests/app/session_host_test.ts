/** The session host with every effect injected: the network, the clock, the folders, the sinks. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { Failure } from "../../src/app/failure.ts";
import { openSessionHost, type SessionHost } from "../../src/app/session_host.ts";
import type { Envelope } from "../../src/agent/event.ts";
import { apiKeyProvider } from "../../src/auth/api_key.ts";
import { resolveConfig } from "../../src/config/resolver.ts";
import type { Io } from "../../src/util/io.ts";
import { QUOTA_HEADERS, textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { encodeSse, type StreamEvent } from "../fakes/sse.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const NOW = Date.UTC(2026, 0, 1, 12, 0);
const BASE_URL = "http://model.invalid/v1";

/** What a host saw and did: its events, its warnings, and the requests it sent. */
interface Recorded {
  events: Envelope[];
  warnings: string[];
  requests: { url: string; body: Record<string, unknown>; authorization: string | null }[];
}

/** A host over a temporary Pixir home, answering every model call with `replies` in turn. */
async function host(
  dir: string,
  replies: { events: StreamEvent[]; headers?: Record<string, string> }[],
): Promise<{ host: SessionHost; recorded: Recorded }> {
  const recorded: Recorded = { events: [], warnings: [], requests: [] };
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    recorded.requests.push({
      url,
      body: await new Response(init?.body).json(),
      authorization: new Headers(init?.headers).get("authorization"),
    });
    const reply = replies.shift();
    if (!reply) return new Response("no more replies", { status: 500 });
    return new Response(encodeSse(reply.events), {
      headers: { "content-type": "text/event-stream", ...reply.headers },
    });
  }) as typeof globalThis.fetch;
  const io = {
    env: () => undefined,
    cwd: dir,
    os: "linux",
    fetch,
    now: () => NOW,
    random: () => 0.5,
  } as unknown as Io;
  const home = join(dir, "home");
  const workspace = join(dir, "ws");
  await Deno.mkdir(workspace, { recursive: true });
  const env = (name: string) =>
    ({ OPENAI_BASE_URL: BASE_URL, PIXIR_MAX_RETRIES: "0" } as Record<string, string>)[name];
  const { settings } = resolveConfig({ env });
  const sessionHost = await openSessionHost({
    io,
    paths: { configDir: home, dataDir: home, sessionsDir: join(home, "sessions") },
    settings,
    credentials: {
      provider: apiKeyProvider("sk-unit", "env"),
      source: { method: "api_key", source: "env" },
      modelProvider: settings.providers.openai,
    },
    workspace: await Deno.realPath(workspace),
    withContext: false,
    patch: {},
    emit: (envelope) => void recorded.events.push(envelope),
    warn: (message) => void recorded.warnings.push(message),
    notice: (message) => void recorded.warnings.push(message),
  });
  return { host: sessionHost, recorded };
}

const CHOICE = { model: "gpt-5.5", effort: "medium" } as const;

Deno.test("a turn starts the session, and every event reaches emit from the very first", async () => {
  await using dir = await tempWorkspace();
  const { host: h, recorded } = await host(dir.path, [{ events: textAnswer("Hello.") }]);
  assert.equal(h.session, null);
  const outcome = await h.turn({
    prompt: "say hello",
    ...CHOICE,
    ask: undefined,
    signal: new AbortController().signal,
  });
  assert.equal(outcome.status, "answered");
  assert.ok(h.session);
  const types = recorded.events.map((e) => e.type);
  assert.equal(types[0], "session_started", "the opening event is not replayed later");
  assert.ok(types.includes("text_delta"));
  assert.ok(types.includes("assistant_message"));
  assert.equal(recorded.requests.length, 1);
  assert.equal(recorded.requests[0].url, `${BASE_URL}/responses`);
  assert.equal(recorded.requests[0].authorization, "Bearer sk-unit");
  assert.equal(recorded.requests[0].body.model, "gpt-5.5");
  h.close();
});

Deno.test("the quota a reply reports is cached and the context use is known", async () => {
  await using dir = await tempWorkspace();
  const { host: h } = await host(dir.path, [{
    events: textAnswer("Hi."),
    headers: QUOTA_HEADERS,
  }]);
  assert.equal(await h.quota(), null);
  assert.equal(await h.context("gpt-5.5"), null, "no session, no context");
  await h.turn({ prompt: "hi", ...CHOICE, ask: undefined, signal: new AbortController().signal });
  assert.equal((await h.quota())?.primary?.used_percent, 12.5);
  assert.ok(((await h.context("gpt-5.5"))?.used_tokens ?? 0) > 0);
  h.close();
});

Deno.test("a session is resumed by a prefix of its id; close lets another host take it", async () => {
  await using dir = await tempWorkspace();
  const first = await host(dir.path, []);
  const session = await first.host.start(CHOICE);
  assert.equal(await first.host.resume({ id: session.id.slice(0, 12) }), session, "already open");
  const second = await host(dir.path, []);
  await assert.rejects(second.host.resume({ id: session.id }), /in use|another/i);
  first.host.close();
  const resumed = await second.host.resume({ id: session.id });
  assert.equal(resumed.id, session.id);
  await assert.rejects(
    second.host.resume({ id: "no-such-session" }),
    (error) => error instanceof Failure && error.kind === "unknown_session",
  );
  second.host.close();
});

Deno.test("setPolicy changes the next turns' policy; a contradiction is a usage failure", async () => {
  await using dir = await tempWorkspace();
  const { host: h } = await host(dir.path, []);
  assert.equal(h.policy.policy.readOnly, false);
  await h.setPolicy({ readOnly: true });
  assert.equal(h.policy.policy.readOnly, true);
  await h.setPolicy({ run: "all" });
  assert.equal(h.policy.policy.readOnly, false);
  assert.equal(h.policy.policy.run, "all");
  await assert.rejects(
    h.setPolicy({ readOnly: true, write: "all" }),
    (error) => error instanceof Failure && error.kind === "usage",
  );
});

Deno.test("compacting without a session says there is nothing to compact, with no request", async () => {
  await using dir = await tempWorkspace();
  const { host: h, recorded } = await host(dir.path, []);
  const outcome = await h.compact(CHOICE, undefined, new AbortController().signal);
  assert.equal(outcome.ok, false);
  assert.ok(!outcome.ok && outcome.error.kind === "nothing_to_compact");
  assert.equal(recorded.requests.length, 0);
});

Deno.test("undo gives back what the last turn wrote; without a session it is a usage failure", async () => {
  await using dir = await tempWorkspace();
  const write = toolCallAnswer({
    name: "write",
    arguments: JSON.stringify({ path: "made.txt", content: "made\n" }),
    callId: "call_w",
  });
  const { host: h } = await host(dir.path, [{ events: write }, { events: textAnswer("Done.") }]);
  await assert.rejects(
    h.undo({ dryRun: false, force: false }),
    (error) => error instanceof Failure && error.kind === "usage",
  );
  const outcome = await h.turn({
    prompt: "make a file",
    ...CHOICE,
    ask: undefined,
    signal: new AbortController().signal,
  });
  assert.equal(outcome.status, "answered");
  const made = join(h.workspace, "made.txt");
  assert.equal(await Deno.readTextFile(made), "made\n");
  const undone = await h.undo({ dryRun: false, force: false });
  assert.deepEqual(undone.deleted, [made]);
  await assert.rejects(Deno.stat(made), Deno.errors.NotFound);
  h.close();
});

Deno.test("status reads the sign-in from the injected folders and environment", async () => {
  await using dir = await tempWorkspace();
  const { host: h } = await host(dir.path, []);
  const report = await h.status();
  assert.equal(report.signed_in, false);
  assert.equal(report.quota, null);
});

Deno.test("an aborted signal stops the turn before any request", async () => {
  await using dir = await tempWorkspace();
  const { host: h, recorded } = await host(dir.path, [{ events: textAnswer("never") }]);
  const controller = new AbortController();
  controller.abort("aborted");
  const outcome = await h.turn({
    prompt: "hi",
    ...CHOICE,
    ask: undefined,
    signal: controller.signal,
  });
  assert.equal(outcome.status, "interrupted");
  assert.equal(recorded.requests.length, 0);
  assert.ok(recorded.events.some((e) => e.type === "interrupted"));
  h.close();
});
