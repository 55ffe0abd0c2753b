/**
 * Shared setup of the end-to-end CLI tests: a sandbox holding a Pixir home and a workspace, runs of
 * the real program pointed at the loopback Responses stand-in, and readers for what a run leaves
 * behind (its JSON output, its session log, the requests the stand-in received, the stored
 * sign-in).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parseLogLine } from "../../src/agent/log_line.ts";
import type { CanonicalEvent, Envelope } from "../../src/agent/event.ts";
import { sessionIds } from "../../src/agent/session_dir.ts";
import type { Usage } from "../../src/provider/item.ts";
import type { RunResult as FinalResult } from "../../src/ui/result.ts";
import type { AuthIssuer, TokenResponse } from "../fakes/auth_server.ts";
import type { RecordedRequest, Route } from "../fakes/loopback_server.ts";
import type { Reply } from "../fakes/reply.ts";
import {
  CHATGPT_BACKEND,
  type ResponsesServer,
  type Script,
  startResponsesServer,
} from "../fakes/responses_server.ts";
import type { ValidationRules } from "../fakes/responses_validation.ts";
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

/**
 * The `input` items of a request the stand-in received, without the per-turn environment messages
 * (`environmentOf` returns those), so a test reads the conversation itself.
 */
export function inputOf(request: RecordedRequest): Record<string, unknown>[] {
  return allInputOf(request).filter((item) => !isEnvironmentItem(item));
}

/** The output the request carries for the tool call `callId`; fails when it carries none. */
export function outputOf(request: RecordedRequest, callId: string): string {
  const item = inputOf(request).find((i) =>
    i.type === "function_call_output" && i.call_id === callId
  );
  assert.ok(item, `no output for ${callId}`);
  return String(item.output);
}

/** The environment messages (`<environment_context>…`) among a request's input items. */
export function environmentOf(request: RecordedRequest): string[] {
  return allInputOf(request).filter(isEnvironmentItem).map((item) =>
    String((item.content as { text: string }[])[0].text)
  );
}

function allInputOf(request: RecordedRequest): Record<string, unknown>[] {
  const input = bodyOf(request).input;
  assert.ok(Array.isArray(input), "the request has an input array");
  return input.map((item, index) => {
    assert.ok(isRecord(item), `input item ${index} is not an object`);
    return item;
  });
}

