/** `pixir doctor`: is this installation able to work, and if not, what fixes it. */

import { textFor } from "../ui/terminal_text.ts";
import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { EXIT } from "./failure.ts";
import type { CheckResult } from "../doctor/check.ts";
import { type DoctorReport, doctorReport } from "../doctor/report.ts";
import {
  approvalLayer,
  confinementLayer,
  osSandboxLayer,
  type SandboxLayer,
  workerLayer,
  type WorkerProbe,
} from "../doctor/sandbox.ts";
import type { Io } from "../util/io.ts";
import { pathsFrom, resolveWorkspace } from "./inputs.ts";
import { runPolicy } from "../app/run_policy.ts";
import { fileAccess } from "../policy/policy.ts";
import { probeSandbox, runProgram } from "../sandbox/os_sandbox.ts";
import { FileToolWorker, startDenoWorker } from "../tools/file_worker.ts";
import { currentRuntime, sandboxedStarter } from "../app/file_tools_child.ts";
import { probeConfinement } from "../tools/confined_file.ts";
import { DEFAULT_TOOL_TIMEOUT_MS, SettingsError } from "../config/settings.ts";
import { loadSettings } from "../config/resolver.ts";
import { PIXIR_PERMISSIONS } from "../config/permission_set.ts";
import { VERSION } from "../version.ts";

const FLAGS = {
  json: { type: "boolean" },
  offline: { type: "boolean" },
  cwd: { type: "string", short: "C" },
} as const;

/** How long one endpoint may take to answer. */
const PROBE_TIMEOUT_MS = 5_000;

/** The `doctor` command. */
export const doctorCommand: Command = {
  name: "doctor",
  summary: "check the installation: permissions, folders, sign-in, sandbox, network",
  help: `Usage: pixir doctor [--json] [--offline]

Checks that Pixir can work here and says how to fix what is wrong: the version and platform; each
Deno permission, granted or not, against the set Pixir is built with; the config and data folders
and their modes; the sign-in (as \`pixir status\` shows it); the active sandbox layers; and whether
the sign-in issuer, the ChatGPT backend and the Responses API answer (PIXIR_AUTH_ISSUER,
PIXIR_CHATGPT_BASE_URL, OPENAI_BASE_URL; ${PROBE_TIMEOUT_MS / 1000} s each).

Errors (exit 1): a needed permission not granted, an invalid setting, a Pixir folder that is not a
folder, an unreadable auth.json or one others can read, an endpoint that does not answer.
Warnings (exit unaffected): not signed in, a config folder others can read, a permission granted
that Pixir does not need.

Flags:
      --json           print the report as one JSON object: {v, ok, version, platform, checks:
                       [{id, group, status ("ok"|"warn"|"error"|"skip"), summary, fix?, details?}]}
      --offline        skip the network checks
  -C, --cwd DIR        check the sandbox layers for this workspace (default: the current directory)
  -h, --help           show this help

Example:
  pixir doctor --offline --json | jq '.checks[] | select(.status != "ok")'
`,
  async run(argv, io) {
    const { values } = parseFlags(doctorCommand, argv, FLAGS);
    const report = await doctorReport({
      version: VERSION,
      platform: {
        os: io.os,
        arch: Deno.build.arch,
        target: Deno.build.target,
        deno: Deno.version.deno,
      },
      env: io.env,
      permissions: PIXIR_PERMISSIONS,
      queryPermission: async (descriptor) => (await Deno.permissions.query(descriptor)).state,
      sandboxLayers: await sandboxLayers(io, values.cwd ?? "."),
      fetch: io.fetch,
      now: io.now,
      timeoutMs: PROBE_TIMEOUT_MS,
      offline: values.offline === true,
      cwd: io.cwd,
    });
    if (values.json) await io.stdout.write(JSON.stringify(report) + "\n");
    // Summaries quote paths and servers' words: on a terminal they are shown, never obeyed.
    else await io.stdout.write(textFor(io.stdout, describe(report)));
    return report.ok ? EXIT.ok : EXIT.runtime;
  },
};

const MARK: Record<CheckResult["status"], string> = {
  ok: "ok",
  warn: "warn",
  error: "ERROR",
  skip: "skip",
};

function describe(report: DoctorReport): string {
  const lines: string[] = [];
  let group = "";
  for (const c of report.checks) {
    if (c.group !== group) {
      group = c.group;
      lines.push(group);
    }
    lines.push(`  ${MARK[c.status].padEnd(6)}${c.id.padEnd(22)}${c.summary}`);
    if (c.fix) lines.push(`  ${"".padEnd(28)}fix: ${c.fix}`);
  }
  const count = (status: CheckResult["status"]) =>
    report.checks.filter((c) => c.status === status).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  lines.push("", `${plural(count("error"), "error")}, ${plural(count("warn"), "warning")}`);
  return lines.join("\n") + "\n";
}

/** The security layers as they stand for the workspace under its saved policy. */
async function sandboxLayers(io: Io, dir: string): Promise<SandboxLayer[]> {
  const workspace = await resolveWorkspace(dir, io.cwd);
  const run = await runPolicy(pathsFrom(io), workspace, {});
  const access = fileAccess(run.policy, workspace, run.hidden);
  let worker: Promise<WorkerProbe> | undefined;
  const started = () => worker ??= probeWorker(io, workspace, access);
  const confinement = async () => {
    const probe = await started();
    return { ...await probeConfinement(), sandboxed: probe.started && probe.sandboxed };
  };
  return [
    confinementLayer(confinement, toolTimeout(io)),
    workerLayer(started),
    approvalLayer(io.stdin.isTerminal && io.stderr.isTerminal),
    osSandboxLayer(() => probeSandbox(io.os, runProgram, workspace)),
  ];
}

/** The file tools' time limit; an invalid setting is reported by the settings check instead. */
function toolTimeout(io: Io): number {
  try {
    return loadSettings(io.env).toolTimeoutMs;
  } catch (error) {
    if (error instanceof SettingsError) return DEFAULT_TOOL_TIMEOUT_MS;
    throw error;
  }
}

/**
 * Starts the file tools with the run's permissions — in the bubblewrap child where it works, as a
 * run would — and calls `ls` once.
 */
async function probeWorker(
  io: Io,
  workspace: string,
  access: ReturnType<typeof fileAccess>,
): Promise<WorkerProbe> {
  let sandboxed = false;
  const worker = new FileToolWorker({
    workspace,
    access,
    start: sandboxedStarter(
      {
        sandbox: () => probeSandbox(io.os, runProgram, workspace),
        workspace,
        access,
        runtime: currentRuntime(),
      },
      startDenoWorker,
      (child) => sandboxed = child,
    ),
  });
  try {
    const result = await worker.call("ls", "{}", new AbortController().signal);
    if (!result.ok && result.error.message.includes("crashed")) {
      return { started: false, reason: result.error.message };
    }
    const granted = await worker.permissions();
    return {
      started: true,
      readRoots: granted.read.length,
      writeRoots: granted.write.length,
      sandboxed,
    };
  } finally {
    worker.close();
  }
}
