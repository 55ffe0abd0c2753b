/**
 * Properties of Pixir's readers of untrusted input and of its writers, for fast-check: the SSE
 * parser, the session-log reader, `auth.json`, the permissions file, settings and caches, and the
 * JSON/JSONL writers. Shared by the test suite (a fixed seed, few runs) and `scripts/fuzz` (random
 * seeds, for as long as asked).
 *
 * What every property demands: no exception other than the reader's own structured error, no hang
 * (each run has a time limit), and what was valid before the damage is still read.
 */

import fc from "fast-check";
import assert from "node:assert/strict";
import { join } from "node:path";
import { decodeSse, type SseMessage } from "../../src/provider/sse.ts";
import { parseStreamEvent } from "../../src/provider/stream_event.ts";
import { createSession } from "../../src/agent/session.ts";
import type { CanonicalEvent, Envelope } from "../../src/agent/event.ts";
import { readLogFromLastCompaction, readWholeLog } from "../../src/agent/session_read.ts";
import { CorruptSessionError } from "../../src/agent/session_error.ts";
import { currentSummary, summaryPathOf } from "../../src/agent/session_summary.ts";
import { foldHistory } from "../../src/agent/history.ts";
import {
  AuthFileError,
  authFileLocation,
  readAuthFile,
  type StoredAuth,
  withAuthFile,
} from "../../src/auth/auth_file.ts";
import { loadPermissions, PermissionsFileError } from "../../src/config/permissions_file.ts";
import { SettingsError } from "../../src/config/settings.ts";
import { loadSettings } from "../../src/config/resolver.ts";
import { parseConfigText } from "../../src/config/config_file.ts";
import { loadQuota } from "../../src/quota/store.ts";
import { loadQuotaAlerts } from "../../src/quota/alerts.ts";
import { jsonRenderer } from "../../src/ui/jsonl.ts";
import { runResult } from "../../src/ui/result.ts";

/** How many runs, from which seed. */
export interface FuzzRun {
  seed: number;
  numRuns: number;
}

/** What a batch of runs found. */
export interface FuzzOutcome {
  /** Inputs tried. */
  runs: number;
  /** The failure and its shrunk counterexample, with the seed and path that replay it. */
  failure: string | null;
}

/** A named property; `dir` is a scratch folder its runs may write in. */
export interface FuzzTarget {
  name: string;
  check(dir: string, run: FuzzRun): Promise<FuzzOutcome>;
}

function target<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: (dir: string) => fc.IAsyncProperty<Ts>,
): FuzzTarget {
  return {
    name,
    async check(dir, run) {
      const details = await fc.check(property(dir), { ...run, includeErrorInReport: true });
      return {
        runs: details.numRuns,
        failure: details.failed ? fc.defaultReportMessage(details) ?? "failed" : null,
      };
    },
  };
}

