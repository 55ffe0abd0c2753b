/**
 * Running the hooks of an event and reading what they said. The hooks matching the event run side
 * by side, each with its time limit, and the answers follow Claude Code's conventions:
 *
 * - exit 0: stdout may be JSON — `{"decision": "block", "reason": …}`, or
 *   `{"hookSpecificOutput": {"permissionDecision": "deny", "permissionDecisionReason": …}}`
 *   (PreToolUse), or `{"hookSpecificOutput": {"additionalContext": …}}`. For SessionStart and
 *   UserPromptSubmit, plain text on stdout is context for the model; for the others it is ignored.
 * - exit 2: blocks; stderr is the reason (the model reads it for a tool call).
 * - any other exit, a timeout, JSON that does not parse or a hook that cannot start: a failure
 *   that is recorded and reported, and changes nothing else.
 *
 * A hook can deny or add context; it can never allow what Pixir's policy would not.
 */

import type { CommandHook } from "./hook_config.ts";
import type { HookEventName, HookOutcome, HookRunData } from "./hook.ts";
import type { HookProcessEnd, HookProcessOptions } from "./hook_process.ts";

/** The most characters of context one hook may add; more is cut with a note. */
export const MAX_HOOK_CONTEXT = 10_000;

/** What the hooks of one event decided. */
export interface HookVerdict {
  /** Why the hooks blocked (denied the call, refused the prompt, asked to go on); undefined if not. */
  block?: string;
  /** Context the hooks added for the model, in hook order. */
  context: string[];
  /** One record per hook run. */
  runs: HookRunData[];
}

/** Runs one hook process (`runHookProcess`, or a fake in tests). */
export type RunHookProcess = (
  command: string,
  input: string,
  options: HookProcessOptions,
) => Promise<HookProcessEnd>;

/** What running an event's hooks needs. */
export interface HookRunOptions {
  cwd: string;
  run: RunHookProcess;
  /** The launcher (the OS sandbox) for a hook, by where it was configured; none: as it is. */
  launcher(hook: CommandHook): Promise<readonly string[] | undefined>;
  env?: Readonly<Record<string, string>>;
  now(): number;
  signal?: AbortSignal;
}

/**
 * Runs the hooks of `event` that match `subject` (the tool name, or SessionStart's source) with
 * `input` (the event's fields; `hook_event_name` is added) and says what they decided.
 */
export async function runHooks(
  hooks: readonly CommandHook[],
  event: HookEventName,
  subject: string | undefined,
  input: Record<string, unknown>,
  options: HookRunOptions,
): Promise<HookVerdict> {
  const matching = hooks.filter((hook) =>
    hook.event === event &&
    (hook.matcher === null || subject === undefined || hook.matcher.test(subject))
  );
  const verdict: HookVerdict = { context: [], runs: [] };
  if (matching.length === 0) return verdict;
  const stdin = JSON.stringify({ ...input, hook_event_name: event });
  const results = await Promise.all(matching.map(async (hook) => {
    const started = options.now();
    const end = await options.run(hook.command, stdin, {
      cwd: options.cwd,
      timeoutMs: hook.timeoutMs,
      launcher: await options.launcher(hook),
      ...(options.env ? { env: options.env } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { hook, answer: answerOf(event, end), ms: Math.max(0, options.now() - started) };
  }));
  const callId = typeof input.tool_use_id === "string" ? input.tool_use_id : undefined;
  for (const { hook, answer, ms } of results) {
    if (answer.outcome === "blocked") verdict.block ??= answer.message;
    if (answer.context !== undefined) verdict.context.push(answer.context);
    verdict.runs.push({
      event,
      command: hook.command,
      source: hook.source,
      outcome: answer.outcome,
      ...(answer.exitCode === undefined ? {} : { exit_code: answer.exitCode }),
      ...(answer.message === undefined ? {} : { message: answer.message }),
      ...(answer.context === undefined ? {} : { context: answer.context }),
      ...(callId === undefined ? {} : { call_id: callId }),
      duration_ms: ms,
    });
  }
  return verdict;
}

/** What one hook said. */
interface HookAnswer {
  outcome: HookOutcome;
  exitCode?: number;
  message?: string;
  context?: string;
}

/** Events whose hooks may block, and those whose plain stdout is context. */
const BLOCKING: ReadonlySet<HookEventName> = new Set([
  "UserPromptSubmit",
  "PreToolUse",
  "PostToolUse",
  "Stop",
]);
const TEXT_IS_CONTEXT: ReadonlySet<HookEventName> = new Set(["SessionStart", "UserPromptSubmit"]);

function answerOf(event: HookEventName, end: HookProcessEnd): HookAnswer {
  switch (end.kind) {
    case "spawn_failed":
      return { outcome: "error", message: end.message };
    case "aborted":
      return { outcome: "error", message: "stopped: the turn was interrupted" };
    case "timeout":
      return { outcome: "timeout", message: "it ran past its time limit and was stopped" };
    case "exited":
      break;
  }
  const stderr = firstLines(end.stderr);
  if (end.code === 2) {
    if (!BLOCKING.has(event)) {
      return { outcome: "failed", exitCode: 2, message: stderr || `${event} hooks cannot block` };
    }
    return { outcome: "blocked", exitCode: 2, message: stderr || `blocked by a ${event} hook` };
  }
  if (end.code !== 0) {
    return {
      outcome: "failed",
      exitCode: end.code,
      message: stderr || `it exited with code ${end.code}`,
    };
  }
  const stdout = end.stdout.trim();
  if (stdout === "") return { outcome: "ok", exitCode: 0 };
  if (!/^[{[]/.test(stdout)) {
    return TEXT_IS_CONTEXT.has(event)
      ? { outcome: "ok", exitCode: 0, context: bounded(stdout) }
      : { outcome: "ok", exitCode: 0 };
  }
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch {
    return { outcome: "failed", exitCode: 0, message: "it printed JSON that does not parse" };
  }
  return jsonAnswer(event, value);
}

/** The answer of a hook that printed JSON (exit 0). */
function jsonAnswer(event: HookEventName, value: unknown): HookAnswer {
  const wrong = (what: string): HookAnswer => ({
    outcome: "failed",
    exitCode: 0,
    message: `it printed JSON Pixir cannot use: ${what}`,
  });
  if (!isRecord(value)) return wrong("expected an object");
  const specific = value.hookSpecificOutput;
  if (specific !== undefined && !isRecord(specific)) return wrong("hookSpecificOutput");
  const context = specific?.additionalContext;
  if (context !== undefined && typeof context !== "string") return wrong("additionalContext");
  const reason = specific?.permissionDecisionReason ?? value.reason;
  if (reason !== undefined && typeof reason !== "string") return wrong("the reason");
  const denied = (event === "PreToolUse" && specific?.permissionDecision === "deny") ||
    (BLOCKING.has(event) && value.decision === "block");
  const extra = context === undefined || context.trim() === "" ? {} : { context: bounded(context) };
  if (denied) {
    return {
      outcome: "blocked",
      exitCode: 0,
      message: reason || `blocked by a ${event} hook`,
      ...extra,
    };
  }
  return { outcome: "ok", exitCode: 0, ...extra };
}

/** The first lines of a hook's stderr, enough to say why. */
function firstLines(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= 2000 ? trimmed : `${trimmed.slice(0, 2000)}…`;
}

function bounded(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length <= MAX_HOOK_CONTEXT) return trimmed;
  return `${trimmed.slice(0, MAX_HOOK_CONTEXT)}\n[hook context cut: ${trimmed.length} characters]`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
