import assert from "node:assert/strict";
import { textAnswer, toolCallAnswer, toolCallsAnswer } from "../fakes/fixtures.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import type { Reply } from "../fakes/reply.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  bodyOf,
  environmentOf,
  finalResult,
  inputOf,
  jsonOutput,
  replayedItem,
  sandbox,
  streamUsage,
  sumUsage,
  userItem,
} from "./helpers.ts";

/** A `task` call's arguments. */
function task(description: string, prompt: string, write?: boolean): string {
  return JSON.stringify({ description, prompt, ...(write === undefined ? {} : { write }) });
}

/** The names of the function tools a request offers. */
function toolNames(request: RecordedRequest): string[] {
  const tools = bodyOf(request).tools;
  assert.ok(Array.isArray(tools));
  return tools.map((tool) => String((tool as { name?: string }).name ?? tool.type));
}

/** The first user message's text of a request: the prompt (or the child's task). */
function promptOf(request: RecordedRequest): string {
  const first = inputOf(request)[0] as { content?: { text?: string }[] };
  return String(first.content?.[0]?.text);
}

/** Whether a request is a child agent's (it has no `task` tool). */
function isChild(request: RecordedRequest): boolean {
  return !toolNames(request).includes("task");
}

/** The `function_call_output` of `callId` in a request's input, parsed when it is JSON. */
function outputOf(request: RecordedRequest, callId: string): string {
  const item = inputOf(request).find((i) =>
    i.type === "function_call_output" && i.call_id === callId
  );
  assert.ok(item, `no output for ${callId}`);
  return String(item.output);
}