/** Each run must settle within this long, or it counts as a hang. */
export const RUN_LIMIT_MS = 5_000;

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${RUN_LIMIT_MS} ms`)),
      RUN_LIMIT_MS,
    );
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

// ---- SSE ---------------------------------------------------------------------------------------

/** A body as chunks cut at the given points. */
function chunked(bytes: Uint8Array, cuts: readonly number[]): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.slice(at, point));
    at = point;
  }
  return ReadableStream.from(pieces);
}

async function decodeAll(body: ReadableStream<Uint8Array>): Promise<SseMessage[]> {
  return await Array.fromAsync(decodeSse(body));
}

/** A line of SSE text: anything but line ends. */
const sseText = fc.string({ unit: "binary", maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ""));

const sseEvent = fc.record({
  event: fc.option(sseText.filter((s) => s !== "" && !s.startsWith(" ")), { nil: undefined }),
  data: fc.array(sseText, { minLength: 1, maxLength: 4 }),
  comment: fc.option(sseText, { nil: undefined }),
});

const lineEnd = fc.constantFrom("\n", "\r\n", "\r");

const sseSplit = target(
  "sse: a valid stream split anywhere, with any line ends, parses as when whole",
  () =>
    fc.asyncProperty(
      fc.array(sseEvent, { maxLength: 8 }),
      lineEnd,
      fc.array(fc.nat(), { maxLength: 12 }),
      async (events, eol, cuts) => {
        let text = "";
        const expected: SseMessage[] = [];
        for (const e of events) {
          if (e.comment !== undefined) text += `:${e.comment}${eol}`;
          if (e.event !== undefined) text += `event: ${e.event}${eol}`;
          for (const line of e.data) text += `data: ${line}${eol}`;
          text += eol;
          const data = e.data.join("\n");
          if (data !== "") {
            expected.push(e.event === undefined ? { data } : { event: e.event, data });
          }
        }
        const bytes = new TextEncoder().encode(text);
        const whole = await within(decodeAll(chunked(bytes, [])), "decoding");
        const split = await within(decodeAll(chunked(bytes, cuts)), "decoding");
        assert.deepEqual(whole, expected);
        assert.deepEqual(split, whole);
      },
    ),
);

const sseBytes = target(
  "sse: arbitrary bytes in arbitrary chunks never throw, and every message reads as an event or nothing",
  () =>
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 600 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      async (bytes, cuts) => {
        const messages = await within(decodeAll(chunked(bytes, cuts)), "decoding");
        for (const message of messages) {
          const event = parseStreamEvent(message);
          assert.ok(event === null || typeof event.type === "string");
        }
      },
    ),
);

const sseJsonEvents = target(
  "sse: events with known types and hostile fields are read or ignored, never thrown",
  () =>
    fc.asyncProperty(
      fc.constantFrom(
        "response.created",
        "response.output_text.delta",
        "response.reasoning_summary_text.delta",
        "response.output_item.done",
        "response.completed",
        "response.incomplete",
        "response.failed",
        "error",
      ),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
      fc.constantFrom("response", "item", "error", "delta", "usage"),
      fc.jsonValue({ maxDepth: 3 }),
      (type, rest, key, value) => {
        const event = parseStreamEvent({ data: JSON.stringify({ ...rest, [key]: value, type }) });
        assert.ok(event !== null && typeof event.type === "string");
        return Promise.resolve();
      },
    ),
);

// ---- the session log ---------------------------------------------------------------------------

const text = fc.string({ unit: "binary", maxLength: 60 });

/** One turn's events, as the agent logs them. */
const turnEvents = fc.record({
  prompt: text,
  answer: text,
  call: fc.option(fc.record({ name: fc.constantFrom("read", "bash"), args: text, out: text }), {
    nil: undefined,
  }),
  foreign: fc.option(fc.constantFrom("memory_note", "plan_update"), { nil: undefined }),
  compact: fc.boolean(),
});

type TurnSpec = typeof turnEvents extends fc.Arbitrary<infer T> ? T : never;

/** Writes a session of these turns; returns its id and path. */
async function writeSession(
  dir: string,
  turns: readonly TurnSpec[],
): Promise<{ id: string; path: string }> {
  const now = () => Date.UTC(2026, 0, 1);
  const session = await createSession({
    sessionsDir: dir,
    cwd: "/w",
    model: "m",
    effort: "low",
    version: "0",
    now,
    random: Math.random,
  });
  let n = 0;
  for (const t of turns) {
    n += 1;
    await session.append({ type: "user_message", data: { text: t.prompt } });
    await session.append({ type: "turn_started", data: { turn: n, model: "m", effort: "low" } });
    if (t.call) {
      const call_id = `c${n}`;
      await session.append({
        type: "tool_call",
        data: { model: "m", call_id, name: t.call.name, arguments: t.call.args },
      });
      await session.append({
        type: "tool_result",
        data: { call_id, name: t.call.name, ok: true, output: t.call.out },
      });
    }
    await session.append({ type: "assistant_message", data: { model: "m", text: t.answer } });
    await session.append({ type: "turn_completed", data: { turn: n, status: "completed" } });
    if (t.compact && session.events.length > 6) {
      await session.append({
        type: "compaction",
        data: {
          summary: `summary ${n}`,
          reason: "threshold",
          replaces_through_seq: session.events[session.events.length - 3].seq,
          model: "m",
          tokens_before: 10,
        },
      });
    }
  }
  await session.flush();
  session.release();
  // Events of a newer Pixir at the end, as it would write them: the next seqs, types unknown here.
  const foreign = turns.flatMap((t) => t.foreign === undefined ? [] : [t.foreign]);
  let seq = session.events.length;
  for (const type of foreign) {
    const line = JSON.stringify({
      id: `${session.id}:${seq}`,
      session_id: session.id,
      seq: seq++,
      ts: "2026-01-01T00:00:00.000Z",
      type,
      data: {},
    });
    await Deno.writeTextFile(session.path, `${line}\n`, { append: true });
  }
  return { id: session.id, path: session.path };
}

/** How a log is damaged. */
const damage = fc.oneof(
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("garbage" as const),
    line: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 80 }),
  }),
  fc.record({
    kind: fc.constant("retype" as const),
    line: fc.nat(),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  fc.record({
    kind: fc.constant("huge" as const),
    size: fc.integer({ min: 70_000, max: 300_000 }),
  }),
  fc.record({ kind: fc.constant("none" as const) }),
);

type Damage = typeof damage extends fc.Arbitrary<infer T> ? T : never;

/** Applies `d` to the log's bytes; returns how many whole lines before the damage are untouched. */
function damaged(
  bytes: Uint8Array,
  d: Damage,
): { bytes: Uint8Array; intactLines: number; last: boolean } {
  const lines = splitLines(bytes);
  switch (d.kind) {
    case "none":
      return { bytes, intactLines: lines.length, last: true };
    case "truncate": {
      const at = d.at % (bytes.length + 1);
      let end = 0;
      let intact = 0;
      for (const line of lines) {
        end += line.length + 1;
        if (end <= at) intact++;
      }
      return { bytes: bytes.slice(0, at), intactLines: intact, last: true };
    }
    case "garbage": {
      const i = d.line % (lines.length + 1);
      const garbage = d.bytes.map((b) => (b === 0x0a ? 0x20 : b));
      const out = [...lines.slice(0, i), garbage, ...lines.slice(i)];
      return { bytes: joinLines(out), intactLines: i, last: i === lines.length };
    }
    case "retype": {
      const i = d.line % lines.length;
      const value = JSON.parse(new TextDecoder().decode(lines[i]));
      const keys = Object.keys(value.data ?? {});
      if (keys.length === 0) return { bytes, intactLines: lines.length, last: true };
      value.data[keys[d.line % keys.length]] = d.value;
      const out = [...lines];
      out[i] = new TextEncoder().encode(JSON.stringify(value));
      return { bytes: joinLines(out), intactLines: i, last: i === lines.length - 1 };
    }
    case "huge": {
      // A huge torn line at the end: a write of a large event cut short.
      const huge = new TextEncoder().encode(`{"id":"x","data":"${"a".repeat(d.size)}`);
      return { bytes: concat(joinLines(lines), huge), intactLines: lines.length, last: true };
    }
  }
}

