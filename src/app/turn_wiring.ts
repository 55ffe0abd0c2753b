/**
 * The one place that turns settings, credentials and the run's policy into what a turn needs to
 * talk to the model and run tools; the session host builds every turn from it.
 */

import type { Io } from "../util/io.ts";
import { type QuotaGuard, quotaGuard, type QuotaStop } from "../quota/guard.ts";
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
import { createTaskTool, type Delegate, TASK_TOOL } from "../tools/task.ts";
import type { Tool } from "../tools/tool.ts";
import type { ReasoningEffort } from "../provider/request.ts";
import type * as Subagent from "./subagent.ts";
import { sleep } from "../util/sleep.ts";
import { refersToImages, withImageData } from "../agent/images.ts";
import { type McpServers, startMcpServers } from "../mcp/mcp_servers.ts";
import type { McpEnvironment } from "../mcp/mcp_connection.ts";
import { configDirIfAny } from "../config/paths.ts";
import { VERSION } from "../version.ts";
import { createPlanTool } from "../tools/plan.ts";
import { createSkillTool } from "../skills/skill_tool.ts";
import type { Skill } from "../skills/skills.ts";
import type { SessionHooks } from "./session_hooks.ts";
import { requestCollection } from "../util/garbage_collection.ts";

/** The subagents' module, loaded when a run first delegates (see `BUILD.lazyModules`). */
const SUBAGENT_MODULE = "./subagent.ts";

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
  /**
   * What a child agent starts from (the parent turn's instructions, environment and effort);
   * without it, or with `max_subagents = 0`, no `task` tool is offered.
   */
  subagents?: { instructions: string; environment?: string; effort: ReasoningEffort };
  /** Only these tools are offered; a call to another is an unknown tool. Default: all. */
  toolNames?: readonly string[];
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
  /** Tools whose calls run side by side: the children of the `task` tool. */
  parallelTools: ReadonlySet<string>;
  /** Offer the hosted web search tool (`web_search`, `--search`). */
  webSearch: boolean;
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
  const quota = await runQuotaGuard(w);
  const callModel = withStoredImages(guardedModelCall(w, quota), w.session.path);
  // Servers still starting (a chat opens before they are ready) are waited for, within their
  // startup_timeout_sec, so the turn's tools are known.
  await w.mcp?.ready;
  const guard = (policy: RunPolicy, mcp: McpServers | undefined, ask: Ask | undefined) =>
    guardedTools(policy, {
      io: w.io,
      workspace: w.workspace,
      session: w.session,
      emit: async (envelope) => {
        await w.emit(envelope);
      },
      sandbox: w.sandbox,
      notice: w.notice,
      ask,
      unattended: w.settings.unattended,
      askLimitMs: w.settings.approvalTimeoutMs,
      toolTimeoutMs: w.settings.toolTimeoutMs,
      mcp,
    });
  const { tools: own, close } = await guard(w.policy, w.mcp, w.ask);
  const base = {
    maxModelCalls: w.settings.maxIterations,
    autoCompact: { atPercent: w.settings.compactAtPercent, catalog: await catalogFor(w, w.model) },
    callModel,
    toolOutput: outputForModel,
  };
  const skillTool = w.skills === undefined || w.skills.length === 0
    ? []
    : [createSkillTool(w.skills)];
  const all: Tool[] = [
    ...own,
    ...(w.withPlan === false ? [] : [createPlanTool(async (plan) => {
      await w.emit(await w.session.append({ type: "plan", data: plan }));
    })]),
    ...skillTool,
  ];
  const hooks = w.hooks?.any ? w.hooks : undefined;
  const { subagents } = w;
  if (subagents !== undefined && w.settings.maxSubagents > 0) {
    // The subagents' module is loaded at the first `task` call: most runs never make one.
    let started: Promise<Delegate> | undefined;
    const delegate: Delegate = async (task, signal, callId) => {
      started ??= import(SUBAGENT_MODULE).then((module: typeof Subagent) => startSubagents(module));
      return await (await started)(task, signal, callId);
    };
    const startSubagents = ({ oneQuestionAtATime, subagentDelegate }: typeof Subagent) => {
      // Children running side by side put their questions to the person one at a time.
      const childAsk = w.ask === undefined ? undefined : oneQuestionAtATime(w.ask);
      return subagentDelegate({
        parent: w.session,
        emit: w.emit,
        // A child may search the web when its parent may: the search is read-only.
        turn: { ...base, webSearch: w.settings.webSearch },
        model: w.model ?? w.settings.model,
        effort: subagents.effort,
        provider: w.credentials.modelProvider.id,
        instructions: subagents.instructions,
        ...(subagents.environment === undefined ? {} : { environment: subagents.environment }),
        workspace: w.workspace,
        // A child reads the same skills; the plan stays the parent's.
        tools: async (write) => {
          const child = await childTools(w.policy, write, (p) => guard(p, undefined, childAsk));
          return child && { ...child, tools: [...child.tools, ...skillTool] };
        },
        // PreToolUse and PostToolUse hooks see a child's calls too (logged in the parent's session).
        ...(hooks === undefined
          ? {}
          : { wrapRunTool: (run: ToolRunner) => hooks.tools(w.session, run) }),
        quotaStop: () => {
          const stop = quota.stop();
          return stop && w.stopAtQuota !== undefined
            ? stopMessage(stop.window, w.stopAtQuota)
            : null;
        },
        maxParallel: w.settings.maxSubagents,
        timeoutMs: w.settings.subagentTimeoutMs,
      });
    };
    all.push(
      createTaskTool(delegate, {
        canWrite: !w.policy.policy.readOnly,
        maxParallel: w.settings.maxSubagents,
      }),
    );
  }
  const offered = w.toolNames;
  const tools = offered === undefined ? all : all.filter((tool) => offered.includes(tool.name));
  const runTool: ToolRunner = (name, argumentsJson, signal, callId) =>
    runToolCall(tools, name, argumentsJson, {
      workspace: w.workspace,
      signal,
      callId,
      progress: (update) =>
        void w.emit(w.session.stamp({
          type: "tool_progress",
          data: { call_id: callId, name, ...update },
        })),
    });
  const wiring: TurnWiring = {
    ...base,
    tools: toolSpecs(tools),
    runTool: hooks === undefined ? runTool : hooks.tools(w.session, runTool),
    parallelTools: new Set([TASK_TOOL]),
    webSearch: w.settings.webSearch,
  };
  return { wiring, close };
}

