/** The `--json` / `--jsonl` choice shared by `run` and `resume`, and failures rendered in it. */

import type { Io } from "../util/io.ts";
import { CliFailure, storageFailure } from "./failure.ts";
import { Failure } from "../app/failure.ts";
import type { Renderer } from "../ui/renderer.ts";
import { jsonRenderer } from "../ui/jsonl.ts";
import { type PlainOptions, plainRenderer } from "../ui/plain.ts";
import { runResult } from "../ui/result.ts";
import { styleFor } from "../ui/style.ts";
import { outputQueue } from "../util/output_queue.ts";
import type { Command } from "./command.ts";

/** How a run reports: plain text, one final JSON object, or a JSONL event stream. */
export type OutputMode = "plain" | "json" | "jsonl";

/** Flag definitions for the output mode. */
export const OUTPUT_FLAGS = {
  json: { type: "boolean" },
  jsonl: { type: "boolean" },
} as const;

/** The mode the flags ask for; both at once is bad usage. */
export function outputMode(flags: { json?: boolean; jsonl?: boolean }): OutputMode {
  if (flags.json && flags.jsonl) {
    throw new CliFailure("usage", "--json and --jsonl cannot be combined");
  }
  return flags.json ? "json" : flags.jsonl ? "jsonl" : "plain";
}

/** Guesses the mode from raw argv, for failures that happen before the flags parse. */
export function outputModeFromArgv(argv: string[]): OutputMode {
  if (argv.includes("--jsonl")) return "jsonl";
  return argv.includes("--json") ? "json" : "plain";
}

/**
 * The renderer for a mode; `structured` when the answer must match `--output-schema`. `--json`
 * keeps the human progress (tool activity, retries, errors, the resume hint) on stderr beside its
 * one line on stdout; `--jsonl` already carries every event.
 */
export function rendererFor(mode: OutputMode, io: Io, options: PlainOptions = {}): Renderer {
  const style = styleFor(io.stderr.isTerminal, io.env("NO_COLOR"));
  if (mode === "plain") return plainRenderer(io, style, options);
  const json = jsonRenderer(io.stdout, mode === "jsonl");
  if (mode === "jsonl") return json;
  const progress = plainRenderer(io, style, { answer: false });
  return {
    async event(envelope) {
      await progress.event(envelope);
      await json.event(envelope);
    },
    async finish(result, hint) {
      await json.finish(result, hint);
      await progress.finish(result, hint);
    },
  };
}

/** Reports a failure that happened before any session existed; returns its exit code. */
export async function renderEarlyFailure(
  mode: OutputMode,
  io: Io,
  error: unknown,
): Promise<number> {
  const failure = error instanceof Failure ? CliFailure.from(error) : storageFailure(error);
  if (failure === undefined) throw error;
  await rendererFor(mode, io).finish(runResult({ sessionId: null, failure }));
  return failure.exitCode;
}

/**
 * `command` with its stdout and stderr writes queued in order and drained in as few writes as
 * possible (a streamed answer is thousands of deltas); everything is written before the command's
 * exit code is returned, and what is still queued when the process must end at once (a second
 * Ctrl+C) is written before it ends. A closed pipe fails the command as a failed write would.
 */
export function withQueuedOutput(command: Command): Command {
  return {
    ...command,
    async run(argv, io) {
      const queue = outputQueue(io.stdout, io.stderr);
      const queued: Io = {
        ...io,
        stdout: queue.stdout,
        stderr: queue.stderr,
        exit: (code) => {
          queue.flushSync();
          return io.exit(code);
        },
      };
      let code: number;
      try {
        code = await command.run(argv, queued);
      } catch (error) {
        // The command's own failure is what is reported; a closed pipe fails it as well.
        await queue.flush().catch(() => undefined);
        throw error;
      }
      await queue.flush();
      return code;
    },
  };
}
