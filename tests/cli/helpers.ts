/**
 * Shared setup of the end-to-end CLI tests: a sandbox holding a Pixir home and a workspace, runs of
 * the real program pointed at the loopback Responses stand-in, and readers for what a run leaves
 * behind (its JSON output, its session log, the requests the stand-in received).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parseLogLine } from "../../src/agent/envelope.ts";
import type { CanonicalEvent, Envelope } from "../../src/agent/event.ts";
import { sessionIds } from "../../src/agent/session_dir.ts";
import type { Usage } from "../../src/provider/item.ts";
import type { RunResult as FinalResult } from "../../src/ui/result.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import type { ResponsesServer } from "../fakes/responses_server.ts";
import type { StreamEvent } from "../fakes/sse.ts";
import { type RunOptions, runPixir, type RunResult } from "../harness/cli.ts";
import { tempWorkspace } from "../harness/workspace.ts";

/** The API key every run gets unless it asks for none. */
export const API_KEY = "sk-test-e2e-0123456789";

/** A base URL nothing listens on, so a run given no server can never reach the real API. */
const NOWHERE = "http://127.0.0.1:1/v1";

/** How a sandbox runs Pixir: the harness's options, plus the server and the key to use. */
export interface PixirRunOptions extends Omit<RunOptions, "env"> {
  /** The stand-in to talk to (`OPENAI_BASE_URL`); without it, a closed local port. */
  server?: ResponsesServer;
  /** `OPENAI_API_KEY`; default `API_KEY`, null leaves it unset. */
  apiKey?: string | null;
  /** More variables; they win over the sandbox's own. */
  env?: Readonly<Record<string, string>>;
}

/** A fresh Pixir home and workspace, removed by `await using`. */
export interface Sandbox extends AsyncDisposable {
  /** The folder holding `home/` and `ws/`; a file here is just outside the workspace. */
  root: string;
  /** `PIXIR_HOME` of every run. */
  home: string;
  /** The workspace, and the working directory of every run unless `cwd` says otherwise. */
  workspace: string;
  /** Where the README says session logs live: `$PIXIR_HOME/sessions`. */
  sessionsDir: string;
  /** Runs `pixir <args>` in the workspace with this sandbox's home. */
  run(args: readonly string[], options?: PixirRunOptions): Promise<RunResult>;
  /** The session log of `id`, every line checked to be a valid canonical envelope. */
  log(id: string): Promise<Envelope<CanonicalEvent>[]>;
  /** The raw lines of the session log of `id`. */
  logLines(id: string): Promise<string[]>;
  /** Ids of the session logs in the home, oldest first. */
  sessionIds(): Promise<string[]>;
}

/** Makes a sandbox whose workspace holds `files` (relative path → content). */
export async function sandbox(files: Readonly<Record<string, string>> = {}): Promise<Sandbox> {
  const seeded = Object.fromEntries(
    Object.entries(files).map(([name, content]) => [join("ws", name), content]),
  );
  const dir = await tempWorkspace(seeded);
  const home = join(dir.path, "home");
  const workspace = join(dir.path, "ws");
  await Deno.mkdir(home, { recursive: true });
  await Deno.mkdir(workspace, { recursive: true });
  const sessionsDir = join(home, "sessions");
  const logLines = async (id: string) => {
    const text = await Deno.readTextFile(join(sessionsDir, `${id}.ndjson`));
    assert.ok(text.endsWith("\n"), "the log ends with a complete line");
    return text.slice(0, -1).split("\n");
  };
  return {
    root: dir.path,
    home,
    workspace,
    sessionsDir,
    run: (args, options = {}) => {
      const { server, apiKey = API_KEY, env = {}, ...rest } = options;
      return runPixir(args, {
        cwd: workspace,
        ...rest,
        env: {
          PIXIR_HOME: home,
          // Retries in milliseconds rather than the default backoff keep the suite fast.
          PIXIR_RETRY_BASE_MS: "1",
          OPENAI_BASE_URL: server?.url ?? NOWHERE,
          ...(apiKey === null ? {} : { OPENAI_API_KEY: apiKey }),
          ...env,
        },
      });
    },
    logLines,
    log: async (id) =>
      (await logLines(id)).map((line, index) => {
        const parsed = parseLogLine(line);
        if (!parsed.ok) assert.fail(`log line ${index + 1} of ${id}: ${parsed.reason}`);
        return parsed.envelope;
      }),
    sessionIds: () => sessionIds(sessionsDir),
    [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose](),
  };
}

/** The session id named by the resume hint on stderr. */
export function hintedSessionId(stderr: string): string {
  const match = /continue with: pixir resume (\S+) /.exec(stderr);
  assert.ok(match, `no resume hint on stderr:\n${stderr}`);
  return match[1];
}

/** Fails when `stderr` shows a stack trace: users get messages, never traces. */
export function assertNoStackTrace(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at .+:\d+:\d+\)?$/m, "a stack trace reached stderr");
}

