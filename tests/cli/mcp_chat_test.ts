/**
 * MCP servers in the chat, in a tmux pane: servers start while the chat opens (the footer and
 * `/mcp` show them starting, ready or failed, a failure is a warning in the transcript) and a long
 * call's progress shows in its tool block.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { everythingServer } from "../fakes/mcp_everything.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { sandbox } from "./helpers.ts";
import { chat, PROMPT_READY, send } from "./chat_pane.ts";

Deno.test("the chat shows MCP servers starting, then ready or failed, in the footer and /mcp", async () => {
  await using box = await sandbox();
  const entry = await everythingServer();
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[mcp_servers.everything]\ncommand = "node"\nargs = [${JSON.stringify(entry)}, "stdio"]\n\n` +
      // Never answers: "starting" until its startup_timeout_sec passes.
      `[mcp_servers.sleepy]\ncommand = "node"\nargs = ["-e", "setTimeout(() => {}, 60000)"]\n` +
      `startup_timeout_sec = 12\n\n[mcp_servers.missing]\ncommand = "no-such-mcp-server-xyz"\n`,
  );
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await using pane = await chat(box, server, { columns: 140, rows: 40 });

  const early = await pane.waitFor(PROMPT_READY);
  assert.match(early, /mcp [01]\/3…/, "the footer shows servers still starting");
  await send(pane, "/mcp");
  const starting = await pane.waitFor(/MCP servers:[\s\S]*sleepy\s+stdio\s+starting…/);
  assert.match(starting, /missing\s+stdio\s+failed\s+cannot start "no-such-mcp-server-xyz"/);
  assert.match(starting, /MCP server "missing" is not available/, "a failure is a warning");

  const settled = await pane.waitFor(/mcp 1\/3!/, 40_000);
  assert.doesNotMatch(settled, /mcp 1\/3…/);
  assert.match(settled, /MCP server "sleepy" is not available: did not start within 12 s/);
  await send(pane, "/mcp");
  const report = await pane.waitFor(/sleepy\s+stdio\s+failed\s+did not start within 12 s/);
  assert.match(report, /everything\s+stdio\s+ready\s+\d+ tools/);
  assert.equal(server.requests.length, 0, "/mcp sends nothing to the model");
});

Deno.test("a long MCP call's progress shows in its tool block while it runs", async () => {
  await using box = await sandbox();
  const entry = await everythingServer();
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[mcp_servers.everything]\ncommand = "node"\nargs = [${JSON.stringify(entry)}, "stdio"]\n`,
  );
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({
          name: "mcp__everything__trigger-long-running-operation",
          arguments: JSON.stringify({ duration: 9, steps: 3 }),
          callId: "call_long",
          responseId: "resp_1",
        }),
      },
      { sse: textAnswer("Finished.", { responseId: "resp_2" }) },
    ],
  });
  await using pane = await chat(box, server, { args: ["chat", "--allow-mcp"], columns: 140 });
  await pane.waitFor(PROMPT_READY);
  await send(pane, "run the long one");

  const running = await pane.waitFor(/running… [12]\/3 \((33|67)%\)/, 30_000);
  assert.match(running, /mcp everything\/trigger-long-running-operation/);
  const done = await pane.waitFor(/Finished\./, 40_000);
  assert.doesNotMatch(done, /running…/);
});