Deno.test("a task call runs a child with a fresh history and read-only tools; its answer is the call's output", async () => {
  await using box = await sandbox({ "notes.txt": "the secret is 42\n" });
  const delegate = toolCallAnswer({
    name: "task",
    arguments: task("find the secret", "Read notes.txt and report the secret."),
    callId: "call_task1",
  });
  const childRead = toolCallAnswer({
    name: "read",
    arguments: JSON.stringify({ path: "notes.txt" }),
    callId: "call_child_read",
    responseId: "resp_child1",
  });
  const childAnswer = textAnswer("The secret is 42.", { responseId: "resp_child2" });
  const final = textAnswer("The child says 42.", { responseId: "resp_final" });
  await using server = startResponsesServer({
    script: [{ sse: delegate }, { sse: childRead }, { sse: childAnswer }, { sse: final }],
  });

  const result = await box.run(["run", "--jsonl", "what is the secret?"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(server.requests.length, 4);
  const [parent, child, childAgain, parentAgain] = server.requests.map(bodyOf);
  // The same instructions and project context; a fresh history holding only the task.
  assert.equal(child.instructions, parent.instructions);
  assert.deepEqual(inputOf(server.requests[1]), [
    userItem("Read notes.txt and report the secret."),
  ]);
  assert.deepEqual(environmentOf(server.requests[1]), environmentOf(server.requests[0]));
  // Read-only tools, and no task tool: children cannot spawn children.
  assert.deepEqual(toolNames(server.requests[1]), ["read", "bash", "ls", "find", "grep"]);
  assert.ok(toolNames(server.requests[0]).includes("task"));
  assert.equal(child.model, parent.model);
  // The child's own loop: its read result goes back to it, not to the parent.
  assert.deepEqual(inputOf(server.requests[2]).slice(1), [
    replayedItem(childRead, "reasoning"),
    replayedItem(childRead, "function_call"),
    {
      type: "function_call_output",
      call_id: "call_child_read",
      output: outputOf(server.requests[2], "call_child_read"),
    },
  ]);
  assert.match(outputOf(server.requests[2], "call_child_read"), /the secret is 42/);
  assert.equal(childAgain.instructions, parent.instructions);
  // The parent gets the child's final answer as the task call's output, and nothing else of it.
  assert.equal(outputOf(server.requests[3], "call_task1"), "The secret is 42.");
  assert.ok(!JSON.stringify(parentAgain.input).includes("call_child_read"));

  const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
  const result_ = finalResult(JSON.stringify(lines.at(-1)));
  assert.equal(result_.answer, "The child says 42.");
  // The children's tokens are the run's too.
  assert.deepEqual(
    result_.usage,
    sumUsage(
      streamUsage(delegate),
      streamUsage(childRead),
      streamUsage(childAnswer),
      streamUsage(final),
    ),
  );
  // --jsonl nests the child's events under the task call.
  const nested = lines.filter((line) => line.type === "subagent_event");
  assert.deepEqual(nested.map((line) => line.data.event.type), [
    "user_message",
    "turn_started",
    "reasoning",
    "tool_call",
    "usage",
    "tool_result",
    "reasoning",
    "assistant_message",
    "usage",
    "turn_completed",
  ]);
  assert.ok(nested.every((line) => line.data.call_id === "call_task1" && line.seq !== null));
  // The session log holds them in the same order, between the task call and its result.
  const id = String(result_.session_id);
  const log = await box.log(id);
  const types = log.map((event) => event.type);
  const call = types.indexOf("tool_call");
  const taskResult = log.findIndex((event) =>
    event.type === "tool_result" && event.data.call_id === "call_task1"
  );
  assert.ok(call < types.indexOf("subagent_event"));
  assert.equal(types.lastIndexOf("subagent_event"), taskResult - 1);

  // Export keeps the child's work; usage shows what the children spent.
  const exported = await box.run(["export", id]);
  assert.match(exported.stdout, /> \*\*Subagent call_task1\*\*/);
  assert.match(exported.stdout, /> ### Tool call: read/);
  const usage = await box.run(["usage", "--json"]);
  const session = JSON.parse(usage.stdout).sessions[0];
  assert.equal(session.model_calls, 4);
  assert.equal(session.subagents.model_calls, 2);
  assert.deepEqual(
    session.subagents.usage,
    sumUsage(streamUsage(childRead), streamUsage(childAnswer)),
  );
  const plainUsage = await box.run(["usage"]);
  assert.match(plainUsage.stdout, /of which subagents +2 /);

  // Resuming keeps the nested events in the log and never sends them to the parent's model.
  const resumed = await box.run(["resume", id, "thanks"], { server });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(!JSON.stringify(bodyOf(server.requests[4]).input).includes("call_child_read"));
  assert.equal(
    (await box.log(id)).filter((event) => event.type === "subagent_event").length,
    nested.length,
  );
});

Deno.test("children run in parallel up to max_subagents, and a failing child does not stop the parent", async () => {
  await using box = await sandbox();
  let release!: () => void;
  const bothStarted = new Promise<void>((resolve) => release = resolve);
  const childPrompts: string[] = [];
  const script = (request: RecordedRequest): Reply => {
    if (!isChild(request)) {
      return inputOf(request).some((item) => item.type === "function_call_output")
        ? { sse: textAnswer("Both reported.", { responseId: "resp_done" }) }
        : {
          sse: toolCallsAnswer([
            { name: "task", arguments: task("alpha", "Task alpha."), callId: "call_a" },
            { name: "task", arguments: task("beta", "Task beta."), callId: "call_b" },
          ]),
        };
    }
    const prompt = promptOf(request);
    childPrompts.push(prompt);
    if (childPrompts.length === 2) release();
    if (prompt === "Task beta.") {
      // A failure the model call does not retry: the child fails, the parent goes on.
      return {
        status: 400,
        body: { error: { message: "bad beta", type: "invalid_request_error" } },
      };
    }
    // Alpha's answer waits until beta has started: only children running side by side finish.
    const events = textAnswer("Alpha done.", { responseId: "resp_alpha" });
    return { sse: events, pause: { writes: 2, until: bothStarted } };
  };
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "--json", "do both"], { server, timeoutMs: 60_000 });

  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(childPrompts.sort(), ["Task alpha.", "Task beta."]);
  const last = server.requests.at(-1)!;
  assert.equal(outputOf(last, "call_a"), "Alpha done.");
  const failed = JSON.parse(outputOf(last, "call_b"));
  assert.equal(failed.ok, false);
  assert.equal(failed.error.kind, "tool_error");
  assert.match(failed.error.message, /the subagent failed: .*bad beta/);
  assert.equal(failed.error.details.status, "failed");
  assert.equal(jsonOutput(result.stdout).answer, "Both reported.");
  // The person sees each child's task, and its failure.
  assert.match(result.stderr, /→ task alpha/);
  assert.match(result.stderr, /✗ tool_error: the subagent failed/);
});

Deno.test("max_subagents = 1 runs children one at a time; 0 offers no task tool", async () => {
  await using box = await sandbox();
  let betaArrived = false;
  let alphaOpen = false;
  let overlapped = false;
  const script = (request: RecordedRequest): Reply => {
    if (!isChild(request)) {
      return inputOf(request).some((item) => item.type === "function_call_output")
        ? { sse: textAnswer("Done.", { responseId: "resp_done" }) }
        : {
          sse: toolCallsAnswer([
            { name: "task", arguments: task("alpha", "Task alpha."), callId: "call_a" },
            { name: "task", arguments: task("beta", "Task beta."), callId: "call_b" },
          ]),
        };
    }
    if (promptOf(request) === "Task beta.") {
      betaArrived = true;
      overlapped = alphaOpen;
      return { sse: textAnswer("Beta done.", { responseId: "resp_beta" }) };
    }
    alphaOpen = true;
    // Alpha's stream stays open a while: a second child started meanwhile would overlap it.
    const done = new Promise<void>((resolve) =>
      setTimeout(() => {
        alphaOpen = false;
        resolve();
      }, 1_500)
    );
    return {
      sse: textAnswer("Alpha done.", { responseId: "resp_alpha" }),
      pause: { writes: 2, until: done },
    };
  };
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "-c", "max_subagents=1", "--json", "do both"], {
    server,
    timeoutMs: 60_000,
  });

  assert.equal(result.code, 0, result.stderr);
  assert.ok(betaArrived);
  assert.equal(overlapped, false, "the second child started while the first was running");
  assert.match(JSON.stringify(bodyOf(server.requests[0]).tools), /1 at once/);

  const off = await box.run(["run", "-c", "max_subagents=0", "hi"], { server });
  assert.equal(off.code, 0, off.stderr);
  assert.ok(!toolNames(server.requests.at(-1)!).includes("task"));
});

