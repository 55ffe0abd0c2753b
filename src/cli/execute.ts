/**
 * One prompt in one session, shared by `run`, `resume` and `review`: MCP servers start, the
 * session host opens, the turn runs with its events going to the renderer, and the outcome becomes
 * an exit code.
 */

import { dirname } from "node:path";
import type { Io } from "../util/io.ts";
import { CliFailure, EXIT, failureFromProvider, storageFailure } from "./failure.ts";
import { authHint } from "../app/turn_wiring.ts";
import {
  openSessionHost,
  type SessionHost,
  type SessionHostOptions,
  type WorkspaceInputs,
} from "../app/session_host.ts";
import { mcpServersFor } from "../app/turn_wiring.ts";
import type { Session } from "../agent/session.ts";
import type { PixirPaths } from "../config/paths.ts";
import type { Settings } from "../config/settings.ts";
import type { RunCredentials } from "../app/turn_wiring.ts";
import type { TurnOutcome } from "../agent/turn.ts";
import type { ResolvedCredentials } from "../auth/resolve.ts";
import type { Ask } from "../policy/approval.ts";
import type { ReasoningEffort } from "../provider/request.ts";
import type { Renderer } from "../ui/renderer.ts";
import { runResult } from "../ui/result.ts";
import { terminalAsk } from "../ui/terminal_ask.ts";
import { type AnswerOptions, writeLastMessage } from "./answer_flags.ts";
import type { ImageBytes, ImageRef } from "../agent/images.ts";
import { storeImages } from "./image_flags.ts";
import { providerRefusal } from "../config/provider_capabilities.ts";

/** What one execution needs: the host (whose events already go to `renderer`) and the prompt. */
export interface Execution {
  io: Io;
  host: SessionHost;
  prompt: string;
  model: string;
  effort: ReasoningEffort;
  credentials: ResolvedCredentials;
  renderer: Renderer;
  /** The answer text the renderer has been sent, kept by `cliReporters`. */
  streamed: StreamedAnswer;
  /** Whole-run limit in milliseconds (`--timeout`), if any. */
  timeoutMs?: number;
  /** `--output-schema` and `-o`. */
  answer?: AnswerOptions;
  /** Images attached to the prompt (`--image`), already stored in the session's data. */
  images?: readonly ImageRef[];
}

/**
 * The answer text received since the last tool call or retry: what a failed log write must not
 * take away from the person, who has already seen it stream.
 */
export class StreamedAnswer {
  text = "";

  /** Follows one event of the turn. */
  observe(envelope: Parameters<Renderer["event"]>[0]): void {
    if (envelope.type === "text_delta") this.text += envelope.data.delta;
    else if (envelope.type === "tool_started" || envelope.type === "retrying") this.text = "";
  }
}

/** How `run` and `resume` report: events to the renderer, warnings and notices on stderr. */
export function cliReporters(
  io: Io,
  renderer: Renderer,
  streamed: StreamedAnswer,
): Pick<SessionHostOptions, "emit" | "warn" | "notice"> {
  return {
    emit: (envelope) => {
      streamed.observe(envelope);
      return renderer.event(envelope);
    },
    warn: (message) => io.stderr.write(`pixir: warning: ${message}\n`),
    notice: (message) => io.stderr.write(`pixir: ${message}\n`),
  };
}

/** What `executeInHost` opens the host with, and the prompt it then executes. */
export interface HostedExecution
  extends Omit<Execution, "host" | "streamed" | "images" | "credentials">, WorkspaceInputs {
  paths: PixirPaths;
  settings: Settings;
  credentials: RunCredentials;
  workspace: string;
  stopAtQuota?: number;
  waitForResetMs?: number;
  /** Images read and checked (`--image`), stored once the session exists. */
  pending: readonly ImageBytes[];
  /** Opens the session the prompt runs in: a new one, or one opened already and adopted. */
  session(host: SessionHost): Promise<Session>;
  /**
   * Only these tools are offered (review's read-only set), and no MCP server is started; default:
   * every tool, and the configured MCP servers.
   */
  toolNames?: readonly string[];
}

/**
 * The whole of `run`, `resume` and `review` after their flags: refuses what the provider cannot
 * take, starts the MCP servers, opens the host, keeps the images in the session, executes the
 * prompt, and closes everything again. Returns the exit code.
 */
export async function executeInHost(x: HostedExecution): Promise<number> {
  const refusal = providerRefusal(x.credentials.modelProvider, {
    structuredOutput: x.answer?.schema !== undefined,
    images: x.pending.length > 0,
  });
  if (refusal) throw new CliFailure("usage", refusal.message, { hint: refusal.hint });
  const streamed = new StreamedAnswer();
  const warn = (message: string) => x.io.stderr.write(`pixir: warning: ${message}\n`);
  // MCP servers start before the session, so one that fails is named on stderr first.
  const mcp = x.toolNames === undefined
    ? await mcpServersFor(x.io, x.settings, x.workspace, warn)
    : undefined;
  try {
    // The renderer is attached before the session exists, so it sees its very first event.
    const host = await openSessionHost({
      io: x.io,
      paths: x.paths,
      settings: x.settings,
      credentials: x.credentials,
      workspace: x.workspace,
      stopAtQuota: x.stopAtQuota,
      waitForResetMs: x.waitForResetMs,
      withContext: x.withContext,
      patch: x.patch,
      ...cliReporters(x.io, x.renderer, streamed),
      mcp,
      toolNames: x.toolNames,
    });
    try {
      const session = await x.session(host);
      // Images are kept in the session's data, so the session exists before they are stored.
      const images = await storeImages(session.path, x.pending);
      return await execute({ ...x, host, streamed, images });
    } finally {
      host.close();
    }
  } finally {
    await mcp?.close();
  }
}