/** The tools a read-only child gets: reading, listing, searching, and commands under read-only. */
const READ_ONLY_TOOLS = new Set(["read", "ls", "find", "grep", "bash"]);

/**
 * A child's tools: Pixir's own tools (no MCP, no `task`) under the parent's policy made read-only,
 * or under the parent's policy itself for a writing child; undefined when the parent is read-only
 * and a writing child is asked for (a child never gets more than its parent).
 */
async function childTools(
  parent: RunPolicy,
  write: boolean,
  guard: (policy: RunPolicy) => Promise<{ tools: Tool[]; close(): void }>,
): Promise<{ tools: Tool[]; close(): void } | undefined> {
  if (write) return parent.policy.readOnly ? undefined : await guard(parent);
  const readOnly = { ...parent, policy: { ...parent.policy, readOnly: true, write: [] } };
  const { tools, close } = await guard(readOnly);
  return { tools: tools.filter((tool) => READ_ONLY_TOOLS.has(tool.name)), close };
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
  return guardedModelCall(w, await runQuotaGuard(w));
}

/** The quota guard of a run, read from its caches. */
function runQuotaGuard(w: ModelCallerInputs): Promise<QuotaGuard> {
  return quotaGuard({
    now: w.io.now,
    warn: w.warn,
    quotaFile: w.quotaFile,
    alertsFile: w.quotaAlertsFile,
    stopAtPercent: w.stopAtQuota,
    utcOffset: systemUtcOffset,
  });
}

/** The model call of `modelCaller` over a guard its caller keeps too. */
function guardedModelCall(w: ModelCallerInputs, quota: QuotaGuard): ModelCall {
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
        collectGarbage: requestCollection,
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
  return (request, signal) => {
    // Without images the call is passed through, not wrapped: a wrapper costs a step per event.
    if (!refersToImages(request)) return call(request, signal);
    return (async function* () {
      yield* call(await withImageData(request, logPath), signal);
    })();
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
  return startMcpServers(settings.mcpServers, mcpEnvironment(io, workspace), warn);
}

/**
 * What an MCP server is started with: Pixir's environment, the workspace, the network, and the
 * config folder where `pixir mcp login` keeps remote servers' sign-ins.
 */
export function mcpEnvironment(io: Io, workspace: string): McpEnvironment {
  const configDir = configDirIfAny(io.env, io.os);
  return { env: io.env, cwd: workspace, fetch: io.fetch, now: io.now, configDir };
}
