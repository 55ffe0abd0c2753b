import assert from "node:assert/strict";
import { join } from "node:path";
import { createBashTool, timeoutSecondsFor } from "../../src/tools/bash.ts";
import { exists, failure, okOutput, type Sandbox, sandbox } from "./helpers.ts";

const bash = createBashTool({ killGraceMs: 500, drainMs: 200 });

/** Whether the process whose pid is in `file` is running (a zombie counts as gone). */
async function running(box: Sandbox, file: string): Promise<boolean> {
  const pid = (await Deno.readTextFile(join(box.ws, file))).trim();
  const probe =
    `state=$(ps -o stat= -p ${pid} 2>/dev/null); [ -n "$state" ] && [ "\${state#Z}" = "$state" ]`;
  return okOutput(await bash.run({ command: probe }, box.ctx())).endsWith("exit code: 0");
}

/** Whether that process is gone within a second (a kill takes a moment to land). */
async function stops(box: Sandbox, file: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    if (!(await running(box, file))) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

/** Milliseconds `run` takes. */
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

Deno.test("bash returns the output and exit code 0", async () => {
  await using box = await sandbox();
  const result = await bash.run({ command: "echo hello" }, box.ctx());
  assert.equal(okOutput(result), "hello\nexit code: 0");
  assert.deepEqual(result.ok && result.details, { exit_code: 0, signal: null, truncated: false });
});

Deno.test("a non-zero exit is a result, not an error", async () => {
  await using box = await sandbox();
  const result = await bash.run({ command: "echo failing >&2; exit 3" }, box.ctx());
  assert.equal(okOutput(result), "failing\nexit code: 3");
  assert.equal(
    okOutput(await bash.run({ command: "true" }, box.ctx())),
    "(no output)\nexit code: 0",
  );
  assert.equal(okOutput(await bash.run({ command: "printf x" }, box.ctx())), "x\nexit code: 0");
});

Deno.test("stdout and stderr arrive combined in their true order", async () => {
  await using box = await sandbox();
  const result = await bash.run({ command: "echo a; echo b >&2; echo c" }, box.ctx());
  assert.equal(okOutput(result), "a\nb\nc\nexit code: 0");
  const syntax = okOutput(await bash.run({ command: "echo before\nif then" }, box.ctx()));
  assert.match(syntax, /^before\n.*syntax error.*\nexit code: 2$/s);
});

Deno.test("the command runs in the workspace with stdin closed", async () => {
  await using box = await sandbox();
  assert.equal(okOutput(await bash.run({ command: "pwd" }, box.ctx())), `${box.ws}\nexit code: 0`);
  const { value, ms } = await timed(() => bash.run({ command: "cat; echo done" }, box.ctx()));
  assert.equal(okOutput(value), "done\nexit code: 0");
  assert.ok(ms < 5000);
});

Deno.test("a timeout kills the command and its background children, keeping partial output", async () => {
  await using box = await sandbox();
  const { value, ms } = await timed(() =>
    bash.run(
      { command: "sleep 30 & echo $! > bg.pid; echo started; sleep 30", timeout_seconds: 1 },
      box.ctx(),
    )
  );
  const error = failure(value, "timeout");
  assert.equal(error.message, "The command timed out after 1 s and was killed.");
  assert.equal(error.details?.output, "started\n");
  assert.ok(ms < 4000, `took ${ms} ms`);
  assert.ok(await stops(box, "bg.pid"), "the background sleep was killed");
});

Deno.test("a command that ignores SIGTERM is killed with SIGKILL after the grace period", async () => {
  await using box = await sandbox();
  const { value, ms } = await timed(() =>
    bash.run({ command: "trap '' TERM; echo stubborn; sleep 30", timeout_seconds: 1 }, box.ctx())
  );
  assert.equal(failure(value, "timeout").details?.output, "stubborn\n");
  assert.ok(ms < 5000, `took ${ms} ms`);
});

Deno.test("background processes holding the output are stopped when the command ends", async () => {
  await using box = await sandbox();
  const { value, ms } = await timed(() =>
    bash.run({ command: "sleep 30 & echo $! > bg.pid; echo done" }, box.ctx())
  );
  assert.equal(
    okOutput(value),
    "done\nexit code: 0\n[background processes still holding the output were stopped]",
  );
  assert.ok(ms < 3000, `took ${ms} ms`);
  assert.ok(await stops(box, "bg.pid"), "the background sleep was killed");
  const detached = okOutput(
    await bash.run(
      { command: "sleep 30 > /dev/null 2>&1 & echo $! > kept.pid; echo ok" },
      box.ctx(),
    ),
  );
  assert.equal(detached, "ok\nexit code: 0");
  assert.ok(await running(box, "kept.pid"), "a redirected background process keeps running");
  Deno.kill(Number(await Deno.readTextFile(join(box.ws, "kept.pid"))), "SIGKILL");
});

Deno.test("abort kills the command and reports aborted", async () => {
  await using box = await sandbox();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 300);
  const { value, ms } = await timed(() =>
    bash.run({ command: "echo working; sleep 30" }, box.ctx(controller.signal))
  );
  clearTimeout(timer);
  assert.equal(failure(value, "aborted").details?.output, "working\n");
  assert.ok(ms < 3000, `took ${ms} ms`);
});