function splitLines(bytes: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, start)) {
    lines.push(bytes.slice(start, i));
    start = i + 1;
  }
  return lines;
}

function joinLines(lines: readonly Uint8Array[]): Uint8Array {
  return concat(...lines.flatMap((line) => [line, new Uint8Array([0x0a])]));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const sessionLog = target(
  "session log: torn, garbage, retyped, huge and unknown lines never break reading; what was whole is read",
  (dir) =>
    fc.asyncProperty(
      fc.array(turnEvents, { minLength: 1, maxLength: 6 }),
      damage,
      async (turns, d) => {
        const sessionsDir = await Deno.makeTempDir({ dir });
        try {
          const { id, path } = await writeSession(sessionsDir, turns);
          const original = await Deno.readFile(path);
          const before = await readWholeLog(id, path);
          const hurt = damaged(original, d);
          await Deno.writeFile(path, hurt.bytes);
          const whole = await within(settle(readWholeLog(id, path)), "reading the log");
          const tail = await within(
            settle(readLogFromLastCompaction(id, path)),
            "reading the tail",
          );
          for (const result of [whole, tail]) {
            if (!result.ok) {
              assert.ok(
                result.error instanceof CorruptSessionError,
                `not Pixir's error: ${result.error}`,
              );
            }
          }
          if (!whole.ok) {
            // Only damage before the last line may refuse the log (or no start left at all).
            assert.ok(!hurt.last || hurt.intactLines === 0, `refused: ${whole.error}`);
            // Resuming may skip damage in the history a compaction replaced, but what it does read
            // is exactly what was written.
            if (tail.ok) {
              const original = new Map(before.events.map((e) => [e.seq, e]));
              for (const event of tail.value.events) {
                assert.deepEqual(event, original.get(event.seq));
              }
            }
            return;
          }
          assert.ok(
            tail.ok,
            `the tail reading refused what the whole reading read: ${!tail.ok && tail.error}`,
          );
          // Everything before the damage is still read, in order.
          const intactSeqs = seqsOfLines(original, hurt.intactLines);
          const wholeSeqs = whole.value.events.map((e) => e.seq);
          for (const seq of intactSeqs) {
            if (before.events.some((e) => e.seq === seq)) {
              assert.ok(
                wholeSeqs.includes(seq),
                `lost seq ${seq}`,
              );
            }
          }
          assert.deepEqual(
            foldHistory(tail.value.events, "m"),
            foldHistory(whole.value.events, "m"),
            "the tail folds as the whole log does",
          );
          assert.equal(tail.value.turns, whole.value.turns);
          assert.equal(tail.value.nextSeq, whole.value.nextSeq);
        } finally {
          await Deno.remove(sessionsDir, { recursive: true });
        }
      },
    ),
);

function seqsOfLines(bytes: Uint8Array, count: number): number[] {
  return splitLines(bytes).slice(0, count).map((line) =>
    JSON.parse(new TextDecoder().decode(line)).seq
  );
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

const sessionRoundTrip = target(
  "session log: any text (lone surrogates, line separators, NULs, huge lines) is written and read back as it was",
  (dir) =>
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          { weight: 9, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
          // Lines longer than any block the readers use.
          {
            weight: 1,
            arbitrary: fc.integer({ min: 65_000, max: 300_000 }).map((n) => "é".repeat(n)),
          },
        ),
        { minLength: 1, maxLength: 5 },
      ),
      async (texts) => {
        const sessionsDir = await Deno.makeTempDir({ dir });
        try {
          const session = await createSession({
            sessionsDir,
            cwd: "/w",
            model: "m",
            effort: "low",
            version: "0",
            now: () => 0,
            random: Math.random,
          });
          const written: Envelope<CanonicalEvent>[] = [...session.events];
          for (const t of texts) {
            written.push(await session.append({ type: "user_message", data: { text: t } }));
          }
          session.release();
          const read = await readWholeLog(session.id, session.path);
          assert.deepEqual(read.events, JSON.parse(JSON.stringify(written)));
          assert.deepEqual(read.warnings, []);
        } finally {
          await Deno.remove(sessionsDir, { recursive: true });
        }
      },
    ),
);

