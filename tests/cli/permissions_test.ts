import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { hintedSessionId, inputOf, isRecord, jsonObject, sandbox } from "./helpers.ts";

const FINAL = "Done.";

function toolThenAnswer(name: string, args: Record<string, unknown>, callId = "call_1") {
  const call = toolCallAnswer({ name, arguments: JSON.stringify(args), callId });
  return [{ sse: call }, { sse: textAnswer(FINAL) }];
}

/** The tool output the model received in the follow-up request, parsed when it is JSON. */
function outputFor(request: RecordedRequest, callId = "call_1"): string {
  const item = inputOf(request).find((i) =>
    i.type === "function_call_output" && i.call_id === callId
  );
  assert.ok(item, `no output for ${callId}`);
  return String(item.output);
}

function deniedError(output: string): Record<string, unknown> {
  const parsed = jsonObject(output);
  assert.equal(parsed.ok, false);
  assert.ok(isRecord(parsed.error));
  assert.equal(parsed.error.kind, "denied");
  return parsed.error;
}

Deno.test("without a terminal, a command needing approval is denied at once and the run answers", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: toolThenAnswer("bash", { command: "touch made.txt" }),
  });

  const started = performance.now();
  const result = await box.run(["run", "make a file"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.ok(performance.now() - started < 20_000, "never waits for an answer");
  assert.equal(result.stdout, `${FINAL}\n`);
  assert.match(result.stderr, /✗ denied: The command needs approval and nobody can give it/);
  await assert.rejects(Deno.lstat(join(box.workspace, "made.txt")), Deno.errors.NotFound);
  const error = deniedError(outputFor(server.requests[1]));
  assert.match(String(error.message), /Not pre-approved: touch/);
  assert.match(String(error.message), /--allow-run/);
  assert.deepEqual(error.details, { command: "touch made.txt", source: "non_interactive" });

  const log = await box.log(hintedSessionId(result.stderr));
  const decision = log.find((e) => e.type === "permission_decision");
  assert.ok(decision?.type === "permission_decision");
  assert.equal(decision.data.call_id, "call_1");
  assert.equal(decision.data.decision, "deny");
  assert.equal(decision.data.source, "non_interactive");
});

Deno.test("safe-list commands run without any flag; --allow-run lets named programs through", async () => {
  await using box = await sandbox({ "hello.txt": "hi\n" });
  await using safe = startResponsesServer({ script: toolThenAnswer("bash", { command: "ls" }) });
  const listed = await box.run(["run", "list"], { server: safe });
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(outputFor(safe.requests[1]), /hello\.txt/);

  await using allowed = startResponsesServer({
    script: toolThenAnswer("bash", { command: "touch made.txt" }),
  });
  const made = await box.run(["run", "--allow-run=touch", "make a file"], { server: allowed });
  assert.equal(made.code, 0, made.stderr);
  assert.ok((await Deno.stat(join(box.workspace, "made.txt"))).isFile);
  const log = await box.log(hintedSessionId(made.stderr));
  const decision = log.find((e) => e.type === "permission_decision");
  assert.ok(decision?.type === "permission_decision");
  assert.deepEqual([decision.data.decision, decision.data.source], ["allow", "allow_run"]);
});

Deno.test("--read-only refuses writes by file tools and shell commands alike", async () => {
  await using box = await sandbox({ "a.txt": "original\n" });
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({
          name: "write",
          arguments: '{"path":"a.txt","content":"x"}',
          callId: "w",
        }),
      },
      { sse: toolCallAnswer({ name: "bash", arguments: '{"command":"rm a.txt"}', callId: "b" }) },
      { sse: textAnswer(FINAL) },
    ],
  });
  const result = await box.run(["run", "--read-only", "--allow-run", "change a.txt"], { server });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await Deno.readTextFile(join(box.workspace, "a.txt")), "original\n");
  assert.match(outputFor(server.requests[1], "w"), /read-only/);
  assert.match(String(deniedError(outputFor(server.requests[2], "b")).message), /read-only/);
});

Deno.test("Pixir's own folder stays unreachable from file tools even with --allow-read and -A", async () => {
  await using box = await sandbox();
  const secret = "TOKEN-THAT-MUST-NOT-LEAK";
  await Deno.writeTextFile(join(box.home, "private.txt"), secret);
  for (const flags of [["--allow-read"], ["-A"]]) {
    await using server = startResponsesServer({
      script: toolThenAnswer("read", { path: join(box.home, "private.txt") }),
    });
    const result = await box.run(["run", ...flags, "read the token"], { server });
    assert.equal(result.code, 0, result.stderr);
    deniedError(outputFor(server.requests[1]));
    assert.ok(server.requests.every((r) => !r.text.includes(secret)), flags.join(" "));
  }
});