/** Runs the prompt to an outcome, renders it, and returns the exit code. */
export async function execute(x: Execution): Promise<number> {
  const controller = new AbortController();
  let stopReason: "sigint" | "sigterm" | "timeout" | undefined;
  const stop = (reason: "sigint" | "sigterm" | "timeout") => {
    // A second Ctrl+C while the first is being handled leaves at once.
    if (stopReason === "sigint" && reason === "sigint") x.io.exit(EXIT.interrupted);
    stopReason = reason;
    // The turn records "sigint"/"sigterm" as the interruption's reason, anything else as "aborted".
    controller.abort(reason);
  };
  const unlisten = [
    x.io.onSignal("SIGINT", () => stop("sigint")),
    x.io.onSignal("SIGTERM", () => stop("sigterm")),
  ];
  const timer = x.timeoutMs === undefined
    ? undefined
    : setTimeout(() => stop("timeout"), x.timeoutMs);

  let outcome: TurnOutcome;
  try {
    outcome = await x.host.turn({
      prompt: x.prompt,
      model: x.model,
      effort: x.effort,
      ask: askFor(x.io),
      signal: controller.signal,
      outputFormat: x.answer?.schema?.format,
      images: x.images,
    });
  } catch (error) {
    // A full disk or a read-only home mid-turn: the turn cannot go on, but what was received
    // is shown, and the log keeps every event written before the failed one.
    const session = x.host.session;
    const failure = storageFailure(error, session ? dirname(session.path) : undefined);
    if (failure === undefined) throw error;
    await x.renderer.finish(
      runResult({ sessionId: session?.id ?? null, answer: x.streamed.text, failure }),
      session ? resumeHint(session.id) : undefined,
    );
    return failure.exitCode;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    for (const off of unlisten) off();
  }

  const session = x.host.session!;
  const context = await x.host.context(x.model) ?? undefined;
  const hint = resumeHint(session.id);
  // The final answer, when the turn reached one.
  const finished = outcome.status === "answered" || outcome.status === "incomplete"
    ? outcome.answer
    : undefined;
  let failure = failureOf(outcome, stopReason, x);
  let output: { value: unknown } | undefined;
  if (finished !== undefined && x.answer?.lastMessageFile) {
    await writeLastMessage(x.answer.lastMessageFile, finished).catch((error) => {
      failure ??= error instanceof CliFailure ? error : new CliFailure("io", String(error));
    });
  }
  if (finished !== undefined && failure === undefined && x.answer?.schema) {
    const check = x.answer.schema.check(finished);
    if (check.ok) output = { value: check.value };
    else {
      failure = new CliFailure("schema_mismatch", check.message, {
        details: { reason: check.reason, errors: check.errors },
        hint: "the answer is kept in the session; see it with `pixir export " + session.id + "`",
      });
    }
  }
  await x.renderer.finish(
    runResult({
      sessionId: session.id,
      answer: outcome.status === "failed" ? undefined : outcome.answer,
      usage: outcome.usage,
      citations: outcome.status === "answered" ? outcome.citations : undefined,
      context,
      incomplete: outcome.status === "incomplete",
      failure,
      output,
    }),
    hint,
  );
  return failure?.exitCode ?? EXIT.ok;
}

function resumeHint(id: string): string {
  return `session ${id} · continue with: pixir resume ${id} "…"`;
}

/** How the turn's outcome fails the run, if it does: timed out, interrupted, or failed. */
function failureOf(
  outcome: TurnOutcome,
  stopReason: "sigint" | "sigterm" | "timeout" | undefined,
  x: Execution,
): CliFailure | undefined {
  switch (outcome.status) {
    case "answered":
    case "incomplete":
      return undefined;
    case "interrupted":
      return stopReason === "timeout"
        ? new CliFailure("timeout", `timed out after ${(x.timeoutMs ?? 0) / 1000} s`)
        : new CliFailure("interrupted", "interrupted");
    case "failed":
      return outcome.error.kind === "iteration_cap"
        ? new CliFailure("iteration_cap", outcome.error.message)
        : failureFromProvider(outcome.error, authHint(x.credentials));
  }
}

/**
 * A terminal question when a person is at both stdin and stderr; otherwise none, so commands that
 * need approval are denied at once and the run never waits.
 */
function askFor(io: Io): Ask | undefined {
  if (!io.stdin.isTerminal || !io.stderr.isTerminal) return undefined;
  return terminalAsk({
    readKey: (signal) => io.stdin.readKey(signal),
    readLine: (signal) => io.stdin.readLine(signal),
    write: (text) => io.stderr.write(text),
  });
}
