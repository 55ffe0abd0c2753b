/** The `bash` tool: run a shell command in the workspace and report its output and exit code. */

import type { JsonSchema } from "../provider/request.ts";
import type { Tool, ToolContext, ToolError, ToolResult } from "./tool.ts";
import { validateArguments } from "./arguments.ts";
import { fail } from "./failure.ts";
import { DEFAULT_OUTPUT_LIMITS, formatBytes, type OutputLimits } from "./truncation.ts";
import { type Invocation, runCommand } from "./shell.ts";

interface BashArguments {
  command: string;
  timeout_seconds?: number;
}

/** Seconds a command may run when the model does not say. */
const DEFAULT_TIMEOUT_SECONDS = 120;

/** The longest a command may run; larger requests are capped. */
const MAX_TIMEOUT_SECONDS = 600;

/**
 * Decides, before a command runs, whether it may run and how it is launched (inside an OS sandbox,
 * or directly when `launcher` is empty; through bash, or as a bare argv); a refusal is the call's
 * result.
 */
export type ShellGate = (
  command: string,
  ctx: ToolContext,
) => Promise<
  | { ok: true; launcher: readonly string[]; invocation: Invocation }
  | { ok: false; error: ToolError }
>;

/** What the bash tool needs from its environment; tests replace these. */
export interface BashOptions {
  /** Approval and sandboxing of each command. Default: every command runs, unsandboxed. */
  gate?: ShellGate;
  /** The bash executable. Default: `bash` from PATH. */
  shell?: string;
  /** Kill the command's whole process group. Default: on, except on Windows. */
  processGroup?: boolean;
  /** Milliseconds between SIGTERM and SIGKILL. Default: 2000. */
  killGraceMs?: number;
  /** Milliseconds to wait for the output to close after the shell is gone. Default: 500. */
  drainMs?: number;
  /** Output bounds. Default: DEFAULT_OUTPUT_LIMITS. */
  limits?: Partial<OutputLimits>;
}

const parameters: JsonSchema = {
  type: "object",
  properties: {
    command: { type: "string", description: "The bash script to run, e.g. `deno test -A`." },
    timeout_seconds: {
      type: "number",
      minimum: 1,
      description: `Seconds before the command is killed. Default: ${DEFAULT_TIMEOUT_SECONDS}, ` +
        `at most ${MAX_TIMEOUT_SECONDS}.`,
    },
  },
  required: ["command"],
  additionalProperties: false,
};

const { maxLines, maxBytes } = DEFAULT_OUTPUT_LIMITS;

const description = [
  "Run a command with `bash -c` in the workspace root directory and return its combined stdout",
  "and stderr, then `exit code: N`. A failing command is a normal result: read its output.",
  "Use it for builds, tests, git and anything the file tools cannot do; prefer read, grep, find",
  "and ls to look at files. stdin is closed, so interactive programs fail: pass flags such as",
  `--yes. The command is killed after timeout_seconds (default ${DEFAULT_TIMEOUT_SECONDS},`,
  `max ${MAX_TIMEOUT_SECONDS}). Output beyond ${maxLines} lines or ${formatBytes(maxBytes)} is`,
  "cut in the middle, keeping the start and the end. Background processes still attached to the",
  "output when the command ends are stopped; redirect their output (`cmd > log 2>&1 &`) to keep",
  "them running. Commands other than plain read-only ones may need the user's approval; a refusal",
  "comes back as a `denied` error with the reason: do not retry the same command, adapt instead.",
].join(" ");

/** The time limit a command runs under: the requested one (default 120 s), capped at 600 s. */
export function timeoutSecondsFor(requested: number | undefined): number {
  return Math.min(requested ?? DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS);
}

/** A `bash` tool with the given environment. */
export function createBashTool(options: BashOptions = {}): Tool {
  const shellOptions = {
    shell: options.shell ?? "bash",
    processGroup: options.processGroup ?? Deno.build.os !== "windows",
    killGraceMs: options.killGraceMs ?? 2000,
    drainMs: options.drainMs ?? 500,
    limits: options.limits ?? DEFAULT_OUTPUT_LIMITS,
  };
  return {
    name: "bash",
    description,
    parameters,
    async run(args: unknown, ctx: ToolContext): Promise<ToolResult> {
      const validated = validateArguments<BashArguments>(parameters, args);
      if (!validated.ok) return validated;
      const { command } = validated.value;
      const seconds = timeoutSecondsFor(validated.value.timeout_seconds);
      const gate = await (options.gate?.(command, ctx) ??
        { ok: true as const, launcher: [], invocation: { kind: "shell" as const } });
      if (!gate.ok) return { ok: false, error: gate.error };
      const outcome = await runCommand(command, gate.invocation, {
        ...shellOptions,
        launcher: gate.launcher,
        cwd: ctx.workspace,
        timeoutMs: seconds * 1000,
        signal: ctx.signal,
      });
      const output = outcome.output.text;
      const truncated = outcome.output.omission !== null;
      switch (outcome.end.kind) {
        case "spawn_failed":
          return fail("io", outcome.end.message);
        case "timeout":
          return fail("timeout", `The command timed out after ${seconds} s and was killed.`, {
            timeout_seconds: seconds,
            output,
            truncated,
          });
        case "aborted":
          return fail("aborted", "The command was aborted and killed.", { output, truncated });
        case "exited": {
          const { code, signal } = outcome.end;
          const status = signal === null ? `exit code: ${code}` : `killed by signal ${signal}`;
          const note = outcome.stoppedBackground
            ? "\n[background processes still holding the output were stopped]"
            : "";
          const body = output === ""
            ? "(no output)\n"
            : output.endsWith("\n")
            ? output
            : `${output}\n`;
          return {
            ok: true,
            output: `${body}${status}${note}`,
            details: { exit_code: code, signal, truncated },
          };
        }
      }
    },
  };
}
