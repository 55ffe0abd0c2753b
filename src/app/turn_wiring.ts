/**
 * The one place that turns settings, credentials and the run's policy into what a turn needs to
 * talk to the model and run tools; the session host builds every turn from it.
 */

import type { Io } from "../util/io.ts";
import { quotaGuard, type QuotaStop } from "../quota/guard.ts";
import { stopMessage } from "../quota/text.ts";
import type { ProviderError } from "../provider/error.ts";
import { guardedTools, type RunPolicy } from "./run_policy.ts";
import type { Session } from "../agent/session.ts";
import type { Emit, ModelCall, ToolOutput, ToolRunner } from "../agent/turn.ts";
import type { ModelProvider } from "../config/model_providers.ts";
import type { Settings } from "../config/settings.ts";
import type { Ask } from "../policy/approval.ts";
import { streamResponse } from "../provider/responses.ts";
import { DEFAULT_RETRY_POLICY } from "../provider/retry.ts";
import { cachedModels } from "../provider/model_catalog.ts";
import { MODEL_TABLE, type ModelInfo, modelInfo } from "../provider/models.ts";
import type { ResolvedCredentials } from "../auth/resolve.ts";
import { REEXPORT_HINT } from "../auth/bundle.ts";
import type { ToolSpec } from "../provider/request.ts";
import { systemUtcOffset } from "../quota/reset_time.ts";
import { probeSandbox, runProgram, type SandboxStatus } from "../sandbox/os_sandbox.ts";
import { outputForModel, runToolCall, toolSpecs } from "../tools/registry.ts";
import { sleep } from "../util/sleep.ts";
import { withImageData } from "../agent/images.ts";
import { type McpServers, startMcpServers } from "../mcp/mcp_servers.ts";
import { VERSION } from "../version.ts";
import { createPlanTool } from "../tools/plan.ts";
import { createSkillTool } from "../skills/skill_tool.ts";
import type { Skill } from "../skills/skills.ts";
import type { SessionHooks } from "./session_hooks.ts";

/** The credentials of a run and the model provider they are for. */
export interface RunCredentials extends ResolvedCredentials {
  modelProvider: ModelProvider;
}

/** What the wiring is built from. */
export interface WiringInputs {
  io: Io;
  settings: Settings;
  credentials: RunCredentials;
  /** Real path of the workspace the tools are confined to. */
  workspace: string;
  /** The model the turn starts with, for the context window of a provider's own models. */
  model?: string;
  /** The session the turn runs in: permission decisions are logged there. */
  session: Session;
  /** What the tools may do. */
  policy: RunPolicy;
  /** Where the latest quota snapshot is kept. */
  quotaFile: string;
  /** Where the quota warnings already given are kept. */
  quotaAlertsFile: string;
  /** The subscription's cached model list, read (never fetched) for the context windows. */
  modelCatalogFile: string;
  /** `--stop-at-quota`: no request is sent once a window is at or above this percentage. */
  stopAtQuota?: number;
  /**
   * `--wait-for-reset`: the longest wait, in all, for a usage limit's reset before the same
   * request is sent again; without it a usage limit ends the run at once.
   */
  waitForResetMs?: number;
  /** Receives the canonical events the tools log (permission decisions). */
  emit: Emit;
  /** Reports a problem worth a warning but not a failure (quota thresholds, unsaved caches). */
  warn(message: string): void | Promise<void>;
  /** Tells the user something about the run's protection (an OS sandbox that is missing). */
  notice(message: string): void | Promise<void>;
  /**
   * How the front end asks a person about a command; undefined: nobody is asked (commands off the
   * safe list and the flags are denied at once).
   */
  ask: Ask | undefined;
  /** The OS sandbox status for shell commands (see `sandboxProbe`). */
  sandbox(): Promise<SandboxStatus>;
  /** The MCP servers started for this run or chat. */
  mcp?: McpServers;
  /** The skills found at start; with any, the `skill` tool joins the tools. */
  skills?: readonly Skill[];
  /** The hooks around each tool call (PreToolUse, PostToolUse). */
  hooks?: SessionHooks;
  /** Offer `update_plan` (default true); the plan is the parent session's, not a subagent's. */
  withPlan?: boolean;
}

