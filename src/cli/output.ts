/** The `--json` / `--jsonl` choice shared by `run` and `resume`, and failures rendered in it. */

import type { Io } from "../util/io.ts";
import { CliFailure, storageFailure } from "./failure.ts";
import { Failure } from "../app/failure.ts";
import type { Renderer } from "../ui/renderer.ts";
import { jsonRenderer } from "../ui/jsonl.ts";
import { type PlainOptions, plainRenderer } from "../ui/plain.ts";
import { runResult } from "../ui/result.ts";
import { styleFor } from "../ui/style.ts";

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

/** The renderer for a mode; `structured` when the answer must match `--output-schema`. */
export function rendererFor(mode: OutputMode, io: Io, options: PlainOptions = {}): Renderer {
  if (mode === "plain") {
    return plainRenderer(io, styleFor(io.stderr.isTerminal, io.env("NO_COLOR")), options);
  }
  return jsonRenderer(io.stdout, mode === "jsonl");
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