Deno.test("a child that runs out of time returns a timeout failure and the parent goes on", async () => {
  await using box = await sandbox();
  const script = (request: RecordedRequest): Reply => {
    if (isChild(request)) {
      // The child's stream never finishes.
      const events = textAnswer("never", { responseId: "resp_slow" });
      return { sse: events, end: { stallAfter: 2 } };
    }
    return inputOf(request).some((item) => item.type === "function_call_output")
      ? { sse: textAnswer("Went on without it.", { responseId: "resp_done" }) }
      : {
        sse: toolCallAnswer({
          name: "task",
          arguments: task("slow", "Take forever."),
          callId: "call_slow",
        }),
      };
  };
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "-c", "subagent_timeout_secs=1", "--json", "go"], {
    server,
    timeoutMs: 60_000,
  });

  assert.equal(result.code, 0, result.stderr);
  const output = JSON.parse(outputOf(server.requests.at(-1)!, "call_slow"));
  assert.equal(output.ok, false);
  assert.equal(output.error.kind, "timeout");
  assert.match(output.error.message, /time limit \(1 s\)/);
  assert.equal(output.error.details.status, "timeout");
  assert.equal(jsonOutput(result.stdout).answer, "Went on without it.");
  const log = await box.log(String(jsonOutput(result.stdout).session_id));
  const childEnd = log.filter((event) => event.type === "subagent_event").at(-1);
  assert.equal(childEnd?.type === "subagent_event" && childEnd.data.event.type, "interrupted");
});

Deno.test("a read-only parent never gives a child write tools", async () => {
  await using box = await sandbox();
  const script = (request: RecordedRequest): Reply =>
    inputOf(request).some((item) => item.type === "function_call_output")
      ? { sse: textAnswer("Could not.", { responseId: "resp_done" }) }
      : {
        sse: toolCallAnswer({
          name: "task",
          arguments: task("edit", "Change a file.", true),
          callId: "call_w",
        }),
      };
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "--read-only", "--json", "change it"], { server });

  assert.equal(result.code, 0, result.stderr);
  // The tool does not offer `write` to a read-only parent, and refuses it when asked anyway.
  const taskTool = (bodyOf(server.requests[0]).tools as { name?: string; parameters?: unknown }[])
    .find((tool) => tool.name === "task");
  assert.ok(!JSON.stringify(taskTool?.parameters).includes('"write"'));
  assert.equal(server.requests.length, 2, "no child request was made");
  const output = JSON.parse(outputOf(server.requests[1], "call_w"));
  assert.equal(output.error.kind, "denied");
  assert.match(output.error.message, /never gets more than its parent/);
});