/**
 * The model call, the tools, the iteration cap and the compaction threshold of a turn, ready to
 * spread into `runTurn`.
 */
export interface TurnWiring {
  tools: ToolSpec[];
  callModel: ModelCall;
  runTool: ToolRunner;
  toolOutput: ToolOutput;
  maxModelCalls: number;
  autoCompact: { atPercent: number; catalog: readonly ModelInfo[] };
}

/** The wiring of one turn, and `close` to stop what it started (the file tools' Worker). */
export interface OpenWiring {
  wiring: TurnWiring;
  close(): void;
}

/**
 * The OS sandbox status, probed once and only when first asked (runs without a shell command never
 * start bwrap); one per run or chat, shared by its turns.
 */
export function sandboxProbe(io: Io, workspace: string): () => Promise<SandboxStatus> {
  let probe: Promise<SandboxStatus> | undefined;
  return () => probe ??= probeSandbox(io.os, runProgram, workspace);
}

/** Builds the model call (retries, idle timeout, quota guard) and the policy-guarded tools. */
export async function turnWiring(w: WiringInputs): Promise<OpenWiring> {
  const callModel = withStoredImages(await modelCaller(w), w.session.path);
  const { tools, close } = await guardedTools(w.policy, {
    io: w.io,
    workspace: w.workspace,
    session: w.session,
    emit: async (envelope) => {
      await w.emit(envelope);
    },
    sandbox: w.sandbox,
    notice: w.notice,
    ask: w.ask,
    unattended: w.settings.unattended,
    askLimitMs: w.settings.approvalTimeoutMs,
    toolTimeoutMs: w.settings.toolTimeoutMs,
    mcp: w.mcp,
  });
  const all = [
    ...tools,
    ...(w.withPlan === false ? [] : [createPlanTool(async (plan) => {
      await w.emit(await w.session.append({ type: "plan", data: plan }));
    })]),
    ...(w.skills === undefined || w.skills.length === 0 ? [] : [createSkillTool(w.skills)]),
  ];
  const runTool: ToolRunner = (name, argumentsJson, signal, callId) =>
    runToolCall(all, name, argumentsJson, { workspace: w.workspace, signal, callId });
  const wiring: TurnWiring = {
    tools: toolSpecs(all),
    maxModelCalls: w.settings.maxIterations,
    autoCompact: { atPercent: w.settings.compactAtPercent, catalog: await catalogFor(w, w.model) },
    callModel,
    runTool: w.hooks?.any ? w.hooks.tools(w.session, runTool) : runTool,
    toolOutput: outputForModel,
  };
  return { wiring, close };
}

/** What the model call alone is built from. */
export type ModelCallerInputs = Pick<
  WiringInputs,
  | "io"
  | "settings"
  | "credentials"
  | "quotaFile"
  | "quotaAlertsFile"
  | "stopAtQuota"
  | "waitForResetMs"
  | "warn"
>;

/** The model call every request of a run goes through: retries, idle timeout, quota guard. */
export async function modelCaller(w: ModelCallerInputs): Promise<ModelCall> {
  const quota = await quotaGuard({
    now: w.io.now,
    warn: w.warn,
    quotaFile: w.quotaFile,
    alertsFile: w.quotaAlertsFile,
    stopAtPercent: w.stopAtQuota,
    utcOffset: systemUtcOffset,
  });
  return async function* (request, signal) {
    const stop = quota.stop();
    if (stop && w.stopAtQuota !== undefined) {
      yield { type: "failed", error: quotaStopError(stop, w.stopAtQuota) };
      return;
    }
    const send = () =>
      streamResponse(request, {
        fetch: w.io.fetch,
        credentials: w.credentials.provider,
        endpoint: w.credentials.modelProvider,
        fields: w.credentials.modelProvider.fields,
        userAgent: userAgent(w.io.os),
        idleTimeoutMs: w.settings.idleTimeoutMs,
        retry: {
          ...DEFAULT_RETRY_POLICY,
          maxRetries: w.settings.maxRetries,
          baseMs: w.settings.retryBaseMs,
        },
        sleep,
        random: w.io.random,
        now: w.io.now,
        utcOffset: systemUtcOffset,
        signal,
      });
    let waitLeftMs = w.waitForResetMs ?? 0;
    for (let attempt = 1;; attempt++) {
      let limit: ProviderError | undefined;
      for await (const event of send()) {
        if (event.type === "quota") await quota.observe(event.snapshot);
        const waitMs = event.type === "failed" ? resetWait(event.error, w.io.now()) : undefined;
        if (waitMs !== undefined && waitMs <= waitLeftMs && event.type === "failed") {
          limit = event.error;
          waitLeftMs -= waitMs;
          // "retrying" tells the turn to drop what this attempt yielded, as for any retry.
          yield { type: "retrying", attempt, delay_ms: waitMs, error: limit };
          await w.warn(
            `usage limit reached; waiting until ${
              new Date(w.io.now() + waitMs).toISOString()
            } for the reset (--wait-for-reset), then sending the same request again`,
          );
          try {
            await sleep(waitMs, signal);
          } catch (error) {
            if (!signal.aborted) throw error;
            yield { type: "failed", error: limit };
            return;
          }
          break;
        }
        yield event;
      }
      if (limit === undefined) return;
    }
  };
}