Deno.test("--allow-read=PATH lets file tools read a folder outside the workspace", async () => {
  await using box = await sandbox();
  const docs = join(box.root, "docs");
  await Deno.mkdir(docs);
  await Deno.writeTextFile(join(docs, "guide.md"), "the guide\n");
  await using server = startResponsesServer({
    script: toolThenAnswer("read", { path: join(docs, "guide.md") }),
  });
  const result = await box.run(["run", `--allow-read=${docs}`, "read the guide"], { server });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(outputFor(server.requests[1]), "the guide\n");

  // A granted symlink grants the folder it leads to.
  const link = join(box.root, "docs-link");
  await Deno.symlink(docs, link);
  await using viaLink = startResponsesServer({
    script: toolThenAnswer("read", { path: join(link, "guide.md") }),
  });
  const linked = await box.run(["run", `--allow-read=${link}`, "read it"], { server: viaLink });
  assert.equal(linked.code, 0, linked.stderr);
  assert.equal(outputFor(viaLink.requests[1]), "the guide\n");
});

Deno.test("contradictory or empty permission flags are usage errors (exit 2)", async () => {
  await using box = await sandbox();
  for (
    const [flags, message] of [
      [["--read-only", "--allow-write"], /--read-only cannot be combined with --allow-write/],
      [["--allow-net", "--deny-net"], /contradict/],
      [["--allow-run="], /needs a value/],
    ] as const
  ) {
    const result = await box.run(["run", ...flags, "hi"]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
  }
});

Deno.test("pixir permissions lists, sets and removes what a workspace allows", async () => {
  await using box = await sandbox();
  const file = join(box.home, "permissions.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      version: 2,
      workspaces: { [box.workspace]: { always: ["touch", "make test"] } },
    }),
  );
  await using server = startResponsesServer({
    script: toolThenAnswer("bash", { command: "touch made.txt" }),
  });
  const ran = await box.run(["run", "make a file"], { server });
  assert.equal(ran.code, 0, ran.stderr);
  assert.ok((await Deno.stat(join(box.workspace, "made.txt"))).isFile, "a saved rule allows it");

  const listed = await box.run(["permissions"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    /always:\n {4}touch {3}\(allows every touch command\)\n {4}make test\n/,
  );

  assert.equal((await box.run(["permissions", "remove", "touch"])).code, 0);
  const missing = await box.run(["permissions", "remove", "touch"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /"touch" is not saved/);

  const set = await box.run(["permissions", "set", "--allow-run=npm", "--deny-net"]);
  assert.equal(set.code, 0, set.stderr);
  const json = jsonObject((await box.run(["permissions", "--json"])).stdout);
  assert.deepEqual(json.workspaces, {
    [box.workspace]: { policy: { run: ["npm"], net: false }, always: ["make test"] },
  });
  const saved = JSON.parse(await Deno.readTextFile(file));
  assert.deepEqual(saved.workspaces[box.workspace].policy, { allow_run: ["npm"], net: false });
  assert.equal((await Deno.stat(file)).mode! & 0o777, 0o600);
});

Deno.test("a broken permissions.json is a usage error, never ignored", async () => {
  await using box = await sandbox();
  await Deno.writeTextFile(
    join(box.home, "permissions.json"),
    JSON.stringify({
      version: 1,
      workspaces: { [box.workspace]: { policy: { allow_run: "yes" } } },
    }),
  );
  const result = await box.run(["run", "hi"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /allow_run must be true or a list of strings/);
});

Deno.test("pixir doctor reports every security layer, in JSON too", async () => {
  await using box = await sandbox();
  const result = await box.run(["doctor", "--json", "--offline"]);
  assert.equal(result.code, 0, result.stderr);
  const report = jsonObject(result.stdout);
  assert.ok(Array.isArray(report.checks));
  const layers = Object.fromEntries(
    report.checks
      .filter((c: Record<string, unknown>) => c.group === "sandbox")
      .map((c: Record<string, unknown>) => [c.id, c.status]),
  );
  assert.deepEqual(Object.keys(layers), [
    "sandbox.workspace",
    "sandbox.worker",
    "sandbox.approval",
    "sandbox.os",
  ]);
  assert.equal(layers["sandbox.worker"], "ok", "the file tool Worker starts and answers");
  assert.ok(
    ["ok", "warn"].includes(layers["sandbox.os"]),
    "a missing OS sandbox is only a warning",
  );
  const plain = await box.run(["doctor", "--offline"]);
  // In the bubblewrap child where bubblewrap works, else in the Worker.
  assert.match(
    plain.stdout,
    layers["sandbox.os"] === "ok"
      ? /layer 2, Deno permissions: file tools run in a child process/
      : /layer 2, Deno permissions: file tools run in a Worker/,
  );
  assert.match(plain.stdout, /OS sandbox: /);
});
