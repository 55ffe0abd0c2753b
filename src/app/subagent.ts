/**
 * Child agents: the `task` tool's other half. A child runs one turn of its own with a fresh
 * history, the parent's instructions and project context, and a subset of the parent's tools (no
 * `task`: children cannot spawn children). Its events are logged in the parent's session, each
 * wrapped in a `subagent_event`, so `--jsonl`, export and resume see them nested. Its final answer
 * becomes the call's output; a child that fails, runs out of time, is cancelled or may not start
 * comes back as a structured failure, and the parent goes on.
 */

import type { CanonicalEvent, Envelope, EphemeralEvent } from "../agent/event.ts";
import type { Session } from "../agent/session.ts";
import { type Emit, runTurn, type TurnOptions, type TurnOutcome } from "../agent/turn.ts";
import type { Usage } from "../provider/item.ts";
import type { ReasoningEffort } from "../provider/request.ts";
import { toolSpecs } from "../tools/registry.ts";
import { runToolCall } from "../tools/registry.ts";
import type { Delegate, TaskRequest } from "../tools/task.ts";
import type { Ask } from "../policy/approval.ts";
import type { Tool, ToolError, ToolResult } from "../tools/tool.ts";

/** A child's tools and how to stop what they started. */
export interface ChildTools {
  tools: Tool[];
  close(): void;
}

/** Everything children of one parent turn share. */
export interface SubagentOptions {
  /** The parent's session: the children's events are logged there. */
  parent: Session;
  /** The parent's emit: the nested events reach the renderer through it. */
  emit: Emit;
  /** The parent's turn wiring, minus its tools: the same model call, cap and compaction. */
  turn: Pick<
    TurnOptions,
    "callModel" | "toolOutput" | "maxModelCalls" | "autoCompact" | "webSearch"
  >;
  model: string;
  effort: ReasoningEffort;
  provider?: string;
  instructions: string;
  environment?: string;
  workspace: string;
  /**
   * The child's tools for a task that may (`write`) or may not change files; undefined when the
   * parent may not give what is asked (a read-only parent asked for a writing child).
   */
  tools(write: boolean): Promise<ChildTools | undefined>;
  /** Why no new child may start now (`--stop-at-quota` reached), or null when one may. */
  quotaStop(): string | null;
  /** Children running at once; later ones wait for a place. */
  maxParallel: number;
  /** A child's time limit, in milliseconds. */
  timeoutMs: number;
}

/** The `task` tool's delegate: each call runs one child under the shared limit. */
export function subagentDelegate(options: SubagentOptions): Delegate {
  const places = new Places(options.maxParallel);
  return async (task, signal, callId) => {
    const release = await places.take(signal);
    if (release === undefined) return failure("aborted", "cancelled before the subagent started");
    try {
      return await runChild(options, task, signal, callId);
    } finally {
      release();
    }
  };
}

/**
 * `ask`, one question at a time: a question asked while another is open waits for its answer, so
 * children running side by side never put two questions on one screen.
 */
export function oneQuestionAtATime(ask: Ask): Ask {
  let open: Promise<unknown> = Promise.resolve();
  return (request, signal) => {
    const asked = open.then(() => ask(request, signal));
    open = asked.catch(() => undefined);
    return asked;
  };
}

/** Runs one child to its end and says how it went, as the call's result. */
async function runChild(
  options: SubagentOptions,
  task: TaskRequest,
  signal: AbortSignal,
  callId: string,
): Promise<ToolResult> {
  if (signal.aborted) return failure("aborted", "cancelled before the subagent started");
  const stop = options.quotaStop();
  if (stop !== null) return failure("denied", `no new subagent starts: ${stop}`);
  const tools = await options.tools(task.write);
  if (tools === undefined) {
    return failure(
      "denied",
      "a subagent may not change files here: this run is read-only, and a subagent never gets more than its parent",
    );
  }
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort("timeout"), options.timeoutMs);
  const childSignal = AbortSignal.any([signal, timer.signal]);
  const session = new ChildSession(options.parent, callId, options.emit);
  try {
    const outcome = await runTurn({
      ...options.turn,
      session,
      prompt: task.prompt,
      model: options.model,
      effort: options.effort,
      ...(options.provider === undefined ? {} : { provider: options.provider }),
      instructions: options.instructions,
      ...(options.environment === undefined ? {} : { environment: options.environment }),
      tools: toolSpecs(tools.tools),
      runTool: (name, args, toolSignal, id) =>
        runToolCall(tools.tools, name, args, {
          workspace: options.workspace,
          signal: toolSignal,
          callId: id,
        }),
      emit: (envelope) => session.forward(envelope),
      signal: childSignal,
    });
    return resultOf(outcome, {
      cancelled: signal.aborted,
      timedOut: timer.signal.aborted,
      timeoutMs: options.timeoutMs,
    });
  } finally {
    clearTimeout(timeout);
    tools.close();
  }
}

