/**
 * The OS sandbox around shell commands, through the real CLI with the model's commands scripted:
 * Pixir's folders are hidden even before they exist, a command cannot read Pixir's environment
 * from /proc, and stopping a command stops everything it started — with bubblewrap, and the clear
 * degraded mode without it.
 */

// deno-lint-ignore-file no-console
import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { pathWithout } from "../harness/path_without.ts";
import { probeSandbox, runProgram } from "../../src/sandbox/os_sandbox.ts";
import { API_KEY, inputOf, type Sandbox, sandbox } from "./helpers.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";

/** Whether bubblewrap works on this machine; tests that need it say so and stop when not. */
async function bubblewrapWorks(): Promise<boolean> {
  const status = await probeSandbox(Deno.build.os, runProgram, Deno.cwd());
  if (!status.active) console.log(`skipped: no working bubblewrap here (${status.reason})`);
  return status.active && status.kind === "bubblewrap";
}

/** A model that runs `command` in bash, then answers. */
function bashThenAnswer(command: string, timeoutSeconds?: number) {
  const args = timeoutSeconds === undefined
    ? { command }
    : { command, timeout_seconds: timeoutSeconds };
  return startResponsesServer({
    script: [
      { sse: toolCallAnswer({ name: "bash", arguments: JSON.stringify(args), callId: "c1" }) },
      { sse: textAnswer("Done.") },
    ],
  });
}

function bashOutput(requests: readonly RecordedRequest[]): string {
  const item = inputOf(requests[requests.length - 1]).find((entry) =>
    entry.type === "function_call_output"
  );
  assert.ok(item, "the command's result reached the model");
  return String(item.output);
}

/** PATH without bwrap on it, for the degraded runs. */
async function noBubblewrap(box: Sandbox): Promise<string> {
  const bin = join(box.root, "bin");
  await Deno.mkdir(bin);
  return await pathWithout("bwrap", bin);
}

const PLANT = [
  'mkdir -p "$HOME/.config/pixir"',
  `printf '{"version":1,"workspaces":{}}' > "$HOME/.config/pixir/permissions.json"`,
  "echo planted",
].join(" && ");

Deno.test("with XDG defaults and no ~/.config/pixir yet, a sandboxed command cannot create Pixir's permissions.json", async () => {
  if (!(await bubblewrapWorks())) return;
  await using box = await sandbox();
  await using server = bashThenAnswer(PLANT);
  const config = join(box.workspace, ".config", "pixir");

  // The workspace is $HOME, so it is writable inside the sandbox; no PIXIR_HOME, no XDG_*.
  const result = await box.run(["run", "--allow-run", "plant a rule"], {
    server,
    env: { PIXIR_HOME: "", HOME: box.workspace },
  });

  assert.equal(result.code, 0, result.stderr);
  assert.ok(
    !(await Deno.stat(join(config, "permissions.json")).then(() => true, () => false)),
    `permissions.json was planted: ${bashOutput(server.requests)}`,
  );
  const info = await Deno.stat(config);
  assert.ok(info.isDirectory, "Pixir made its config folder before the sandbox started");
  assert.equal(info.mode! & 0o777, 0o700);
});

Deno.test("without bubblewrap, the run says shell commands are not sandboxed, and why", async () => {
  await using box = await sandbox();
  await using server = bashThenAnswer("echo hi");
  const result = await box.run(["run", "--allow-run", "say hi"], {
    server,
    env: { PATH: await noBubblewrap(box) },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /pixir: shell commands run without an OS sandbox: bwrap is not installed/,
  );
  assert.equal(bashOutput(server.requests), "hi\nexit code: 0");
});

Deno.test("a sandboxed command sees only its own processes, never Pixir's environment", async () => {
  if (!(await bubblewrapWorks())) return;
  await using box = await sandbox();
  const command =
    "cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c '^OPENAI_API_KEY=' ; ls /proc | grep -c '^[0-9]'";
  await using server = bashThenAnswer(command);

  const result = await box.run(["run", "--allow-run", "look around"], { server });

  assert.equal(result.code, 0, result.stderr);
  const output = bashOutput(server.requests);
  assert.ok(!output.includes(API_KEY));
  const [keys, processes] = output.split("\n").map(Number);
  assert.equal(keys, 0, output);
  assert.ok(processes < 10, `only the command's own processes are visible: ${output}`);
});

/**
 * The /proc entries of running processes whose command line holds `marker`, a number such as
 * "23.101" (found by one grep: Deno may not list /proc, and a process per entry is slow; the
 * pattern is written so that grep's own command line does not match it).
 */
async function processesWith(marker: string): Promise<string[]> {
  const { stdout } = await new Deno.Command("bash", {
    args: ["-c", `grep -l -a -e '${marker.replaceAll(".", "[.]")}' /proc/[0-9]*/cmdline`],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(stdout).split("\n").filter((line) => line !== "");
}

async function assertAllGone(markers: readonly string[]): Promise<void> {
  let left: string[] = [];
  for (let i = 0; i < 60; i++) {
    left = (await Promise.all(markers.map(processesWith))).flat();
    if (left.length === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`processes the command started are still running: ${left.join("; ")}`);
}

Deno.test("a timeout stops everything a sandboxed command started, detached ones included", async () => {
  if (!(await bubblewrapWorks())) return;
  await using box = await sandbox();
  const command = "(sleep 23.101 &) ; setsid sleep 23.102 & sleep 23.103 & echo started; wait";
  await using server = bashThenAnswer(command, 1);

  const result = await box.run(["run", "--allow-run", "start things"], {
    server,
    timeoutMs: 30_000,
  });

  assert.equal(result.code, 0, result.stderr);
  assert.match(bashOutput(server.requests), /started/);
  await assertAllGone(["23.101", "23.102", "23.103"]);
});

Deno.test("Ctrl+C stops everything a sandboxed command started", async () => {
  if (!(await bubblewrapWorks())) return;
  await using box = await sandbox();
  const command = "(sleep 24.101 &) ; setsid sleep 24.102 & sleep 24.103 & echo started; wait";
  await using server = bashThenAnswer(command);

  const result = await box.run(["run", "--allow-run", "start things"], {
    server,
    // Once the command has had time to start its processes.
    signalAfter: {
      signal: "SIGINT",
      when: (stderr) => stderr.includes("→ bash"),
      delayMs: 1500,
    },
    timeoutMs: 30_000,
  });

  assert.equal(result.code, 130, result.stderr);
  await assertAllGone(["24.101", "24.102", "24.103"]);
});
