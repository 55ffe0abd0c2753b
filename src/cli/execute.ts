/**
 * One prompt in one session, shared by `run` and `resume`: the turn is built from the shared turn
 * wiring, its events go to the renderer, and the outcome becomes an exit code.
 */

import { dirname } from "node:path";
import type { Io } from "../util/io.ts";
import { CliFailure, EXIT, failureFromProvider, storageFailure } from "./failure.ts";
import { authHint, catalogFor, sandboxProbe, turnWiring } from "./turn_wiring.ts";
import { type RunPolicy, runPolicy } from "./run_policy.ts";
import type { PolicyPatch } from "../policy/policy.ts";
import { projectContextFor } from "./project_context.ts";
import type { PixirPaths } from "../config/paths.ts";
import { quotaFilePath } from "../quota/store.ts";
import { quotaAlertsPath } from "../quota/alerts.ts";
import { modelCatalogPath } from "../provider/model_catalog.ts";
import type { Session } from "../agent/session.ts";
import { runTurn, type TurnOutcome } from "../agent/turn.ts";
import { baseInstructions } from "../agent/prompt.ts";
import { contextUsage } from "../agent/context_usage.ts";
import type { ContextFile } from "../agent/project_context.ts";
import type { RunCredentials } from "./inputs.ts";
import type { ReasoningEffort } from "../provider/request.ts";
import type { Settings } from "../config/settings.ts";
import type { Renderer } from "../ui/renderer.ts";
import { runResult } from "../ui/result.ts";

/** What one execution needs beyond the session itself. */
export interface Execution {
  io: Io;
  session: Session;
  prompt: string;
  model: string;
  effort: ReasoningEffort;
  /** Real path of the workspace the tools are confined to. */
  workspace: string;
  settings: Settings;
  credentials: RunCredentials;
  renderer: Renderer;
  /** Whole-run limit in milliseconds (`--timeout`), if any. */
  timeoutMs?: number;
  /** True for a session created for this run: its opening events are rendered too. */
  fresh: boolean;
  /** Where the latest quota snapshot is kept. */
  quotaFile: string;
  /** Where the quota warnings already given are kept. */
  quotaAlertsFile: string;
  /** `--stop-at-quota`: no request is sent once a window is at or above this percentage. */
  stopAtQuota?: number;
  /** `--wait-for-reset`: the longest wait for a usage limit's reset, in ms; none without it. */
  waitForResetMs?: number;
  /** The subscription's cached model list, read (never fetched) for the context figures. */
  modelCatalogFile: string;
  /** The `AGENTS.md` files sent with the instructions (none with `--no-context`). */
  projectContext: readonly ContextFile[];
  /** What the tools may do. */
  policy: RunPolicy;
}

/** The parts of an execution that come from Pixir's folders for the workspace and its policy. */
export type WorkspaceSetup = Pick<
  Execution,
  "quotaFile" | "quotaAlertsFile" | "modelCatalogFile" | "projectContext" | "policy"
>;

/** Reads what `run` and `resume` need from Pixir's folders: caches, AGENTS.md, the policy. */
export async function workspaceSetup(
  io: Io,
  paths: PixirPaths,
  workspace: string,
  options: { withContext: boolean; patch: PolicyPatch },
): Promise<WorkspaceSetup> {
  return {
    quotaFile: quotaFilePath(paths),
    quotaAlertsFile: quotaAlertsPath(paths),
    modelCatalogFile: modelCatalogPath(paths.dataDir),
    projectContext: await projectContextFor(io, paths.configDir, workspace, options.withContext),
    policy: await runPolicy(paths, workspace, options.patch),
  };
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

  // The answer text received since the last tool call or retry: what a failed log write must
  // not take away from the person, who has already seen it stream.
  let streamed = "";
  const emit = (envelope: Parameters<Renderer["event"]>[0]) => {
    if (envelope.type === "text_delta") streamed += envelope.data.delta;
    else if (envelope.type === "tool_started" || envelope.type === "retrying") streamed = "";
    return x.renderer.event(envelope);
  };
  let outcome: TurnOutcome;
  let close = () => {};
  try {
    if (x.fresh) { for (const envelope of x.session.events) await emit(envelope); }
    const open = await turnWiring({
      ...x,
      sandbox: sandboxProbe(x.io, x.workspace),
      emit,
      warn: (message) => x.io.stderr.write(`pixir: warning: ${message}\n`),
      notice: (message) => x.io.stderr.write(`pixir: ${message}\n`),
    });
    close = open.close;
    outcome = await runTurn({
      ...open.wiring,
      session: x.session,
      prompt: x.prompt,
      model: x.model,
      effort: x.effort,
      provider: x.credentials.modelProvider.id,
      instructions: baseInstructions({
        cwd: x.workspace,
        now: x.io.now(),
        platform: x.io.os,
        projectContext: x.projectContext,
      }),
      signal: controller.signal,
      emit,
    });
  } catch (error) {
    // A full disk or a read-only home mid-turn: the turn cannot go on, but what was received
    // is shown, and the log keeps every event written before the failed one.
    const failure = storageFailure(error, dirname(x.session.path));
    if (failure === undefined) throw error;
    await x.renderer.finish(
      runResult({ sessionId: x.session.id, answer: streamed, failure }),
      resumeHint(x.session.id),
    );
    return failure.exitCode;
  } finally {
    close();
    if (timer !== undefined) clearTimeout(timer);
    for (const off of unlisten) off();
  }

  const catalog = await catalogFor(x, x.model);
  const context = contextUsage(x.session.events, x.model, catalog);
  const hint = resumeHint(x.session.id);
  const failure = failureOf(outcome, stopReason, x);
  await x.renderer.finish(
    runResult({
      sessionId: x.session.id,
      answer: outcome.status === "failed" ? undefined : outcome.answer,
      usage: outcome.usage,
      context,
      incomplete: outcome.status === "incomplete",
      failure,
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