/** The types of the events, in order. */
export function typesOf(events: readonly { type: string }[]): string[] {
  return events.map((event) => event.type);
}

/** A JSON object from a line of output, failing the test when it is anything else. */
export function jsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    assert.fail(`not JSON: ${text}`);
  }
  assert.ok(isRecord(value), `not a JSON object: ${text}`);
  return value;
}

/** The final object of `--json`/`--jsonl` in `line`, its documented fields checked. */
export function finalResult(line: string): FinalResult {
  const value = jsonObject(line);
  assert.equal(value.v, 1);
  assert.equal(typeof value.ok, "boolean");
  assert.ok(value.session_id === null || typeof value.session_id === "string");
  assert.ok(["answered", "incomplete", "failed"].includes(String(value.status)));
  assert.equal(typeof value.answer, "string");
  assert.ok(isRecord(value.usage));
  assert.equal("error" in value, value.ok === false, "error is present exactly when ok is false");
  if (value.ok === false) {
    assert.ok(isRecord(value.error));
    assert.equal(typeof value.error.kind, "string");
    assert.equal(typeof value.error.message, "string");
    assert.ok(isRecord(value.error.details));
  }
  // Every field the type names was just checked.
  return value as unknown as FinalResult;
}

/** The `--json` output: exactly one line on stdout, holding the final object. */
export function jsonOutput(stdout: string): FinalResult {
  assert.ok(stdout.endsWith("\n"), `stdout does not end a line: ${JSON.stringify(stdout)}`);
  const lines = stdout.slice(0, -1).split("\n");
  assert.equal(lines.length, 1, `expected one line on stdout, got:\n${stdout}`);
  return finalResult(lines[0]);
}

/** The JSON body of a request the stand-in received. */
export function bodyOf(request: RecordedRequest): Record<string, unknown> {
  assert.ok(isRecord(request.body), `the request body is not a JSON object: ${request.text}`);
  return request.body;
}

/** The `input` items of a request the stand-in received. */
export function inputOf(request: RecordedRequest): Record<string, unknown>[] {
  const input = bodyOf(request).input;
  assert.ok(Array.isArray(input), "the request has an input array");
  return input.map((item, index) => {
    assert.ok(isRecord(item), `input item ${index} is not an object`);
    return item;
  });
}

/** A user message input item, as Pixir sends it. */
export function userItem(text: string): Record<string, unknown> {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}

/** An assistant message input item, as Pixir replays it. */
export function assistantItem(text: string): Record<string, unknown> {
  return { type: "message", role: "assistant", content: [{ type: "output_text", text }] };
}

/**
 * The finished reasoning or function-call item of `type` in a stream, as Pixir replays it in a
 * later request: without the server's `id` and `status`.
 */
export function replayedItem(
  events: readonly StreamEvent[],
  type: "reasoning" | "function_call",
): Record<string, unknown> {
  for (const event of events) {
    if (event.type !== "response.output_item.done" || !isRecord(event.item)) continue;
    if (event.item.type !== type) continue;
    const { id: _id, status: _status, ...item } = event.item;
    return item;
  }
  assert.fail(`no finished ${type} item in the stream`);
}

/** Where a stream should stop: just after the first event of `type`. */
export function justAfter(events: readonly StreamEvent[], type: string): number {
  const index = events.findIndex((event) => event.type === type);
  assert.ok(index >= 0, `no ${type} event in the stream`);
  return index + 1;
}

/** The `response.completed` event of a stream. */
function completedEvent(events: readonly StreamEvent[]): StreamEvent {
  const completed = events.find((event) => event.type === "response.completed");
  assert.ok(completed, "the stream has no response.completed");
  return completed;
}

/** The usage a stream reports on `response.completed`, in Pixir's flat shape. */
export function streamUsage(events: readonly StreamEvent[]): Usage {
  const response = completedEvent(events).response;
  assert.ok(isRecord(response) && isRecord(response.usage), "response.completed has usage");
  const usage = response.usage;
  const nested = (field: string, key: string) => {
    const details = usage[field];
    assert.ok(isRecord(details));
    return Number(details[key]);
  };
  return {
    input_tokens: Number(usage.input_tokens),
    cached_tokens: nested("input_tokens_details", "cached_tokens"),
    output_tokens: Number(usage.output_tokens),
    reasoning_tokens: nested("output_tokens_details", "reasoning_tokens"),
    total_tokens: Number(usage.total_tokens),
  };
}

/** The field-wise sum of usages. */
export function sumUsage(...usages: Usage[]): Usage {
  const total = (key: keyof Usage) => usages.reduce((sum, usage) => sum + usage[key], 0);
  return {
    input_tokens: total("input_tokens"),
    cached_tokens: total("cached_tokens"),
    output_tokens: total("output_tokens"),
    reasoning_tokens: total("reasoning_tokens"),
    total_tokens: total("total_tokens"),
  };
}

/** Whether a parsed JSON value is an object (neither null nor an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
