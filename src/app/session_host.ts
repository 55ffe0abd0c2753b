/**
 * The runtime every front end shares: one object holds a workspace's session with its model,
 * policy, project context, quota guard and credentials, starts turns with a prompt, a way to ask
 * a person and a signal that aborts them, compacts, undoes, and reports context use, quota and the
 * account's status. `run`, `resume`, the chat and `acp` are I/O around it. It decides and emits
 * events; it never prints.
 */

import type { Io } from "../util/io.ts";
import {
  catalogFor,
  modelCaller,
  type RunCredentials,
  sandboxProbe,
  turnWiring,
  withStoredImages,
} from "./turn_wiring.ts";
import { type RunPolicy, runPolicy } from "./run_policy.ts";
import { projectContextFor } from "./project_context.ts";
import { Failure } from "./failure.ts";
import { type StatusReport, statusReport } from "./status.ts";
import type * as Undo from "./undo.ts";
import type { UndoChoice } from "./undo.ts";
import type { UndoData } from "../agent/event.ts";
import type { PolicyPatch } from "../policy/policy.ts";
import { openNamedSession, type SessionQuery } from "./session_lookup.ts";
import type { CompactionOutcome } from "../agent/compaction.ts";
import type * as Compaction from "../agent/compaction.ts";
import { type ContextUsage, contextUsage } from "../agent/context_usage.ts";
import type { Envelope } from "../agent/event.ts";
import type { ContextFile } from "../agent/project_context.ts";
import { baseInstructions, environmentContext } from "../agent/prompt.ts";
import { createSession, type Session } from "../agent/session.ts";
import { runTurn, type TurnOptions, type TurnOutcome } from "../agent/turn.ts";
import type { PixirPaths } from "../config/paths.ts";
import type { Settings } from "../config/settings.ts";
import type { McpServers } from "../mcp/mcp_servers.ts";
import type { Ask } from "../policy/approval.ts";
import { modelCatalogPath } from "../provider/model_catalog.ts";
import type { ModelInfo } from "../provider/models.ts";
import type { ReasoningEffort } from "../provider/request.ts";
import { quotaAlertsPath } from "../quota/alerts.ts";
import type { QuotaSnapshot } from "../quota/snapshot.ts";
import { loadQuota, quotaFilePath } from "../quota/store.ts";
import { VERSION } from "../version.ts";
import type { PromptAddition } from "../agent/event.ts";
import { addUsage } from "../provider/usage.ts";
import type { CommandHook } from "../hooks/hook_config.ts";
import { mentionedSkills, type Skill, skillsSection } from "../skills/skills.ts";
import { skillText } from "../skills/skill_tool.ts";
import { loadHooks, MAX_STOP_CONTINUATIONS, SessionHooks } from "./session_hooks.ts";
import { shellLayout } from "./run_policy.ts";
import { skillsFor } from "./skill_catalog.ts";

// Undo and compaction are loaded when used, through constant specifiers (see `BUILD.lazyModules`):
// a run that does neither reads none of their modules.
const UNDO_MODULE = "./undo.ts";
const COMPACTION_MODULE = "../agent/compaction.ts";

/** A model and the reasoning effort to run it with. */
export interface ModelChoice {
  model: string;
  effort: ReasoningEffort;
}