/** A child's outcome as the `task` call's result, its tokens attached. */
function resultOf(
  outcome: TurnOutcome,
  ending: { cancelled: boolean; timedOut: boolean; timeoutMs: number },
): ToolResult {
  const { usage } = outcome;
  switch (outcome.status) {
    case "answered":
      return {
        ok: true,
        output: outcome.answer.trim() === "" ? "(the subagent gave no answer)" : outcome.answer,
        usage,
      };
    case "incomplete":
      return failure("tool_error", "the subagent's answer was cut short", usage, {
        status: "incomplete",
        ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
        partial_answer: outcome.answer,
      });
    case "failed":
      return failure("tool_error", `the subagent failed: ${outcome.error.message}`, usage, {
        status: "failed",
        error: { kind: outcome.error.kind, message: outcome.error.message },
      });
    case "interrupted": {
      const partial = { partial_answer: outcome.answer };
      if (!ending.cancelled && ending.timedOut) {
        const secs = Math.round(ending.timeoutMs / 1000);
        return failure("timeout", `the subagent ran out of its time limit (${secs} s)`, usage, {
          status: "timeout",
          ...partial,
        });
      }
      return failure("aborted", "the subagent was cancelled", usage, {
        status: "cancelled",
        ...partial,
      });
    }
  }
}

function failure(
  kind: ToolError["kind"],
  message: string,
  usage?: Usage,
  details?: Record<string, unknown>,
): ToolResult {
  return {
    ok: false,
    error: { kind, message, ...(details === undefined ? {} : { details }) },
    ...(usage === undefined ? {} : { usage }),
  };
}

/**
 * A child's view of a session: its own events (its fresh history) in memory, each one also logged
 * in the parent's session as a `subagent_event` and emitted there, nested.
 */
class ChildSession implements Session {
  readonly #parent: Session;
  readonly #callId: string;
  readonly #emit: Emit;
  readonly #events: Envelope<CanonicalEvent>[] = [];
  /** The parent's nested envelope of each child event, by the child envelope's id. */
  readonly #nested = new Map<string, Envelope<CanonicalEvent>>();
  readonly warnings: readonly string[] = [];

  constructor(parent: Session, callId: string, emit: Emit) {
    this.#parent = parent;
    this.#callId = callId;
    this.#emit = emit;
  }

  get id(): string {
    return this.#parent.id;
  }

  get path(): string {
    return this.#parent.path;
  }

  get started(): Session["started"] {
    return this.#parent.started;
  }

  get events(): readonly Envelope<CanonicalEvent>[] {
    return this.#events;
  }

  get turns(): number {
    return 0;
  }

  async append(event: CanonicalEvent): Promise<Envelope<CanonicalEvent>> {
    if (event.type === "subagent_event") throw new Error("a child agent cannot have children");
    const nested = await this.#parent.append({
      type: "subagent_event",
      data: { call_id: this.#callId, event },
    });
    const own = {
      ...event,
      id: nested.id,
      session_id: nested.session_id,
      seq: this.#events.length,
      ts: nested.ts,
    } as Envelope<CanonicalEvent>;
    this.#events.push(own);
    this.#nested.set(own.id, nested);
    return own;
  }

  stamp(event: EphemeralEvent): Envelope<EphemeralEvent> {
    return this.#parent.stamp(event);
  }

  flush(): Promise<void> {
    return this.#parent.flush();
  }

  release(): void {
    // The parent's session holds the lease.
  }

  /**
   * What the child's turn emits: its logged events reach the parent's renderer as the nested
   * envelopes the parent's log holds; its deltas and progress stay inside.
   */
  async forward(envelope: Envelope): Promise<void> {
    if (envelope.seq === null) return;
    const nested = this.#nested.get(envelope.id);
    if (nested !== undefined) await this.#emit(nested);
  }
}

/** A counting limit on children running at once, handed out in arrival order. */
class Places {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(count: number) {
    this.#free = Math.max(1, count);
  }

  /** Waits for a place; the release function, or undefined when `signal` fired first. */
  async take(signal: AbortSignal): Promise<(() => void) | undefined> {
    if (this.#free === 0) {
      const granted = await new Promise<boolean>((resolve) => {
        const grant = () => {
          signal.removeEventListener("abort", onAbort);
          resolve(true);
        };
        const onAbort = () => {
          const at = this.#waiting.indexOf(grant);
          if (at >= 0) this.#waiting.splice(at, 1);
          resolve(false);
        };
        this.#waiting.push(grant);
        signal.addEventListener("abort", onAbort, { once: true });
      });
      if (!granted) return undefined;
    } else {
      this.#free--;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free++;
    };
  }
}
