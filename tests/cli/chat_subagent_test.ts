/**
 * The chat's view of subagents and web search: the real program in a tmux pane against the
 * loopback stand-in.
 */

import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer, webSearchAnswer } from "../fakes/fixtures.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import type { Reply } from "../fakes/reply.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { bodyOf, inputOf, sandbox } from "./helpers.ts";
import { chat, PROMPT_READY, send } from "./chat_pane.ts";

Deno.test("chat: a subagent is folded into one block, and --search shows searches and footnotes", async () => {
  await using box = await sandbox({ "a.txt": "alpha\n" });
  const script = (request: RecordedRequest): Reply => {
    const tools = JSON.stringify(bodyOf(request).tools);
    const answered = inputOf(request).some((item) => item.type === "function_call_output");
    if (!tools.includes('"task"')) {
      // The child reads a file, then answers.
      return answered ? { sse: textAnswer("The file says alpha.", { responseId: "resp_c2" }) } : {
        sse: toolCallAnswer({
          name: "read",
          arguments: JSON.stringify({ path: "a.txt" }),
          callId: "call_c1",
          responseId: "resp_c1",
        }),
      };
    }
    return answered
      ? {
        sse: webSearchAnswer({
          query: "alpha meaning",
          text: "Alpha is the first letter.",
          citations: [{ url: "https://en.example/alpha", title: "Alpha", start: 0, end: 5 }],
        }),
      }
      : {
        sse: toolCallAnswer({
          name: "task",
          arguments: JSON.stringify({ description: "read the file", prompt: "Read a.txt." }),
          callId: "call_t",
        }),
      };
  };
  await using server = startResponsesServer({ script });
  await using pane = await chat(box, server, { args: ["chat", "--search"] });
  await pane.waitFor(PROMPT_READY);

  await send(pane, "what does a.txt say?");

  const screen = await pane.waitFor(/\[1\] Alpha <https:\/\/en\.example\/alpha>/);
  assert.match(screen, /✓ subagent read the file/);
  assert.match(screen, /1 tool call · read a\.txt/);
  // Folded: the child's prompt and its answer are not shown as messages of their own.
  assert.doesNotMatch(screen, /› Read a\.txt/);
  assert.match(screen, /⌕ web search "alpha meaning" \(completed\)/);
  assert.match(screen, /Alpha is the first letter\./);
  assert.ok(
    server.requests.some((request) =>
      JSON.stringify(bodyOf(request).tools).includes('"web_search"')
    ),
  );
});