/**
 * How long until a usage limit's window resets (a second's margin added), or undefined when
 * `error` is no usage limit or names no reset time: then nothing is worth waiting for.
 */
function resetWait(error: ProviderError, now: number): number | undefined {
  if (error.kind !== "usage_limit" || error.resets_at === undefined) return undefined;
  if (error.code === "stop_at_quota") return undefined;
  return Math.max(0, error.resets_at * 1000 - now) + 1_000;
}

/** The failure of a request `--stop-at-quota` refused, as the provider's usage limit. */
function quotaStopError(stop: QuotaStop, percent: number): ProviderError {
  return {
    kind: "usage_limit",
    message: stopMessage(stop.window, percent),
    retryable: false,
    code: "stop_at_quota",
    ...(stop.window.resets_at === undefined ? {} : { resets_at: stop.window.resets_at }),
    details: { window: stop.slot, used_percent: stop.window.used_percent, stop_at: percent },
  };
}

/**
/**
 * `call` for a session whose history refers to images stored in its data (`logPath`'s images
 * folder): each request carries their bytes.
 */
export function withStoredImages(call: ModelCall, logPath: string): ModelCall {
  return async function* (request, signal) {
    yield* call(await withImageData(request, logPath), signal);
  };
}

/**
 * The context windows known for this provider: a subscription's cached model list; for a provider
 * with `model_context_window`, that window for `model` unless Pixir's table knows the model.
 */
export async function catalogFor(
  w: Pick<WiringInputs, "credentials" | "modelCatalogFile">,
  model?: string,
): Promise<ModelInfo[]> {
  if (w.credentials.source.method === "chatgpt") return await cachedModels(w.modelCatalogFile);
  const window = w.credentials.modelProvider.contextWindow;
  if (window === undefined || model === undefined || MODEL_TABLE.some((m) => m.slug === model)) {
    return [];
  }
  return [{ slug: model, context_window: window, efforts: modelInfo(model).efforts }];
}

/** How to fix a credential the API rejected, by where it came from. */
export function authHint(credentials: ResolvedCredentials): string {
  const { source } = credentials;
  if (source.method === "chatgpt") {
    return source.source === "bundle" ? REEXPORT_HINT : "run `pixir login` to sign in again";
  }
  if (source.method === "none") {
    return "the provider asked for a key: set env_key for it in config.toml";
  }
  return source.source === "env"
    ? `check ${source.variable ?? "OPENAI_API_KEY"}`
    : `the API key saved in ${source.path} was rejected; save a new one with \`pixir login --with-api-key\``;
}

/** `pixir/<version> (<os>; <arch>)`: the User-Agent of every request Pixir makes. */
export function userAgent(os: string): string {
  return `pixir/${VERSION} (${os}; ${Deno.build.arch})`;
}

/**
 * Starts the configured MCP servers of a run or chat (none configured: nothing starts); each one
 * that fails is reported through `warn` and left out.
 */
export function mcpServersFor(
  io: Io,
  settings: Settings,
  workspace: string,
  warn: (message: string) => void | Promise<void>,
): Promise<McpServers> {
  return startMcpServers(
    settings.mcpServers,
    { env: io.env, cwd: workspace, fetch: io.fetch },
    warn,
  );
}