Deno.test("a writing child gets the parent's write tools, and its changes are undone with the parent's turn", async () => {
  await using box = await sandbox({ "a.txt": "old\n" });
  const script = (request: RecordedRequest): Reply => {
    if (isChild(request)) {
      return inputOf(request).some((item) => item.type === "function_call_output")
        ? { sse: textAnswer("Written.", { responseId: "resp_child_done" }) }
        : {
          sse: toolCallAnswer({
            name: "write",
            arguments: JSON.stringify({ path: "a.txt", content: "new\n" }),
            callId: "call_child_write",
            responseId: "resp_child_write",
          }),
        };
    }
    return inputOf(request).some((item) => item.type === "function_call_output")
      ? { sse: textAnswer("Done.", { responseId: "resp_done" }) }
      : {
        sse: toolCallAnswer({
          name: "task",
          arguments: task("write a", "Write new into a.txt.", true),
          callId: "call_w",
        }),
      };
  };
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "--json", "rewrite a"], { server });

  assert.equal(result.code, 0, result.stderr);
  const childRequest = server.requests.find(isChild)!;
  assert.deepEqual(toolNames(childRequest), [
    "read",
    "write",
    "edit",
    "bash",
    "ls",
    "find",
    "grep",
  ]);
  assert.equal(await Deno.readTextFile(`${box.workspace}/a.txt`), "new\n");
  const undo = await box.run(["undo"]);
  assert.equal(undo.code, 0, undo.stderr);
  assert.equal(await Deno.readTextFile(`${box.workspace}/a.txt`), "old\n");
});

Deno.test("under --stop-at-quota no new child starts once the quota is reached", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    // 12.5 % of the 5-hour window is used, as every reply reports.
    replyHeaders: {
      "x-codex-primary-used-percent": "12.5",
      "x-codex-primary-window-minutes": "300",
    },
    script: [{
      sse: toolCallAnswer({ name: "task", arguments: task("t", "A task."), callId: "call_q" }),
    }],
  });

  const result = await box.run(["run", "--stop-at-quota", "10", "--json", "go"], { server });

  // The parent's next request is refused too: the run ends with the quota code.
  assert.equal(result.code, 5, result.stderr);
  assert.equal(server.requests.length, 1, "the child sent no request");
  const log = await box.log(String(jsonOutput(result.stdout).session_id));
  const taskResult = log.find((event) => event.type === "tool_result");
  assert.ok(taskResult?.type === "tool_result");
  assert.equal(taskResult.data.error?.kind, "denied");
  assert.match(taskResult.data.output, /no new subagent starts/);
  assert.ok(!log.some((event) => event.type === "subagent_event"));
});

Deno.test("Ctrl+C stops the running children and the session stays resumable", async () => {
  await using box = await sandbox();
  const script = (request: RecordedRequest): Reply => {
    if (isChild(request)) {
      const events = textAnswer("never", { responseId: "resp_slow" });
      return { sse: events, end: { stallAfter: 3 } };
    }
    return {
      sse: toolCallAnswer({ name: "task", arguments: task("t", "Hang."), callId: "call_c" }),
    };
  };
  await using server = startResponsesServer({ script });

  const result = await box.run(["run", "--jsonl", "go"], {
    server,
    signalAfter: {
      signal: "SIGINT",
      when: (_stderr, stdout) =>
        stdout.includes('"turn_started"') && stdout.includes("subagent_event"),
    },
    timeoutMs: 30_000,
  });

  assert.equal(result.code, 130, result.stderr);
  const lines = result.stdout.trim().split("\n").map((line) => JSON.parse(line));
  const id = String(finalResult(JSON.stringify(lines.at(-1))).session_id);
  const log = await box.log(id);
  const childEvents = log.flatMap((event) =>
    event.type === "subagent_event" ? [event.data.event.type] : []
  );
  assert.equal(childEvents.at(-1), "interrupted");
  assert.equal(log.at(-1)?.type, "interrupted");
  const resumed = await box.run(["resume", id, "--json", "again"], {
    server: startResponsesServer({ script: [{ sse: textAnswer("Back.") }] }),
  });
  assert.equal(resumed.code, 0, resumed.stderr);
});