// ---- auth.json, permissions, settings, caches -----------------------------------------------------

const validAuth = fc.oneof(
  fc.record({
    method: fc.constant("api_key" as const),
    api_key: fc.string({ minLength: 1, maxLength: 40 }),
  }),
);

/** Text that looks like a config file: JSON of any shape, a valid file mutated, or bytes. */
function fileText(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.json({ maxDepth: 3 }),
    fc.string({ unit: "binary", maxLength: 200 }),
    fc.tuple(valid, fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 2 })).map((
      [v, key, value],
    ) => JSON.stringify({ ...(v as object), [key]: value })),
    fc.tuple(valid.map((v) => JSON.stringify(v)), fc.nat()).map(([t, n]) =>
      t.slice(0, n % (t.length + 1))
    ),
  );
}

const authFile = target(
  "auth.json: any content is read as a sign-in or refused with AuthFileError; a saved one reads back",
  (dir) =>
    fc.asyncProperty(
      fileText(validAuth.map((a) => ({ version: 1, ...a }))),
      validAuth,
      async (content, auth) => {
        const configDir = await Deno.makeTempDir({ dir });
        try {
          const location = authFileLocation(configDir);
          await Deno.writeTextFile(location.file, content);
          const read = await within(settle(readAuthFile(location)), "reading auth.json");
          if (!read.ok) {
            assert.ok(
              read.error instanceof AuthFileError,
              `not Pixir's error: ${read.error}`,
            );
          }
          // A sign-in is saved only when it reads back; otherwise nothing changes on disk.
          const saved = await settle(
            withAuthFile(location, (file) => file.write(auth as StoredAuth)),
          );
          if (saved.ok) assert.deepEqual(await readAuthFile(location), { ...auth });
          else {
            assert.ok(saved.error instanceof AuthFileError, `not Pixir's error: ${saved.error}`);
            assert.equal(await Deno.readTextFile(location.file), content);
          }
        } finally {
          await Deno.remove(configDir, { recursive: true });
        }
      },
    ),
);