/** Everything a host is opened with; every effect comes in here. */
export interface SessionHostOptions {
  io: Io;
  paths: PixirPaths;
  settings: Settings;
  /** The credentials and the model provider every turn talks to. */
  credentials: RunCredentials;
  /** Real path of the workspace the tools are confined to. */
  workspace: string;
  /** What the tools may do. */
  policy: RunPolicy;
  /** The `AGENTS.md` files sent with the instructions. */
  projectContext: readonly ContextFile[];
  /** `--stop-at-quota`: no request is sent once a window is at or above this percentage. */
  stopAtQuota?: number;
  /** `--wait-for-reset`: the longest wait for a usage limit's reset, in ms; none without it. */
  waitForResetMs?: number;
  /** Receives every event, canonical and ephemeral, from a session's very first one. */
  emit(envelope: Envelope): void | Promise<void>;
  /** A problem worth a warning but not a failure (quota thresholds, unsaved caches). */
  warn(message: string): void | Promise<void>;
  /** Something about the run's protection (an OS sandbox that is missing). */
  notice(message: string): void | Promise<void>;
  /**
   * The MCP servers started for this front end (`mcpServersFor`); their tools join every turn's.
   * The caller started them and closes them.
   */
  mcp?: McpServers;
  /** Only these tools are offered to the model (e.g. review's read-only set); default: all. */
  toolNames?: readonly string[];
  /** The skills found at start: listed in the instructions, loaded by the `skill` tool. */
  skills?: readonly Skill[];
  /** The hooks configured for this workspace (see `loadHooks`). */
  hooks?: readonly CommandHook[];
}

/** One prompt: what it says, with which model, how a person is asked, and when to stop. */
export interface TurnRequest extends ModelChoice {
  prompt: string;
  /** How the front end asks a person about a command; undefined: nobody is asked (denied). */
  ask: Ask | undefined;
  signal: AbortSignal;
  /** `text.format` for a structured answer (`--output-schema`). */
  outputFormat?: TurnOptions["outputFormat"];
  /** Images attached to the prompt, already stored in the session's data. */
  images?: TurnOptions["images"];
}

/** The runtime of one front end in one workspace: at most one session open at a time. */
export class SessionHost {
  readonly #options: SessionHostOptions;
  readonly #sandbox: ReturnType<typeof sandboxProbe>;
  /** Where this host's caches live, derived once from Pixir's folders. */
  readonly #caches: { quotaFile: string; quotaAlertsFile: string; modelCatalogFile: string };
  readonly #hooks: SessionHooks;
  #policy: RunPolicy;
  #session: Session | null = null;
  /** How the open session began, until its SessionStart hooks have run. */
  #starting: "startup" | "resume" | null = null;

