/**
 * The hooks of a front end's sessions: which files are read (the person's own `hooks.json` in
 * Pixir's config folder; a project's `.pixir/hooks.json` only once its workspace is trusted), and
 * how each point of a session runs them. Every run is logged as a `hook` event; one that fails,
 * times out or prints what a hook may not is reported through `warn` and changes nothing else.
 * A project's hooks run inside the OS sandbox the way shell commands do; the person's own run as
 * they would from their shell.
 */

import { join } from "node:path";
import type { Io } from "../util/io.ts";
import { readSmallFile } from "../util/small_file.ts";
import type { Envelope, PromptAddition } from "../agent/event.ts";
import type { Session } from "../agent/session.ts";
import type { ToolRunner } from "../agent/turn.ts";
import { projectRoot } from "../config/project_config.ts";
import { isTrusted } from "../config/trust.ts";
import { approvedHooksDigest } from "../config/hooks_trust.ts";
import { sha256Hex } from "../util/sha256.ts";
import type { HookEventName, HookRunData } from "../hooks/hook.ts";
import { type CommandHook, parseHooks } from "../hooks/hook_config.ts";
import { runHookProcess } from "../hooks/hook_process.ts";
import { type RunHookProcess, runHooks } from "../hooks/hooks.ts";
import { sandboxLauncher, type SandboxStatus } from "../sandbox/os_sandbox.ts";
import type { SandboxLayout } from "../sandbox/layout.ts";
import { fail } from "../tools/failure.ts";
import type { ToolResult } from "../tools/tool.ts";

/** The name of a hooks file. */
export const HOOKS_FILE_NAME = "hooks.json";

/** The largest hooks file read. */
const MAX_HOOKS_FILE_BYTES = 1024 * 1024;

/** How many times Stop hooks may send the model back to work after one prompt. */
export const MAX_STOP_CONTINUATIONS = 3;

/**
 * The hooks for `workspace`: the person's, then the project's when the workspace is trusted.
 * Problems (an unreadable or malformed file, a project file in an untrusted workspace) are
 * warnings; they never stop the run.
 */
export async function loadHooks(
  configDir: string,
  workspace: string,
): Promise<{ hooks: CommandHook[]; warnings: string[] }> {
  const hooks: CommandHook[] = [];
  const warnings: string[] = [];
  const add = async (file: string, source: "user" | "project") => {
    const text = await readHooksFile(file, warnings);
    if (text === null) return;
    const parsed = parseHooks(text, file, source);
    hooks.push(...parsed.hooks);
    warnings.push(...parsed.warnings);
  };
  await add(join(configDir, HOOKS_FILE_NAME), "user");
  const root = await projectRoot(workspace);
  const projectFile = projectHooksPath(root);
  if (!await exists(projectFile)) return { hooks, warnings };
  try {
    if (!await isTrusted(configDir, root)) {
      warnings.push(
        `${projectFile}: not run, the workspace is not trusted (run \`pixir trust\` to run its hooks)`,
      );
      return { hooks, warnings };
    }
    const text = await readHooksFile(projectFile, warnings);
    if (text === null) return { hooks, warnings };
    if (await hooksDigest(text) !== await approvedHooksDigest(configDir, root)) {
      warnings.push(
        `${projectFile}: not run, it changed since you trusted the workspace (review it, then run ` +
          `\`pixir trust\` again)`,
      );
      return { hooks, warnings };
    }
    const parsed = parseHooks(text, projectFile, "project");
    hooks.push(...parsed.hooks);
    warnings.push(...parsed.warnings);
  } catch (error) {
    warnings.push(`${projectFile}: not run (${(error as Error).message})`);
  }
  return { hooks, warnings };
}

/** A repository's hooks file. */
export function projectHooksPath(root: string): string {
  return join(root, ".pixir", HOOKS_FILE_NAME);
}

/** What trusting a workspace approves of its hooks file: the SHA-256 of its text. */
export async function hooksDigest(text: string): Promise<string> {
  return await sha256Hex(new TextEncoder().encode(text));
}

/** The digest of `file` as it is now; undefined when there is none or it cannot be read. */
export async function currentHooksDigest(file: string): Promise<string | undefined> {
  const text = await readHooksFile(file, []);
  return text === null ? undefined : await hooksDigest(text);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** The text of a hooks file, or null when there is none (or it cannot be used: warned). */
async function readHooksFile(file: string, warnings: string[]): Promise<string | null> {
  try {
    const found = await readSmallFile(file, MAX_HOOKS_FILE_BYTES);
    if (found.kind === "text") return found.text;
    warnings.push(`${file}: not run, it is not a regular file of at most 1 MB`);
    return null;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return null;
    }
    warnings.push(`${file}: not run, cannot read it (${(error as Error).message})`);
    return null;
  }
}

/** What running hooks for a host needs. */
export interface SessionHooksOptions {
  hooks: readonly CommandHook[];
  io: Io;
  workspace: string;
  /** The OS sandbox status, probed once by the host. */
  sandbox(): Promise<SandboxStatus>;
  /** The sandbox's view for a project's hook (the shell commands' layout). */
  layout(): Promise<SandboxLayout>;
  emit(envelope: Envelope): void | Promise<void>;
  warn(message: string): void | Promise<void>;
  /** Runs one hook process; default `runHookProcess`. */
  run?: RunHookProcess;
}