Deno.test("an already aborted call does not start the command", async () => {
  await using box = await sandbox();
  const controller = new AbortController();
  controller.abort();
  failure(await bash.run({ command: "touch ran" }, box.ctx(controller.signal)), "aborted");
  assert.equal(await exists(join(box.ws, "ran")), false);
});

Deno.test("without process groups a timeout still returns: the drain is bounded", async () => {
  await using box = await sandbox();
  const plain = createBashTool({ processGroup: false, killGraceMs: 300, drainMs: 200 });
  const { value, ms } = await timed(() =>
    plain.run({ command: "sleep 3 & echo started; sleep 30", timeout_seconds: 1 }, box.ctx())
  );
  assert.equal(failure(value, "timeout").details?.output, "started\n");
  assert.ok(ms < 2500, `took ${ms} ms`);
});

Deno.test("a command killed by a signal says so", async () => {
  await using box = await sandbox();
  const result = await bash.run({ command: "echo bye; kill -KILL $$" }, box.ctx());
  assert.equal(okOutput(result), "bye\nkilled by signal SIGKILL");
});

Deno.test("long output keeps its head and tail around a marker", async () => {
  await using box = await sandbox();
  const small = createBashTool({ limits: { maxLines: 10 } });
  const result = await small.run({ command: "seq 1 1000" }, box.ctx());
  const output = okOutput(result);
  assert.match(output, /^1\n2\n3\n4\n5\n\[… truncated: 990 lines \(3.8 KB\) not shown …\]\n/);
  assert.match(output, /\n996\n997\n998\n999\n1000\nexit code: 0$/);
  assert.equal(result.ok && result.details?.truncated, true);
});

Deno.test("a missing shell is an io error", async () => {
  await using box = await sandbox();
  const missing = createBashTool({ shell: join(box.root, "no-such-bash") });
  const error = failure(await missing.run({ command: "echo" }, box.ctx()), "io");
  assert.match(error.message, /^could not start .*no-such-bash/);
});

Deno.test("timeout_seconds is validated and capped rather than refused when large", async () => {
  await using box = await sandbox();
  failure(await bash.run({ command: "true", timeout_seconds: 0 }, box.ctx()), "invalid_arguments");
  failure(await bash.run({ cmd: "true" }, box.ctx()), "invalid_arguments");
  okOutput(await bash.run({ command: "true", timeout_seconds: 100_000 }, box.ctx()));
  assert.equal(timeoutSecondsFor(100_000), 600);
  assert.equal(timeoutSecondsFor(5), 5);
  assert.equal(timeoutSecondsFor(undefined), 120);
});