function isEnvironmentItem(item: Record<string, unknown>): boolean {
  const content = item.content;
  return item.role === "user" && Array.isArray(content) && isRecord(content[0]) &&
    String(content[0].text).startsWith("<environment_context>");
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

/** Who signs in to the issuer stand-in: not its defaults, so Pixir must have read the tokens. */
export const ACCOUNT = { accountId: "acct_e2e_7", plan: "pro", email: "e2e@example.com" } as const;

/**
 * The ChatGPT backend stand-in answering `script` (its checks plus `rules`), with `issuer`'s
 * endpoints on the same origin: a login stored with `server.origin` as its issuer refreshes there.
 */
export function startChatgptBackend(
  issuer: AuthIssuer,
  script: Script,
  rules: ValidationRules = {},
): ResponsesServer {
  return startResponsesServer({
    ...CHATGPT_BACKEND,
    rules: { ...CHATGPT_BACKEND.rules, ...rules },
    routes: issuer.routes,
    script,
  });
}

/** The environment that sends a run's subscription traffic to `server`'s ChatGPT backend path. */
export function subscriptionEnv(server: ResponsesServer): Record<string, string> {
  return { PIXIR_CHATGPT_BASE_URL: server.url };
}

/** The content of `auth.json` for a ChatGPT login with `tokens` from `issuer`, as documented. */
export function chatgptLogin(
  issuer: string,
  tokens: TokenResponse,
  accountId: string = ACCOUNT.accountId,
): Record<string, unknown> {
  const { id_token, access_token, refresh_token } = tokens;
  return {
    version: 1,
    method: "chatgpt",
    issuer,
    tokens: { id_token, access_token, refresh_token, account_id: accountId },
    last_refresh: new Date().toISOString(),
  };
}

/** Writes `auth` as `<home>/auth.json` with `mode`, as a finished sign-in would leave it. */
export async function seedAuthFile(
  home: string,
  auth: Record<string, unknown>,
  mode = 0o600,
): Promise<void> {
  const file = join(home, "auth.json");
  await Deno.writeTextFile(file, `${JSON.stringify(auth, null, 2)}\n`, { mode });
  // The umask may have narrowed the mode at creation; the test asked for exactly this one.
  if (Deno.build.os !== "windows") await Deno.chmod(file, mode);
}

/** `<home>/auth.json` as a JSON object. */
export async function storedAuth(home: string): Promise<Record<string, unknown>> {
  return jsonObject(await Deno.readTextFile(join(home, "auth.json")));
}

/** The permission bits of a file or folder. */
export async function permissions(path: string): Promise<number> {
  return ((await Deno.stat(path)).mode ?? 0) & 0o777;
}

/** The names in a folder, sorted; empty when the folder does not exist. */
export async function listing(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** The requests among `requests` that went to `path`. */
export function requestsTo(
  requests: readonly RecordedRequest[],
  path: string,
): RecordedRequest[] {
  return requests.filter((request) => request.path === path);
}

/** The fields of a request, failing the test unless it was sent form-encoded. */
export function formOf(request: RecordedRequest): URLSearchParams {
  assert.match(request.headers["content-type"] ?? "", /^application\/x-www-form-urlencoded/);
  return new URLSearchParams(request.text);
}

/**
 * `routes` unchanged, except that the route for `path` also keeps every reply it gives, so a test
 * can see what a stand-in answered (a server-made secret, the tokens it issued).
 */
export function tapReplies(
  routes: readonly Route[],
  path: string,
): { routes: Route[]; replies: Reply[] } {
  const replies: Reply[] = [];
  const tapped = routes.map((route): Route =>
    route.path !== path ? route : {
      ...route,
      handle: async (request) => {
        const reply = await route.handle(request);
        replies.push(reply);
        return reply;
      },
    }
  );
  return { routes: tapped, replies };
}

/**
 * A folder on PATH holding stand-ins for the platform's URL openers (`xdg-open`, `open`) that
 * write the URL they were asked to open to `record`, so no real browser starts; returns the PATH.
 */
export async function browserOpenerStandIn(root: string, record: string): Promise<string> {
  const bin = join(root, "bin");
  await Deno.mkdir(bin);
  // Written to a temporary name and renamed, so the test never reads half a URL.
  const script =
    `#!/bin/sh\nprintf '%s' "$1" > '${record}.tmp' && mv '${record}.tmp' '${record}'\n`;
  for (const name of ["xdg-open", "open"]) {
    await Deno.writeTextFile(join(bin, name), script, { mode: 0o755 });
  }
  return `${bin}:${Deno.env.get("PATH") ?? ""}`;
}

/** The content of `path` once it exists, failing after 20 s. */
export async function waitForText(path: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (true) {
    try {
      return await Deno.readTextFile(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    if (Date.now() > deadline) assert.fail(`${path} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Runs `pixir <args> <redirections>` under bash against `server`; its output and status line. */
export async function shellRun(
  box: { workspace: string; home: string },
  server: { url: string },
  args: string,
  tail: string,
): Promise<{ stdout: string; stderr: string }> {
  const pixir = new URL("../../scripts/pixir", import.meta.url).pathname;
  const out = await new Deno.Command("bash", {
    args: ["-c", `"${pixir}" ${args} ${tail}`],
    cwd: box.workspace,
    env: {
      PIXIR_HOME: box.home,
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: server.url,
      PIXIR_RETRY_BASE_MS: "1",
    },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const decoder = new TextDecoder();
  return { stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}
