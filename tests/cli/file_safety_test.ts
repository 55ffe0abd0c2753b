/**
 * The file tools' other refusals, through the real CLI with the model's calls scripted: a
 * hardlink to Pixir's own files, FIFOs (which would block a read or the undo snapshot forever),
 * and a call that runs past its time limit (a catastrophic regex in grep).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { inputOf, jsonObject, sandbox } from "./helpers.ts";

interface Call {
  name: string;
  args: Record<string, unknown>;
}

/** A model that makes `calls` one by one, then answers. */
function scripted(calls: readonly Call[]) {
  return startResponsesServer({
    script: [
      ...calls.map((call, i) => ({
        sse: toolCallAnswer({
          name: call.name,
          arguments: JSON.stringify(call.args),
          callId: `c${i}`,
        }),
      })),
      { sse: textAnswer("Done.") },
    ],
  });
}

/** What the model got back for each call, in order. */
function results(requests: readonly RecordedRequest[], count: number): string[] {
  const last = inputOf(requests[requests.length - 1]);
  return Array.from({ length: count }, (_, i) => {
    const item = last.find((entry) =>
      entry.type === "function_call_output" && entry.call_id === `c${i}`
    );
    assert.ok(item, `no result for call ${i}`);
    return String(item.output);
  });
}

/** The error of a failed call's output. */
function errorOf(output: string): { kind: string; message: string } {
  const parsed = jsonObject(output);
  assert.equal(parsed.ok, false, output);
  const error = parsed.error as { kind: string; message: string };
  return error;
}

Deno.test("a hardlink to Pixir's auth.json inside the workspace is refused by every file tool", async () => {
  await using box = await sandbox({ "keep.txt": "fine\n" });
  const secret = "SECRET-IN-AUTH-FILE";
  await Deno.writeTextFile(join(box.home, "auth.json"), secret);
  await Deno.link(join(box.home, "auth.json"), join(box.workspace, "innocent.txt"));
  const calls: Call[] = [
    { name: "read", args: { path: "innocent.txt" } },
    { name: "grep", args: { pattern: "SECRET" } },
    { name: "grep", args: { pattern: "SECRET", path: "innocent.txt" } },
    { name: "edit", args: { path: "innocent.txt", old_text: "SECRET", new_text: "x" } },
    { name: "write", args: { path: "innocent.txt", content: "overwritten" } },
    { name: "read", args: { path: "keep.txt" } },
  ];
  await using server = scripted(calls);

  const result = await box.run(["run", "--auth", "api-key", "read the link"], { server });

  assert.equal(result.code, 0, result.stderr);
  const [read, grepAll, grepOne, edit, write, keep] = results(server.requests, calls.length);
  for (const refused of [read, grepOne, edit, write]) {
    const error = errorOf(refused);
    assert.equal(error.kind, "denied");
    assert.match(error.message, /one of Pixir's own files/);
  }
  assert.match(grepAll, /No matches/);
  assert.match(grepAll, /1 unreadable/);
  assert.equal(keep, "fine\n");
  for (const request of server.requests) assert.ok(!request.text.includes(secret));
  assert.equal(await Deno.readTextFile(join(box.home, "auth.json")), secret);
});

Deno.test("FIFOs are refused by read, write, edit, grep and the undo snapshot, never waited on", async () => {
  await using box = await sandbox({ "a.txt": "alpha\n" });
  const made = await new Deno.Command("mkfifo", { args: [join(box.workspace, "pipe")] }).output();
  assert.ok(made.success);
  const calls: Call[] = [
    { name: "read", args: { path: "pipe" } },
    { name: "write", args: { path: "pipe", content: "x" } },
    { name: "edit", args: { path: "pipe", old_text: "a", new_text: "b" } },
    { name: "grep", args: { pattern: "a", path: "pipe" } },
    { name: "grep", args: { pattern: "alpha" } },
    { name: "ls", args: {} },
  ];
  await using server = scripted(calls);

  const result = await box.run(["run", "--auth", "api-key", "poke the pipe"], {
    server,
    timeoutMs: 30_000,
  });

  assert.equal(result.code, 0, result.stderr);
  const [read, write, edit, grepPipe, grepAll, ls] = results(server.requests, calls.length);
  for (const refused of [read, write, edit, grepPipe]) {
    const error = errorOf(refused);
    assert.equal(error.kind, "special_file");
    assert.equal(
      error.message,
      "pipe is a FIFO (named pipe), not a regular file; file tools never open FIFOs, sockets or devices",
    );
  }
  assert.match(grepAll, /^a\.txt:1: alpha$/m);
  assert.match(ls, /^pipe$/m);
  assert.ok((await Deno.lstat(join(box.workspace, "pipe"))).isFifo, "the FIFO is left alone");
});

Deno.test("a grep past its time limit is stopped and says so; the next call works", async () => {
  await using box = await sandbox({ "long.txt": `${"a".repeat(5000)}!\n`, "b.txt": "bravo\n" });
  const calls: Call[] = [
    { name: "grep", args: { pattern: "(a+)+$", path: "long.txt" } },
    { name: "read", args: { path: "b.txt" } },
  ];
  await using server = scripted(calls);

  const result = await box.run(["run", "--auth", "api-key", "search"], {
    server,
    env: { PIXIR_TOOL_TIMEOUT_MS: "1500" },
    timeoutMs: 30_000,
  });

  assert.equal(result.code, 0, result.stderr);
  const [grep, read] = results(server.requests, calls.length);
  const error = errorOf(grep);
  assert.equal(error.kind, "timeout");
  assert.match(
    error.message,
    /^The grep call was stopped after 1\.5 s, its time limit \(PIXIR_TOOL_TIMEOUT_MS\)/,
  );
  assert.match(result.stderr, /✗ timeout: The grep call was stopped/);
  assert.equal(read, "bravo\n");
});

Deno.test("PIXIR_TOOL_TIMEOUT_MS that is not a positive whole number is a usage error", async () => {
  await using box = await sandbox();
  const result = await box.run(["run", "hi"], { env: { PIXIR_TOOL_TIMEOUT_MS: "soon" } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /PIXIR_TOOL_TIMEOUT_MS: "soon" must be a whole number ≥ 1/);
});
