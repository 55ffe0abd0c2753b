/**
 * `pixir doctor`: which security layers are active on this machine, for this workspace — checked
 * by exercising each one (a file tool call in the Worker, `true` in the OS sandbox), not assumed.
 */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { EXIT } from "./failure.ts";
import { pathsFrom, resolveWorkspace } from "./inputs.ts";
import type { Io } from "./io.ts";
import { runPolicy } from "./run_policy.ts";
import { describePolicy, fileAccess } from "../policy/policy.ts";
import { probeSandbox, runProgram, type SandboxStatus } from "../sandbox/os_sandbox.ts";
import { FileToolWorker } from "../tools/file_worker.ts";

const FLAGS = {
  json: { type: "boolean" },
  cwd: { type: "string", short: "C" },
} as const;

/** One layer's state. */
interface Layer {
  name: string;
  active: boolean;
  detail: string;
}

/** The main process's Deno permissions, as granted by the permission set it runs with. */
type MainPermissions = Record<"read" | "write" | "net" | "env" | "run" | "sys" | "ffi", string>;

/** The `doctor` command. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "show which security layers are active here",
  help: `Usage: pixir doctor [--json] [--cwd DIR]

Checks each security layer for the workspace (see "Security model" in the README): workspace
confinement, the file tools' permission-scoped Worker, shell approval, and the OS sandbox for
shell commands (bubblewrap on Linux, sandbox-exec on macOS), plus the main process's own Deno
permissions as Deno reports them ("granted"; "prompt" means not granted in full — Pixir runs with
--no-prompt, so nothing is ever asked). Exit 0 whatever is found.

Flags:
      --json           print one JSON object: {v, workspace, policy, hidden, layers, main_permissions}
  -C, --cwd DIR        the workspace (default: the current directory)
  -h, --help           show this help

Example:
  pixir doctor --json | jq '.layers[] | select(.active | not)'
`,
  async run(argv, io) {
    const { values } = parseFlags("doctor", argv, FLAGS);
    const workspace = await resolveWorkspace(values.cwd ?? ".", io.cwd);
    const run = await runPolicy(pathsFrom(io), workspace, {});
    const sandbox = await probeSandbox(io.os, runProgram, workspace);
    const layers: Layer[] = [
      {
        name: "workspace_confinement",
        active: true,
        detail:
          "file tool paths are resolved (symlinks followed) and must stay in the granted roots",
      },
      await workerLayer(workspace, fileAccess(run.policy, workspace, run.hidden)),
      {
        name: "shell_approval",
        active: true,
        detail: interactive(io)
          ? "commands off the safe list are asked about at this terminal"
          : "commands off the safe list are denied unless allowed (no terminal to ask)",
      },
      sandboxLayer(sandbox),
    ];
    const main = await mainPermissions();
    if (values.json) {
      await io.stdout.write(`${
        JSON.stringify({
          v: 1,
          workspace,
          policy: describePolicy(run.policy),
          hidden: run.hidden,
          layers,
          main_permissions: main,
        })
      }\n`);
      return EXIT.ok;
    }
    const lines = layers.map((l) => `${l.active ? "✓" : "✗"} ${l.name.padEnd(22)} ${l.detail}`);
    await io.stdout.write(
      `workspace: ${workspace}\npolicy:    ${describePolicy(run.policy).join(" ")}\n` +
        `hidden:    ${run.hidden.join(", ")}\n\n${lines.join("\n")}\n\nmain process permissions: ${
          Object.entries(main).map(([k, v]) => `${k}=${v}`).join(" ")
        }\n`,
    );
    return EXIT.ok;
  },
};

/** Runs one `ls` in a Worker with the run's permissions: active when it answers. */
async function workerLayer(
  workspace: string,
  access: ReturnType<typeof fileAccess>,
): Promise<Layer> {
  const worker = new FileToolWorker({ workspace, access });
  try {
    const result = await worker.call("ls", "{}", new AbortController().signal);
    const crashed = !result.ok && result.error.message.includes("crashed");
    const permissions = await worker.permissions();
    return {
      name: "worker_permissions",
      active: !crashed,
      detail: crashed
        ? `the file tool Worker does not start: ${result.ok ? "" : result.error.message}`
        : `file tools run in a Worker that may read ${permissions.read.length} and write ${permissions.write.length} path(s), no net, env, run, sys or ffi`,
    };
  } finally {
    worker.close();
  }
}

function sandboxLayer(status: SandboxStatus): Layer {
  return {
    name: "os_sandbox",
    active: status.active,
    detail: status.active
      ? `shell commands run in ${status.kind} (${status.program})`
      : `shell commands run without an OS sandbox: ${status.reason}`,
  };
}

function interactive(io: Io): boolean {
  return io.stdin.isTerminal && io.stderr.isTerminal;
}

/** What the permission set of this process grants, queried without prompting. */
async function mainPermissions(): Promise<MainPermissions> {
  const names = ["read", "write", "net", "env", "run", "sys", "ffi"] as const;
  const states = await Promise.all(
    names.map((name) => Deno.permissions.query({ name }).then((status) => status.state)),
  );
  return Object.fromEntries(names.map((name, i) => [name, states[i]])) as MainPermissions;
}