const validPermissions = fc.record({
  version: fc.constant(1),
  workspaces: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 10 }).map((s) => `/${s}`),
    fc.record({
      policy: fc.constant({}),
      always: fc.array(fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 }), {
        maxLength: 3,
      }),
    }),
    { maxKeys: 3 },
  ),
});

const permissionsFile = target(
  "permissions.json, quota.json, quota alerts: any content is read or refused with the reader's own error",
  (dir) =>
    fc.asyncProperty(fileText(validPermissions), async (content) => {
      const path = join(dir, "config.json");
      await Deno.writeTextFile(path, content);
      const permissions = await within(settle(loadPermissions(path)), "reading permissions");
      if (!permissions.ok) {
        assert.ok(
          permissions.error instanceof PermissionsFileError,
          `not Pixir's error: ${permissions.error}`,
        );
      }
      const quota = await within(loadQuota(path), "reading the quota cache");
      assert.ok(quota.snapshot === null || typeof quota.snapshot === "object");
      const alerts = await within(loadQuotaAlerts(path), "reading the quota alerts");
      assert.ok(Array.isArray(alerts));
    }),
);

const settings = target(
  "settings and config.toml: any environment values and any file text are read or refused with SettingsError",
  () =>
    fc.asyncProperty(
      fc.dictionary(
        fc.constantFrom(
          "PIXIR_MODEL",
          "PIXIR_EFFORT",
          "OPENAI_BASE_URL",
          "PIXIR_CHATGPT_BASE_URL",
          "PIXIR_AUTH_ISSUER",
          "PIXIR_STREAM_IDLE_TIMEOUT_MS",
          "PIXIR_MAX_RETRIES",
          "PIXIR_RETRY_BASE_MS",
          "PIXIR_MAX_ITERATIONS",
          "PIXIR_COMPACT_AT",
        ),
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 30 }),
          fc.integer().map(String),
          fc.webUrl(),
        ),
      ),
      fc.string({ unit: "binary", maxLength: 200 }),
      async (env, toml) => {
        try {
          loadSettings((name) => env[name]);
        } catch (error) {
          assert.ok(error instanceof SettingsError, `not Pixir's error: ${error}`);
        }
        try {
          await parseConfigText("config.toml", toml);
        } catch (error) {
          assert.ok(error instanceof SettingsError, `config.toml: not Pixir's error: ${error}`);
        }
      },
    ),
);

// ---- writers --------------------------------------------------------------------------------------

const jsonlWriter = target(
  "--jsonl and --json: every event and the final object are one line that parses back equal",
  () =>
    fc.asyncProperty(
      fc.array(fc.string({ unit: "binary", maxLength: 80 }), { maxLength: 6 }),
      fc.string({ unit: "binary", maxLength: 200 }),
      async (deltas, answer) => {
        let out = "";
        const renderer = jsonRenderer({
          isTerminal: false,
          write: (t) => Promise.resolve(void (out += t)),
        }, true);
        const envelopes = deltas.map((delta, i) => ({
          id: `s:0.${i + 1}`,
          session_id: "s",
          seq: null,
          ts: "2026-01-01T00:00:00.000Z",
          type: "text_delta" as const,
          data: { delta },
        }));
        for (const envelope of envelopes) await renderer.event(envelope);
        const result = runResult({ sessionId: "s", answer });
        await renderer.finish(result);
        assert.ok(out.endsWith("\n"));
        const lines = out.slice(0, -1).split("\n");
        assert.equal(lines.length, envelopes.length + 1, "one line per event, plus the final one");
        // JSON.parse does not split on U+2028/U+2029; lines are split only on "\n".
        assert.deepEqual(
          lines.map((line) => JSON.parse(line)),
          JSON.parse(JSON.stringify([...envelopes, result])),
        );
      },
    ),
);

