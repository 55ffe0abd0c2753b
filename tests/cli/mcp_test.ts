/**
 * MCP servers through the real CLI, against the MCP project's own reference server
 * (server-everything) over stdio and streamable HTTP, with the model's calls scripted by the
 * Responses stand-in.
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { everythingServer, startEverythingHttp } from "../fakes/mcp_everything.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  bodyOf,
  hintedSessionId,
  inputOf,
  isRecord,
  jsonObject,
  type Sandbox,
  sandbox,
} from "./helpers.ts";

const FINAL = "Done.";
const CRASHER = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "fakes",
  "mcp",
  "crash_on_call.mjs",
);

function callThenAnswer(name: string, args: Record<string, unknown>) {
  const call = toolCallAnswer({ name, arguments: JSON.stringify(args), callId: "call_1" });
  return [{ sse: call }, { sse: textAnswer(FINAL) }];
}

function outputFor(request: RecordedRequest): string {
  const item = inputOf(request).find((i) => i.type === "function_call_output");
  assert.ok(item, "the follow-up request carries the tool output");
  return String(item.output);
}

function toolNames(request: RecordedRequest): string[] {
  const tools = bodyOf(request).tools;
  assert.ok(Array.isArray(tools));
  return tools.map((tool) => isRecord(tool) ? String(tool.name) : "");
}

async function writeConfig(box: Sandbox, toml: string): Promise<void> {
  await Deno.writeTextFile(join(box.home, "config.toml"), toml);
}

async function stdioConfig(box: Sandbox, extra = ""): Promise<void> {
  const entry = await everythingServer();
  await writeConfig(
    box,
    `[mcp_servers.everything]\ncommand = "node"\nargs = [${JSON.stringify(entry)}, "stdio"]\n` +
      `env = { GREETING_FOR_SERVER = "hello" }\n${extra}`,
  );
}

Deno.test("an allowed MCP call's result reaches the next request; the server gets a minimal environment", async () => {
  await using box = await sandbox();
  await stdioConfig(box);
  await using server = startResponsesServer({
    script: callThenAnswer("mcp__everything__get-env", {}),
  });
  const result = await box.run(["run", "--allow-mcp=everything", "show env"], {
    server,
    env: { PIXIR_SECRET_FOR_TEST: "do-not-leak" },
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `${FINAL}\n`);
  assert.ok(toolNames(server.requests[0]).includes("mcp__everything__echo"));
  assert.match(
    result.stderr,
    /→ mcp everything\/get-env/,
    "the call is shown naming server and tool",
  );
  const output = outputFor(server.requests[1]);
  const env = jsonObject(output);
  assert.equal(env.GREETING_FOR_SERVER, "hello");
  assert.ok(typeof env.PATH === "string");
  assert.equal(env.OPENAI_API_KEY, undefined, "the API key never reaches a server");
  assert.equal(env.PIXIR_SECRET_FOR_TEST, undefined);
  assert.equal(env.PIXIR_HOME, undefined);

  const log = await box.log(hintedSessionId(result.stderr));
  const decision = log.find((e) => e.type === "permission_decision");
  assert.ok(decision?.type === "permission_decision");
  assert.deepEqual(
    [decision.data.decision, decision.data.source, decision.data.server, decision.data.mcp_tool],
    ["allow", "allow_mcp", "everything", "get-env"],
  );
  const id = hintedSessionId(result.stderr);
  const exported = await box.run(["export", id]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /mcp__everything__get-env/, "export shows the MCP call");
  assert.match(exported.stdout, /GREETING_FOR_SERVER/, "and the start of its result");

  await using next = startResponsesServer({ script: [{ sse: textAnswer(FINAL) }] });
  const resumed = await box.run(["resume", id, "again"], { server: next, timeoutMs: 90_000 });
  assert.equal(resumed.code, 0, resumed.stderr);
  const history = inputOf(next.requests[0]);
  assert.ok(
    history.some((i) => i.type === "function_call" && i.name === "mcp__everything__get-env"),
    "resume sends the MCP call back as history",
  );
  assert.ok(toolNames(next.requests[0]).includes("mcp__everything__get-env"));
});

Deno.test("without a terminal an MCP call is refused at once, with a reason the model reads", async () => {
  await using box = await sandbox();
  await stdioConfig(box);
  await using server = startResponsesServer({
    script: callThenAnswer("mcp__everything__echo", { message: "hi" }),
  });
  const result = await box.run(["run", "echo something"], { server, timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  const parsed = jsonObject(outputFor(server.requests[1]));
  assert.equal(parsed.ok, false);
  assert.ok(isRecord(parsed.error));
  assert.equal(parsed.error.kind, "denied");
  assert.match(String(parsed.error.message), /--allow-mcp=everything\/echo/);
  assert.deepEqual(parsed.error.details, {
    server: "everything",
    tool: "echo",
    source: "non_interactive",
  });
  const log = await box.log(hintedSessionId(result.stderr));
  const decision = log.find((e) => e.type === "permission_decision");
  assert.ok(decision?.type === "permission_decision");
  assert.deepEqual(
    [decision.data.decision, decision.data.source, decision.data.server, decision.data.mcp_tool],
    ["deny", "non_interactive", "everything", "echo"],
  );
});

Deno.test("--allow-mcp=SERVER/TOOL allows that tool; the echo comes back as text", async () => {
  await using box = await sandbox();
  await stdioConfig(box);
  await using server = startResponsesServer({
    script: callThenAnswer("mcp__everything__echo", { message: "ping-42" }),
  });
  const result = await box.run(["run", "--allow-mcp=everything/echo", "echo"], {
    server,
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(outputFor(server.requests[1]), /ping-42/);
});

Deno.test("--read-only refuses MCP tools their server does not mark read-only", async () => {
  await using box = await sandbox();
  await stdioConfig(box);
  await using server = startResponsesServer({
    script: callThenAnswer("mcp__everything__toggle-simulated-logging", {}),
  });
  const result = await box.run(["run", "--read-only", "--allow-mcp", "toggle"], {
    server,
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, result.stderr);
  const parsed = jsonObject(outputFor(server.requests[1]));
  assert.ok(isRecord(parsed.error));
  assert.equal(parsed.error.kind, "denied");
  assert.match(String(parsed.error.message), /server's own claim/);
});

Deno.test("a server that crashes mid-call is a tool error, not a hang", async () => {
  await using box = await sandbox();
  const entry = await everythingServer();
  await writeConfig(
    box,
    `[mcp_servers.fragile]\ncommand = "node"\nargs = [${JSON.stringify(CRASHER)}, ${
      JSON.stringify(entry)
    }]\n`,
  );
  await using server = startResponsesServer({
    script: callThenAnswer("mcp__fragile__echo", { message: "hi" }),
  });
  const result = await box.run(["run", "--allow-mcp", "echo"], { server, timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  const parsed = jsonObject(outputFor(server.requests[1]));
  assert.ok(isRecord(parsed.error));
  assert.equal(parsed.error.kind, "io");
  assert.match(String(parsed.error.message), /MCP server "fragile" failed during the call/);
});

Deno.test("a call past tool_timeout_sec is a timeout the model reads", async () => {
  await using box = await sandbox();
  await stdioConfig(box, "tool_timeout_sec = 1\n");
  await using server = startResponsesServer({
    script: callThenAnswer("mcp__everything__trigger-long-running-operation", {
      duration: 30,
      steps: 3,
    }),
  });
  const started = performance.now();
  const result = await box.run(["run", "--allow-mcp", "slow"], { server, timeoutMs: 90_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(performance.now() - started < 25_000, "the run does not wait for the slow tool");
  const parsed = jsonObject(outputFor(server.requests[1]));
  assert.ok(isRecord(parsed.error));
  assert.equal(parsed.error.kind, "timeout");
  assert.match(String(parsed.error.message), /tool_timeout_sec/);
});

Deno.test("progress notifications are shown and restart the tool_timeout_sec clock", async () => {
  await using box = await sandbox();
  // 8 steps over 4 s: longer than the 3 s limit in all, but never 3 s without progress.
  await stdioConfig(box, "tool_timeout_sec = 3\n");
  const script = () =>
    callThenAnswer("mcp__everything__trigger-long-running-operation", { duration: 4, steps: 8 });
  await using server = startResponsesServer({ script: script() });
  const result = await box.run(["run", "--jsonl", "--allow-mcp", "slow"], {
    server,
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(outputFor(server.requests[1]), /Long running operation completed/);
  const progress = result.stdout.trim().split("\n").map((line) => jsonObject(line))
    .filter((event) => event.type === "tool_progress");
  // The SDK handles a notification a tick after it arrives, so the last one can lose the race
  // with the result and be dropped; the others arrive in order.
  assert.ok(progress.length >= 7, result.stdout);
  assert.deepEqual(progress[0].data, {
    call_id: "call_1",
    name: "mcp__everything__trigger-long-running-operation",
    progress: 1,
    total: 8,
  });
  assert.deepEqual(
    progress.map((event) => isRecord(event.data) ? event.data.progress : undefined),
    [1, 2, 3, 4, 5, 6, 7, 8].slice(0, progress.length),
  );

  await using plain = startResponsesServer({ script: script() });
  const shown = await box.run(["run", "--allow-mcp", "slow"], { server: plain, timeoutMs: 90_000 });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stderr, /… 4\/8 \(50%\)/, "plain output shows the progress on stderr");
});

Deno.test("servers that never start are reported and the run goes on without them", async () => {
  await using box = await sandbox();
  await writeConfig(
    box,
    `[mcp_servers.sleepy]\ncommand = "node"\nargs = ["-e", "setTimeout(() => {}, 60000)"]\n` +
      `startup_timeout_sec = 1\n\n[mcp_servers.missing]\ncommand = "no-such-mcp-server-xyz"\n`,
  );
  await using server = startResponsesServer({ script: [{ sse: textAnswer(FINAL) }] });
  const started = performance.now();
  const result = await box.run(["run", "hello"], { server, timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(performance.now() - started < 20_000);
  assert.match(result.stderr, /MCP server "sleepy" is not available: did not start within 1 s/);
  assert.match(result.stderr, /MCP server "missing" is not available: cannot start/);
  assert.ok(!toolNames(server.requests[0]).some((name) => name.startsWith("mcp__")));
});

Deno.test("a streamable HTTP server's tools are called like a stdio server's", async () => {
  await using http = await startEverythingHttp();
  await using box = await sandbox();
  await writeConfig(box, `[mcp_servers.remote]\nurl = "${http.url}"\n`);
  await using server = startResponsesServer({
    script: callThenAnswer("mcp__remote__get-sum", { a: 19, b: 23 }),
  });
  const result = await box.run(["run", "--allow-mcp=remote", "add"], {
    server,
    timeoutMs: 90_000,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(outputFor(server.requests[1]), /42/);
});

Deno.test("a project's .pixir/config.toml cannot add MCP servers", async () => {
  await using box = await sandbox({ ".pixir/config.toml": '[mcp_servers.evil]\ncommand = "sh"\n' });
  await box.run(["trust"]);
  await using server = startResponsesServer({ script: [{ sse: textAnswer(FINAL) }] });
  const result = await box.run(["run", "hello"], { server });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /mcp_servers/);
  assert.ok(!toolNames(server.requests[0]).some((name) => name.startsWith("mcp__")));
});

Deno.test("pixir mcp add, list, get, remove edit config.toml and keep the rest of it", async () => {
  await using box = await sandbox();
  const entry = await everythingServer();
  const configPath = join(box.home, "config.toml");
  await Deno.writeTextFile(configPath, '# my settings\nmodel = "gpt-5.4"\n');

  const added = await box.run([
    "mcp",
    "add",
    "everything",
    "--env",
    "A=b",
    "--",
    "node",
    entry,
    "stdio",
  ]);
  assert.equal(added.code, 0, added.stderr);
  const url = await box.run(["mcp", "add", "remote", "--url", "http://127.0.0.1:1/mcp"]);
  assert.equal(url.code, 0, url.stderr);
  const again = await box.run(["mcp", "add", "remote", "--url", "http://127.0.0.1:2/mcp"]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already in/);
  const text = await Deno.readTextFile(configPath);
  assert.ok(text.startsWith('# my settings\nmodel = "gpt-5.4"\n'), text);
  assert.match(text, /\[mcp_servers\.everything\]\ncommand = "node"/);
  assert.match(text, /env = \{ "A" = "b" \}/);

  const listed = await box.run(["mcp", "list", "--json"], { timeoutMs: 90_000 });
  assert.equal(listed.code, 1, "a server that fails makes list exit 1");
  const servers = jsonObject(listed.stdout).servers;
  assert.ok(Array.isArray(servers));
  const [ready, failed] = servers as Record<string, unknown>[];
  assert.deepEqual([ready.name, ready.transport, ready.state], ["everything", "stdio", "ready"]);
  assert.ok(Array.isArray(ready.tools) && ready.tools.includes("echo"));
  assert.deepEqual([failed.name, failed.transport, failed.state], ["remote", "http", "failed"]);

  const got = await box.run(["mcp", "get", "everything"], { timeoutMs: 90_000 });
  assert.equal(got.code, 0, got.stderr);
  assert.match(got.stdout, /everything {2}stdio {2}ready/);
  assert.match(got.stdout, /tools: .*get-sum/);

  const removed = await box.run(["mcp", "remove", "remote"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.doesNotMatch(await Deno.readTextFile(configPath), /remote/);
  const missing = await box.run(["mcp", "remove", "remote"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no MCP server named "remote"/);

  const doctor = await box.run(["doctor", "--offline", "--json"], { timeoutMs: 90_000 });
  const checks = jsonObject(doctor.stdout).checks as Record<string, unknown>[];
  const mcp = checks.find((c) => c.id === "mcp.everything");
  assert.equal(mcp?.status, "ok");
  assert.match(String(mcp?.summary), /everything \(stdio\): \d+ tools/);
});