/** The hooks of one host, run at each point of its sessions. */
export class SessionHooks {
  readonly #options: SessionHooksOptions;

  constructor(options: SessionHooksOptions) {
    this.#options = options;
  }

  /** True when any hook is configured. */
  get any(): boolean {
    return this.#options.hooks.length > 0;
  }

  /** SessionStart: the context its hooks add, to send with the session's next prompt. */
  async sessionStart(
    session: Session,
    source: "startup" | "resume",
    signal: AbortSignal,
  ): Promise<PromptAddition[]> {
    const verdict = await this.#run(session, "SessionStart", source, { source }, signal);
    return verdict.context.map((text) => ({ source: "hook", name: "SessionStart", text }));
  }

  /** UserPromptSubmit: why the prompt is refused, or the context its hooks add to it. */
  async promptSubmitted(
    session: Session,
    prompt: string,
    signal: AbortSignal,
  ): Promise<{ block?: string; context: PromptAddition[] }> {
    const verdict = await this.#run(session, "UserPromptSubmit", undefined, { prompt }, signal);
    const context = verdict.context.map((text): PromptAddition => ({
      source: "hook",
      name: "UserPromptSubmit",
      text,
    }));
    return verdict.block === undefined ? { context } : { block: verdict.block, context };
  }

  /** Stop: why the model should go on instead of ending here, or undefined to end. */
  async stop(
    session: Session,
    answer: string,
    continued: boolean,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const input = { stop_hook_active: continued, last_assistant_message: answer };
    return (await this.#run(session, "Stop", undefined, input, signal)).block;
  }

  /**
   * `runTool` with PreToolUse hooks before each call (a block is a `denied` result the model
   * reads) and PostToolUse hooks after it (what they add is appended to the output).
   */
  tools(session: Session, runTool: ToolRunner): ToolRunner {
    return async (name, argumentsJson, signal, callId) => {
      const input = { tool_name: name, tool_input: parsed(argumentsJson), tool_use_id: callId };
      const pre = await this.#run(session, "PreToolUse", name, input, signal);
      if (pre.block !== undefined) {
        return fail("denied", `A PreToolUse hook denied this call: ${pre.block}`, { hook: true });
      }
      const result = await runTool(name, argumentsJson, signal, callId);
      const response = result.ok
        ? { ok: true, output: result.output }
        : { ok: false, error: result.error };
      const post = await this.#run(
        session,
        "PostToolUse",
        name,
        { ...input, tool_response: response },
        signal,
      );
      const notes = [...post.block === undefined ? [] : [post.block], ...post.context];
      return notes.length === 0 ? result : withNotes(result, notes);
    };
  }

  async #run(
    session: Session,
    event: HookEventName,
    subject: string | undefined,
    fields: Record<string, unknown>,
    signal: AbortSignal,
  ) {
    const x = this.#options;
    const verdict = await runHooks(x.hooks, event, subject, {
      session_id: session.id,
      transcript_path: session.path,
      cwd: x.workspace,
      ...fields,
    }, {
      cwd: x.workspace,
      run: x.run ?? runHookProcess,
      launcher: (hook) => this.#launcher(hook),
      env: { PIXIR_PROJECT_DIR: x.workspace, PIXIR_SESSION_ID: session.id },
      now: x.io.now,
      signal,
    });
    for (const run of verdict.runs) await this.#record(session, run);
    return verdict;
  }

  /** A project's hook runs in the OS sandbox when there is one; the person's own as it is. */
  async #launcher(hook: CommandHook): Promise<readonly string[] | undefined> {
    if (hook.source === "user") return undefined;
    const status = await this.#options.sandbox();
    return status.active ? sandboxLauncher(status, await this.#options.layout()) : undefined;
  }

  async #record(session: Session, run: HookRunData): Promise<void> {
    await this.#options.emit(await session.append({ type: "hook", data: run }));
    if (run.outcome === "ok" || run.outcome === "blocked") return;
    await this.#options.warn(
      `${run.event} hook \`${run.command}\` ${
        run.outcome === "timeout" ? "timed out" : run.outcome === "error" ? "did not run" : "failed"
      }${run.message ? `: ${run.message}` : ""}`,
    );
  }
}

/** The arguments as JSON when they parse, else as the model sent them. */
function parsed(argumentsJson: string): unknown {
  try {
    return JSON.parse(argumentsJson);
  } catch {
    return argumentsJson;
  }
}

/** A result with what PostToolUse hooks said added for the model. */
function withNotes(result: ToolResult, notes: readonly string[]): ToolResult {
  const text = notes.map((note) => `<hook_context event="PostToolUse">\n${note}\n</hook_context>`)
    .join("\n");
  if (result.ok) return { ...result, output: `${result.output}\n\n${text}` };
  return { ok: false, error: { ...result.error, message: `${result.error.message}\n\n${text}` } };
}