/** How the summary beside a log is damaged, or the log changed after the summary was saved. */
const summaryDamage = fc.record({
  summary: fc.oneof(
    fc.constant({ kind: "keep" as const }),
    fc.constant({ kind: "delete" as const }),
    fc.record({ kind: fc.constant("bytes" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant("retype" as const),
      key: fc.constantFrom(
        "id",
        "turns",
        "logBytes",
        "nextSeq",
        "logMtime",
        "fileTurns",
        "title",
        "format",
      ),
      value: fc.jsonValue({ maxDepth: 2 }),
    }),
  ),
  /** Lines a writer (or a newer Pixir) appended after the summary was saved, maybe torn. */
  appended: fc.array(fc.constantFrom("user_message", "turn_started", "undo", "plan_update"), {
    maxLength: 4,
  }),
  torn: fc.option(fc.uint8Array({ minLength: 1, maxLength: 40 }), { nil: undefined }),
  /** The log cut at a byte (as a repair or a crash of another writer might leave it). */
  cutLog: fc.option(fc.nat(), { nil: undefined }),
});

const sessionSummary = target(
  "session summary: a damaged, missing or stale summary is read as a rebuild from the log says",
  (dir) =>
    fc.asyncProperty(
      fc.array(turnEvents, { minLength: 1, maxLength: 5 }),
      summaryDamage,
      async (turns, d) => {
        const sessionsDir = await Deno.makeTempDir({ dir });
        try {
          const { id, path } = await writeSession(sessionsDir, turns);
          const summaryPath = summaryPathOf(path);
          const saved = await Deno.readFile(summaryPath);
          switch (d.summary.kind) {
            case "keep":
              break;
            case "delete":
              await Deno.remove(summaryPath);
              break;
            case "bytes":
              await Deno.writeFile(summaryPath, d.summary.bytes);
              break;
            case "cut":
              await Deno.writeFile(summaryPath, saved.slice(0, d.summary.at % saved.length));
              break;
            case "retype": {
              const value = JSON.parse(new TextDecoder().decode(saved));
              value[d.summary.key] = d.summary.value;
              await Deno.writeTextFile(summaryPath, JSON.stringify(value));
            }
          }
          let seq = (await readWholeLog(id, path).catch(() => null))?.nextSeq ?? 0;
          for (const type of d.appended) {
            const data = type === "user_message"
              ? { text: "more" }
              : type === "turn_started"
              ? { turn: 99, model: "later", effort: "low" }
              : type === "undo"
              ? { turn: 1, restored: [], deleted: [], skipped: [] }
              : {};
            const line = JSON.stringify({
              id: `${id}:${seq}`,
              session_id: id,
              seq: seq++,
              ts: "2026-01-02T00:00:00.000Z",
              type,
              data,
            });
            await Deno.writeTextFile(path, `${line}\n`, { append: true });
          }
          if (d.torn) {
            const torn = d.torn.map((b) => (b === 0x0a ? 0x20 : b));
            await Deno.writeFile(path, torn, { append: true });
          }
          if (d.cutLog !== undefined) {
            const bytes = await Deno.readFile(path);
            await Deno.writeFile(path, bytes.slice(0, d.cutLog % (bytes.length + 1)));
          }
          // A later change has a later time, as on any disk (the writes above may share a tick).
          const info = await Deno.stat(path);
          await Deno.utime(path, info.atime!, new Date(info.mtime!.getTime() + 2000));

          const kept = await within(currentSummary(id, path), "reading the summary");
          const copyDir = await Deno.makeTempDir({ dir });
          await Deno.copyFile(path, join(copyDir, `${id}.ndjson`));
          const rebuilt = await currentSummary(id, join(copyDir, `${id}.ndjson`));
          const facts = (x: typeof kept) =>
            typeof x === "string" ? x : { ...x.record, logMtime: null };
          assert.deepEqual(facts(kept), facts(rebuilt));
        } finally {
          await Deno.remove(sessionsDir, { recursive: true });
        }
      },
    ),
);

/** Every target, in the order the suite runs them. */
export const TARGETS: readonly FuzzTarget[] = [
  sseSplit,
  sseBytes,
  sseJsonEvents,
  sessionLog,
  sessionRoundTrip,
  sessionSummary,
  authFile,
  permissionsFile,
  settings,
  jsonlWriter,
];
