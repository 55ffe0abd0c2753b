import assert from "node:assert/strict";
import { formatBytes } from "../../src/tools/truncation.ts";
import { runCommand, runShell, type ShellOptions } from "../../src/tools/shell.ts";
import { sandbox } from "./helpers.ts";

function options(cwd: string, overrides: Partial<ShellOptions> = {}): ShellOptions {
  return {
    shell: "bash",
    cwd,
    timeoutMs: 10_000,
    signal: new AbortController().signal,
    processGroup: true,
    killGraceMs: 300,
    drainMs: 150,
    ...overrides,
  };
}

Deno.test("runShell reports the exit code and signal of a command that ends by itself", async () => {
  await using box = await sandbox();
  const exited = await runShell("echo out; exit 4", options(box.ws));
  assert.deepEqual(exited.end, { kind: "exited", code: 4, signal: null });
  assert.equal(exited.output.text, "out\n");
  assert.equal(exited.stoppedBackground, false);
  const signalled = await runShell("kill -TERM $$", options(box.ws));
  assert.deepEqual(signalled.end, { kind: "exited", code: 143, signal: "SIGTERM" });
});

Deno.test("runShell ends with timeout or aborted, keeping the output so far", async () => {
  await using box = await sandbox();
  const timedOut = await runShell("echo t; sleep 30", options(box.ws, { timeoutMs: 200 }));
  assert.deepEqual(timedOut.end, { kind: "timeout" });
  assert.equal(timedOut.output.text, "t\n");
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 200);
  const aborted = await runShell(
    "echo a; sleep 30",
    options(box.ws, { signal: controller.signal }),
  );
  assert.deepEqual(aborted.end, { kind: "aborted" });
  assert.equal(aborted.output.text, "a\n");
});

Deno.test("runShell flags background processes it had to stop", async () => {
  await using box = await sandbox();
  const outcome = await runShell("sleep 30 & echo x", options(box.ws));
  assert.deepEqual(outcome.end, { kind: "exited", code: 0, signal: null });
  assert.equal(outcome.stoppedBackground, true);
});

Deno.test("runShell bounds output while it streams, keeping head and tail", async () => {
  await using box = await sandbox();
  const outcome = await runShell(
    "for i in $(seq 1 20000); do echo line $i; done",
    options(box.ws, { limits: { maxLines: 4, maxBytes: 1000 } }),
  );
  let cut = 0;
  for (let i = 3; i <= 19998; i++) cut += `line ${i}\n`.length;
  assert.equal(
    outcome.output.text,
    `line 1\nline 2\n[… truncated: 19996 lines (${
      formatBytes(cut)
    }) not shown …]\nline 19999\nline 20000\n`,
  );
});

Deno.test("a shell that cannot start is spawn_failed, as a value", async () => {
  await using box = await sandbox();
  const outcome = await runShell("true", options(box.ws, { shell: "/nonexistent/bash" }));
  assert.equal(outcome.end.kind, "spawn_failed");
});

Deno.test("commands do not see Pixir's own credentials in their environment", async () => {
  await using box = await sandbox();
  const before = Deno.env.get("OPENAI_API_KEY");
  Deno.env.set("OPENAI_API_KEY", "sk-secret");
  try {
    const outcome = await runShell('echo "key=${OPENAI_API_KEY:-none} path=${PATH:+set}"', {
      ...options(box.ws),
    });
    assert.equal(outcome.output.text, "key=none path=set\n");
  } finally {
    if (before === undefined) Deno.env.delete("OPENAI_API_KEY");
    else Deno.env.set("OPENAI_API_KEY", before);
  }
});

/** Runs a bare argv (no shell) with `runCommand`. */
function runArgv(argv: string[], opts: ShellOptions, env: Record<string, string> = {}) {
  return runCommand(argv.join(" "), { kind: "argv", argv, env }, opts);
}

Deno.test("an argv runs without a shell: its words reach the program exactly", async () => {
  await using box = await sandbox();
  await Deno.writeTextFile(`${box.ws}/a`, "");
  const words = ["*", "{a,b}", "$HOME", "`id`", "~", "a b", "; touch pwned"];
  const outcome = await runArgv(["printf", "[%s]\\n", ...words], options(box.ws));
  assert.deepEqual(outcome.end, { kind: "exited", code: 0, signal: null });
  assert.equal(outcome.output.text, words.map((w) => `[${w}]\n`).join(""));
  await assert.rejects(Deno.stat(`${box.ws}/pwned`));
});

Deno.test("an argv's stderr joins its output, and its environment additions apply", async () => {
  await using box = await sandbox();
  const outcome = await runArgv(
    ["ls", "missing-file"],
    options(box.ws),
    { LC_ALL: "C" },
  );
  assert.equal(outcome.end.kind, "exited");
  assert.match(outcome.output.text, /missing-file/);
  const env = await runArgv(["printenv", "PIXIR_TEST_ADDED"], options(box.ws), {
    PIXIR_TEST_ADDED: "yes",
  });
  assert.equal(env.output.text, "yes\n");
});

Deno.test("an argv does not see Pixir's own credentials", async () => {
  await using box = await sandbox();
  const before = Deno.env.get("OPENAI_API_KEY");
  Deno.env.set("OPENAI_API_KEY", "sk-secret");
  try {
    const outcome = await runArgv(["printenv", "OPENAI_API_KEY"], options(box.ws));
    assert.ok(!outcome.output.text.includes("sk-secret"), outcome.output.text);
  } finally {
    if (before === undefined) Deno.env.delete("OPENAI_API_KEY");
    else Deno.env.set("OPENAI_API_KEY", before);
  }
});

Deno.test("an argv is stopped at its timeout, with everything it started", async () => {
  await using box = await sandbox();
  const outcome = await runArgv(["sleep", "30"], options(box.ws, { timeoutMs: 200 }));
  assert.deepEqual(outcome.end, { kind: "timeout" });
  const missing = await runArgv(["no-such-program-pixir"], options(box.ws));
  assert.equal(missing.end.kind, "spawn_failed");
});