  constructor(options: SessionHostOptions) {
    this.#options = options;
    this.#policy = options.policy;
    this.#sandbox = sandboxProbe(options.io, options.workspace);
    this.#hooks = new SessionHooks({
      hooks: options.hooks ?? [],
      io: options.io,
      workspace: options.workspace,
      sandbox: this.#sandbox,
      layout: () => shellLayout(this.#policy, options.io, options.workspace),
      emit: (envelope) => options.emit(envelope),
      warn: (message) => options.warn(message),
    });
    this.#caches = {
      quotaFile: quotaFilePath(options.paths),
      quotaAlertsFile: quotaAlertsPath(options.paths),
      modelCatalogFile: modelCatalogPath(options.paths.dataDir),
    };
  }

  /** What the tools may do from the next turn on. */
  get policy(): RunPolicy {
    return this.#policy;
  }

  /**
   * Replaces the flags' part of the policy for the next turns (an editor switching modes): the
   * workspace's saved policy merged with `patch`. A contradiction is a usage Failure.
   */
  async setPolicy(patch: PolicyPatch): Promise<void> {
    this.#policy = await runPolicy(this.#options.paths, this.#options.workspace, patch);
  }

  /** The open session, or null before the first prompt (or after `close`). */
  get session(): Session | null {
    return this.#session;
  }

  /** The workspace this host works in. */
  get workspace(): string {
    return this.#options.workspace;
  }

  /** The skills found when the host was opened. */
  get skills(): readonly Skill[] {
    return this.#options.skills ?? [];
  }

  /** Starts a new session; its opening events reach `emit` as they are written. */
  async start(choice: ModelChoice): Promise<Session> {
    this.close();
    const { io, paths, workspace } = this.#options;
    const session = await createSession({
      sessionsDir: paths.sessionsDir,
      cwd: workspace,
      ...choice,
      provider: this.#options.credentials.modelProvider.id,
      version: VERSION,
      now: io.now,
      random: io.random,
    });
    this.#session = session;
    this.#starting = "startup";
    for (const envelope of session.events) await this.#options.emit(envelope);
    return session;
  }

  /**
   * Opens the session `query` names (the current one when it is already open: its lease is held
   * here); the one open before is released. Throws a Failure for an unknown or busy session.
   */
  async resume(query: SessionQuery): Promise<Session> {
    const current = this.#session;
    if (current && "id" in query && current.id.startsWith(query.id)) return current;
    const next = await openNamedSession(
      this.#options.paths.sessionsDir,
      query,
      this.#options.io.now,
    );
    this.close();
    this.#session = next;
    this.#starting = "resume";
    return next;
  }

  /**
   * Takes over a session opened already (`resume` must read it to learn its workspace before the
   * host exists); the one open before is released.
   */
  adopt(session: Session): void {
    if (session === this.#session) return;
    this.close();
    this.#session = session;
    this.#starting = "resume";
  }

  /** Releases the open session (it stays on disk, resumable). */
  close(): void {
    this.#session?.release();
    this.#session = null;
  }

  /**
   * Runs one prompt to its outcome, in the open session or in a new one started for it: the
   * skills it names and what hooks add go with it; Stop hooks may send the model back to work.
   * A prompt a UserPromptSubmit hook blocks is a `permission_denied` Failure, never sent.
   */
  async turn(request: TurnRequest): Promise<TurnOutcome> {
    const session = this.#session ?? await this.start(request);
    const hooks = this.#hooks;
    const context: PromptAddition[] = mentionedSkills(request.prompt, this.skills).map((skill) => ({
      source: "skill",
      name: skill.name,
      text: skillText(skill),
    }));
    if (this.#starting !== null && hooks.any) {
      context.push(...await hooks.sessionStart(session, this.#starting, request.signal));
    }
    this.#starting = null;
    if (hooks.any) {
      const submitted = await hooks.promptSubmitted(session, request.prompt, request.signal);
      if (submitted.block !== undefined) {
        throw new Failure(
          "permission_denied",
          `a UserPromptSubmit hook blocked the prompt: ${submitted.block}`,
        );
      }
      context.push(...submitted.context);
    }
    let outcome = await this.#turn(session, request, request.prompt, context);
    for (let round = 0; hooks.any && outcome.status === "answered"; round++) {
      const reason = await hooks.stop(session, outcome.answer, round > 0, request.signal);
      if (reason === undefined || round === MAX_STOP_CONTINUATIONS) break;
      const next = await this.#turn(session, request, `[Stop hook] ${reason}`, []);
      outcome = { ...next, usage: addUsage(outcome.usage, next.usage) };
    }
    return outcome;
  }

  async #turn(
    session: Session,
    request: TurnRequest,
    prompt: string,
    context: PromptAddition[],
  ): Promise<TurnOutcome> {
    const x = this.#options;
    const instructions = baseInstructions({
      projectContext: x.projectContext,
      skills: skillsSection(this.skills),
    });
    const environment = environmentContext({
      cwd: x.workspace,
      now: x.io.now(),
      platform: x.io.os,
    });
    const { wiring, close } = await turnWiring({
      ...x,
      ...this.#caches,
      policy: this.#policy,
      model: request.model,
      session,
      sandbox: this.#sandbox,
      ask: request.ask,
      // A child starts from what its parent started from.
      subagents: { instructions, environment, effort: request.effort },
      hooks: this.#hooks,
    });
    try {
      return await runTurn({
        ...wiring,
        session,
        prompt,
        ...(context.length > 0 ? { context } : {}),
        model: request.model,
        effort: request.effort,
        provider: x.credentials.modelProvider.id,
        instructions,
        environment,
        signal: request.signal,
        emit: x.emit,
        outputFormat: request.outputFormat,
        images: prompt === request.prompt ? request.images : undefined,
      });
    } finally {
      close();
    }
  }

  /** Summarises the open session's earlier conversation (`focus`: what to keep above all). */
  async compact(
    choice: ModelChoice,
    focus: string | undefined,
    signal: AbortSignal,
  ): Promise<CompactionOutcome> {
    const session = this.#session;
    if (session === null) {
      return {
        ok: false,
        error: { kind: "nothing_to_compact", message: "there is no conversation to compact yet" },
      };
    }
    const x = this.#options;
    // Images the history refers to are read from the session's data as the request is sent.
    const callModel = withStoredImages(await modelCaller({ ...x, ...this.#caches }), session.path);
    const { compactSession }: typeof Compaction = await import(COMPACTION_MODULE);
    return await compactSession({
      session,
      ...choice,
      provider: x.credentials.modelProvider.id,
      callModel,
      reason: "manual",
      ...(focus === undefined || focus === "" ? {} : { focus }),
      catalog: await this.catalog(choice.model),
      emit: x.emit,
      signal,
    });
  }

  /** The context windows known for this provider and `model` (see `catalogFor`). */
  async catalog(model?: string): Promise<ModelInfo[]> {
    return await catalogFor({ ...this.#options, ...this.#caches }, model);
  }

  /** How much of `model`'s context window the open session fills; null without a session. */
  async context(model: string): Promise<ContextUsage | null> {
    if (this.#session === null) return null;
    return contextUsage(this.#session.events, model, await this.catalog(model));
  }

  /** The last quota snapshot the backend reported (cached across runs), if any. */
  async quota(): Promise<QuotaSnapshot | null> {
    return (await loadQuota(this.#caches.quotaFile)).snapshot;
  }

  /**
   * Gives back the files the open session's last turn (or turn `choice.turn`) changed; a usage
   * Failure when there is no session or nothing to undo.
   */
  async undo(choice: UndoChoice): Promise<UndoData> {
    if (this.#session === null) {
      throw new Failure("usage", "nothing to undo: there is no session yet");
    }
    const { undoTurn }: typeof Undo = await import(UNDO_MODULE);
    return await undoTurn(this.#session, choice, this.#options.paths);
  }

  /** The account's sign-in and the last known quota. */
  async status(): Promise<StatusReport> {
    return await statusReport(this.#options.paths, this.#options.io.env);
  }
}

/** What opening a host for a workspace reads besides its options. */
export interface WorkspaceInputs {
  /** Send the `AGENTS.md` files (false with `--no-context`). */
  withContext: boolean;
  /** The permission flags, over the policy saved for the workspace. */
  patch: PolicyPatch;
}

/**
 * A host for `workspace`: its saved policy merged with the flags (a bad permissions file is a
 * usage Failure) and its project context (problems reading it are warnings).
 */
export async function openSessionHost(
  options: Omit<SessionHostOptions, "policy" | "projectContext"> & WorkspaceInputs,
): Promise<SessionHost> {
  const { withContext, patch, ...rest } = options;
  const provider = options.credentials.modelProvider;
  if (options.settings.webSearch && !provider.webSearch) {
    throw new Failure(
      "usage",
      `web search: the provider "${provider.id}" (${provider.name}) does not offer the hosted web_search tool`,
      {
        hint:
          `leave out --search (and web_search = true), or set supports_web_search = true in [model_providers.${provider.id}] if it does`,
      },
    );
  }
  const policy = await runPolicy(options.paths, options.workspace, patch, options.warn);
  const projectContext = await projectContextFor(
    options.paths.configDir,
    options.workspace,
    withContext,
    options.warn,
  );
  const skills = withContext
    ? await skillsFor(options.io, options.paths, options.workspace)
    : { skills: [], warnings: [] };
  const hooks = await loadHooks(options.paths.configDir, options.workspace);
  for (const warning of [...skills.warnings, ...hooks.warnings]) await options.warn(warning);
  return new SessionHost({
    ...rest,
    policy,
    projectContext,
    skills: skills.skills,
    hooks: hooks.hooks,
  });
}
