/**
 * Choosing the OS sandbox for shell commands: bubblewrap on Linux, sandbox-exec on macOS, each
 * probed once by running `true` inside it, because being installed is not the same as working
 * (containers often forbid the user namespaces bubblewrap needs). Without one, commands run
 * unsandboxed and the status says why; it never pretends.
 */

import { bubblewrapArgs } from "./bubblewrap.ts";
import type { SandboxLayout } from "./layout.ts";
import { seatbeltArgs } from "./seatbelt.ts";

/** The mechanisms Pixir knows. */
export type SandboxKind = "bubblewrap" | "sandbox-exec";

/** Whether an OS sandbox is in force, and why not when it is not. */
export type SandboxStatus =
  | { active: true; kind: SandboxKind; program: string }
  | { active: false; kind: SandboxKind | null; reason: string };

/** Runs a program to completion; resolves to its exit code, or rejects when it cannot start. */
export type RunProgram = (program: string, args: readonly string[]) => Promise<{
  code: number;
  stderr: string;
}>;

/** The program and arguments of the sandbox for `os`, or null where Pixir has none. */
function mechanismFor(os: typeof Deno.build.os): { kind: SandboxKind; program: string } | null {
  if (os === "linux") return { kind: "bubblewrap", program: "bwrap" };
  if (os === "darwin") return { kind: "sandbox-exec", program: "/usr/bin/sandbox-exec" };
  return null;
}

/** Probes the OS sandbox by running `true` in the tightest layout (no writes, no network). */
export async function probeSandbox(
  os: typeof Deno.build.os,
  run: RunProgram,
  cwd: string,
): Promise<SandboxStatus> {
  const mechanism = mechanismFor(os);
  if (mechanism === null) {
    return { active: false, kind: null, reason: `no OS sandbox is supported on ${os}` };
  }
  const layout: SandboxLayout = { workspace: cwd, writable: [], hidden: [], net: false };
  const args = [...launcherArgs(mechanism.kind, layout), "true"];
  try {
    const { code, stderr } = await run(mechanism.program, args);
    if (code === 0) return { active: true, ...mechanism };
    const detail = stderr.trim().split("\n")[0] || `exit code ${code}`;
    return { active: false, kind: mechanism.kind, reason: `${mechanism.program} fails: ${detail}` };
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? `${mechanism.program} is not installed`
      : `${mechanism.program} cannot start: ${error instanceof Error ? error.message : error}`;
    return { active: false, kind: mechanism.kind, reason };
  }
}

/** The command prefix (program and arguments) that runs a program inside `layout`. */
export function sandboxLauncher(
  status: SandboxStatus & { active: true },
  layout: SandboxLayout,
): string[] {
  const unset = (layout.hiddenEnv ?? []).flatMap((name) => ["-u", name]);
  const sandboxed = [status.program, ...launcherArgs(status.kind, layout)];
  return unset.length === 0 ? sandboxed : ["env", ...unset, ...sandboxed];
}

function launcherArgs(kind: SandboxKind, layout: SandboxLayout): string[] {
  return kind === "bubblewrap" ? bubblewrapArgs(layout) : seatbeltArgs(layout);
}

/** Runs a real program, output captured; the default RunProgram. */
export async function runProgram(
  program: string,
  args: readonly string[],
): Promise<{ code: number; stderr: string }> {
  const output = await new Deno.Command(program, {
    args: [...args],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}
