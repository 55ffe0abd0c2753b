import assert from "node:assert/strict";
import { join } from "node:path";
import { listWorkspaceFolder, readWorkspaceFile } from "../../src/cli/chat_session_host.ts";
import {
  chatReporters,
  type ChatSink,
  homeRelative,
  McpChatFeed,
} from "../../src/cli/chat_reporters.ts";
import type { McpServerConfig } from "../../src/config/mcp_servers.ts";
import { tempWorkspace } from "../harness/workspace.ts";

Deno.test("workspace files are read; folders, missing files and outside paths are not", async () => {
  await using dir = await tempWorkspace({ "ws/a.txt": "hello\n", "secret.txt": "no" });
  const ws = join(dir.path, "ws");
  assert.equal(await readWorkspaceFile(ws, "a.txt"), "hello\n");
  assert.equal(await readWorkspaceFile(ws, "."), null);
  assert.equal(await readWorkspaceFile(ws, "missing.txt"), null);
  assert.equal(await readWorkspaceFile(ws, "../secret.txt"), null);
  if (Deno.build.os !== "windows") {
    await Deno.symlink(join(dir.path, "secret.txt"), join(ws, "link.txt"));
    assert.equal(await readWorkspaceFile(ws, "link.txt"), null, "a symlink cannot escape");
  }
});

Deno.test("workspace folders are listed with their kind; outside ones are not", async () => {
  await using dir = await tempWorkspace({ "ws/src/main.ts": "", "ws/b.md": "" });
  const ws = join(dir.path, "ws");
  const entries = await listWorkspaceFolder(ws, "");
  assert.deepEqual(entries?.sort((a, b) => a.name.localeCompare(b.name)), [
    { name: "b.md", isDirectory: false },
    { name: "src", isDirectory: true },
  ]);
  assert.deepEqual(await listWorkspaceFolder(ws, "src/"), [{
    name: "main.ts",
    isDirectory: false,
  }]);
  assert.equal(await listWorkspaceFolder(ws, "../"), null);
  assert.equal(await listWorkspaceFolder(ws, "nope/"), null);
});

Deno.test("paths below the home folder are shown from ~", () => {
  assert.equal(homeRelative("/home/me/code/app", "/home/me"), "~/code/app");
  assert.equal(homeRelative("/home/me", "/home/me"), "~");
  assert.equal(homeRelative("/home/meet/x", "/home/me"), "/home/meet/x");
  assert.equal(homeRelative("/srv/app", undefined), "/srv/app");
});

Deno.test("before its runtime opens, the chat's feed shows the MCP servers starting and keeps warnings for it", () => {
  const docs: McpServerConfig = {
    name: "docs",
    transport: "stdio",
    command: "docs-server",
    args: [],
    env: {},
    startupTimeoutSec: 10,
    toolTimeoutSec: 60,
    disabledTools: [],
  };
  const feed = new McpChatFeed([docs]);
  assert.deepEqual(feed.states(), [{ name: "docs", transport: "stdio", state: "starting" }]);
  const sink: ChatSink = { current: null };
  const reporters = chatReporters(sink, feed);
  void reporters.warn("AGENTS.md is too long");
  const shown: string[] = [];
  let changes = 0;
  feed.subscribe({ changed: () => void changes++, warning: (message) => shown.push(message) });
  assert.deepEqual(shown, ["AGENTS.md is too long"], "kept until the chat listens");
  const turn: string[] = [];
  sink.current = { emit: () => {}, warn: (message) => void turn.push(message) };
  void reporters.warn("during a turn");
  assert.deepEqual(turn, ["during a turn"]);
  assert.ok(changes >= 1);
});
