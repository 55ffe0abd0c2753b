/**
 * A turn: one user prompt carried to a final answer. The turn loops model call → tool calls →
 * model call until the model answers without calling a tool, the response is cut short or fails,
 * the iteration cap is reached, or the user aborts. Everything it learns is appended to the session
 * log (the next request is folded from it) and emitted; it never prints. When the context fills up
 * it compacts the history and carries on (see `compaction.ts`).
 */

import type { ProviderError } from "../provider/error.ts";
import type { ModelInfo } from "../provider/models.ts";
import type { OutputItem, UrlCitation, Usage } from "../provider/item.ts";
import type { ModelRequest, OutputFormat, ReasoningEffort, ToolSpec } from "../provider/request.ts";
import type { ToolError, ToolResult } from "../tools/tool.ts";
import { DEFAULT_MAX_ITERATIONS } from "../config/settings.ts";
import { addUsage, ZERO_USAGE } from "../provider/usage.ts";
import type {
  CanonicalEvent,
  CompactionReason,
  Envelope,
  PromptAddition,
  RecordedError,
} from "./event.ts";
import { foldHistory, INTERRUPTED_TOOL_ERROR } from "./history.ts";
import {
  ABORTED,
  consumeModelCall,
  type Done,
  type ModelCall,
  type ModelCallOptions,
  type ModelResponse,
  untilAborted,
} from "./model_call.ts";
import type * as Compaction from "./compaction.ts";
import type { ImageRef } from "./images.ts";
import { contextUsage } from "./context_usage.ts";
import type { Session } from "./session.ts";

export type { ModelCall } from "./model_call.ts";

/**
 * Compaction is loaded when a turn needs it, through a constant specifier (see
 * `BUILD.lazyModules`): most turns never fill the context window.
 */
const COMPACTION_MODULE = "./compaction.ts";

/**
 * Runs one tool call from the model's JSON arguments. Never throws: unknown tools, bad arguments
 * and failures come back as `{ok:false}`; on abort it stops promptly.
 */
export type ToolRunner = (
  name: string,
  argumentsJson: string,
  signal: AbortSignal,
  callId: string,
) => Promise<ToolResult>;

/**
 * The `function_call_output.output` string for a result (the tools layer's `outputForModel`):
 * ok → the output text; failure → `{"ok":false,"error":{kind,message,details}}` as JSON.
 */
export type ToolOutput = (result: ToolResult) => string;

/** Receives every event of a turn: canonical ones after they are logged, and ephemeral ones. */
export type Emit = (envelope: Envelope) => void | Promise<void>;

/** Everything one turn needs; effects come in as functions. */
export interface TurnOptions {
  session: Session;
  /** The user's message. */
  prompt: string;
  /** Images attached to it, already stored in the session's data. */
  images?: readonly ImageRef[];
  /** Text sent after the prompt on its behalf (skills it names, hooks' additions), logged with it. */
  context?: readonly PromptAddition[];
  model: string;
  effort: ReasoningEffort;
  /** The model provider `callModel` talks to, recorded with the turn and its reasoning. */
  provider?: string;
  /** The base instructions (see `baseInstructions`): the same for every turn of a session. */
  instructions: string;
  /**
   * The turn's environment (see `environmentContext`), logged with the prompt and sent before it;
   * what changes between turns (the date) lives here, not in `instructions`.
   */
  environment?: string;
  /** The tools offered to the model. */
  tools: ToolSpec[];
  callModel: ModelCall;
  runTool: ToolRunner;
  toolOutput: ToolOutput;
  emit: Emit;
  /**
   * Fired on Ctrl+C. An abort reason of `"sigint"` or `"sigterm"` is recorded as such; any other
   * reason is recorded as `"aborted"`.
   */
  signal: AbortSignal;
  /** Most model calls one turn may make; default `DEFAULT_MAX_ITERATIONS`. */
  maxModelCalls?: number;
  /** How long an aborted tool call may take to stop; default 3 s. */
  toolStopGraceMs?: number;
  /**
   * Compact before a request once the context in use reaches `atPercent` of the model's window
   * (from `catalog`, else the built-in table); without it only a context overflow compacts.
   */
  autoCompact?: { atPercent: number; catalog: readonly ModelInfo[] };
  /** The structured format the answer must take (`--output-schema`), sent with every request. */
  outputFormat?: OutputFormat;
  /** Offer the hosted web search tool with every request (`--search`). */
  webSearch?: boolean;
  /**
   * Tools whose calls in one response run side by side (child agents); every other call runs
   * alone, in order.
   */
  parallelTools?: ReadonlySet<string>;
}

/** The turn stopped because it reached its iteration cap. */
export interface IterationCapError {
  kind: "iteration_cap";
  message: string;
  /** The cap that was reached. */
  limit: number;
}

/** Why a turn failed: the model call's failure, or the iteration cap. */
export type TurnError = ProviderError | IterationCapError;

/** How a turn ended. `usage` sums every model call the turn made. */
export type TurnOutcome =
  /**
   * The model answered without calling more tools. `citations`: the web pages the answer cites,
   * indexes into `answer`.
   */
  | { status: "answered"; answer: string; usage: Usage; citations?: UrlCitation[] }
  /** The response was cut short (e.g. `max_output_tokens`); its tool calls were not run. */
  | { status: "incomplete"; answer: string; reason?: string; usage: Usage }
  /** A model call failed after its retries, or the iteration cap was reached. */
  | { status: "failed"; error: TurnError; usage: Usage }
  /**
   * The signal fired; the log records the interruption and stays resumable. `answer` holds the
   * text the interrupted response had streamed, else the answer of the last finished response.
   */
  | { status: "interrupted"; answer: string; usage: Usage };

/** A tool call as the turn logged it. */
type Call = Extract<CanonicalEvent, { type: "tool_call" }>["data"];

/** How long an aborted tool call may take to stop before the turn moves on without it. */
const TOOL_STOP_GRACE_MS = 3_000;

/** Runs one turn for `options.prompt` and reports how it ended. */
export function runTurn(options: TurnOptions): Promise<TurnOutcome> {
  return new Turn(options).run();
}

/** One turn's progress: its number, the usage and answer so far. */
class Turn {
  readonly #options: TurnOptions;
  readonly #number: number;
  #usage: Usage = ZERO_USAGE;
  #answer = "";
  #citations: UrlCitation[] = [];
  /** The `x-codex-turn-state` of the turn's latest response, echoed on its next requests. */
  #turnState: string | undefined;

  constructor(options: TurnOptions) {
    this.#options = options;
    // Turn numbers count user messages, so a listing can count turns from the log's tail.
    this.#number = options.session.turns + 1;
  }

  async run(): Promise<TurnOutcome> {
    const { signal, model, effort, prompt, provider } = this.#options;
    const cap = this.#options.maxModelCalls ?? DEFAULT_MAX_ITERATIONS;
    const images = this.#options.images ?? [];
    const { environment, context = [] } = this.#options;
    await this.#record({
      type: "user_message",
      data: {
        text: prompt,
        ...(images.length > 0 ? { images: [...images] } : {}),
        ...(environment === undefined ? {} : { environment }),
        ...(context.length > 0 ? { context: [...context] } : {}),
      },
    });
    await this.#record({
      type: "turn_started",
      data: { turn: this.#number, model, effort, ...(provider === undefined ? {} : { provider }) },
    });
    for (let modelCalls = 0;; modelCalls++) {
      if (signal.aborted) return await this.#interrupt([]);
      if (modelCalls === cap) {
        return await this.#fail({
          kind: "iteration_cap",
          message: `stopped after ${cap} model calls in one turn (the iteration cap)`,
          limit: cap,
        });
      }
      const response = await this.#respond();
      if (response.kind === "aborted") {
        await this.#recordPartial(response.partial);
        return await this.#interrupt([]);
      }
      if (response.kind === "failed") return await this.#fail(response.error);
      const calls = await this.#recordResponse(response.done, response.items);
      if (response.done.status === "incomplete") {
        return await this.#incomplete(response.done.reason, calls);
      }
      if (calls.length === 0) {
        await this.#finish({
          type: "turn_completed",
          data: { turn: this.#number, status: "completed" },
        });
        const cited = this.#citations.length > 0 ? { citations: this.#citations } : {};
        return { status: "answered", answer: this.#answer, usage: this.#usage, ...cited };
      }
      const unfinished = await this.#runCalls(calls);
      if (unfinished.length > 0) return await this.#interrupt(unfinished);
    }
  }

  /**
   * Makes the next model call, compacting first when the context is past the threshold, and
   * compacting then retrying once when the request did not fit the window.
   */
  async #respond(): Promise<ModelResponse> {
    const { autoCompact, session, model } = this.#options;
    if (autoCompact !== undefined) {
      const { percent } = contextUsage(session.events, model, autoCompact.catalog);
      // A failed threshold compaction is not fatal: the request may still fit.
      if (percent >= autoCompact.atPercent) await this.#compact("threshold");
    }
    const response = await this.#call();
    if (response.kind !== "failed" || response.error.kind !== "context_overflow") return response;
    if (!await this.#compact("overflow")) return response;
    return await this.#call();
  }

  /** One model call of this turn, keeping the turn state its response hands back. */
  async #call(): Promise<ModelResponse> {
    const response = await consumeModelCall(this.#callOptions(), this.#request());
    if (response.kind === "done" && response.turnState !== undefined) {
      this.#turnState = response.turnState;
    }
    return response;
  }

  /** Compacts the session's history; true when a summary was logged. */
  async #compact(reason: CompactionReason): Promise<boolean> {
    const { session, model, effort, callModel, emit, signal } = this.#options;
    const { compactSession }: typeof Compaction = await import(COMPACTION_MODULE);
    const outcome = await compactSession({
      session,
      model,
      effort,
      callModel,
      reason,
      emit,
      signal,
      ...(this.#options.provider === undefined ? {} : { provider: this.#options.provider }),
      ...(this.#options.autoCompact ? { catalog: this.#options.autoCompact.catalog } : {}),
    });
    if (outcome.ok && outcome.usage) this.#usage = addUsage(this.#usage, outcome.usage);
    return outcome.ok;
  }

  /** How model calls stream: deltas and retry notices are emitted as they come. */
  #callOptions(): ModelCallOptions {
    const { callModel, signal, emit, session } = this.#options;
    return { callModel, signal, ephemeral: (event) => emit(session.stamp(event)) };
  }

  /** The next request: the whole history folded from the log. */
  #request(): ModelRequest {
    const { session, model } = this.#options;
    return {
      model,
      effort: this.#options.effort,
      instructions: this.#options.instructions,
      input: foldHistory(session.events, model, this.#options.provider),
      tools: this.#options.tools,
      session_id: session.id,
      // The model may batch calls; Pixir runs them one after another, in order.
      parallel_tool_calls: true,
      ...(this.#options.outputFormat ? { output_format: this.#options.outputFormat } : {}),
      ...(this.#turnState === undefined ? {} : { turn_state: this.#turnState }),
      ...(this.#options.webSearch ? { web_search: true } : {}),
    };
  }

  /** Logs a finished response's items in arrival order, then its usage; returns its tool calls. */
  async #recordResponse(done: Done, items: readonly OutputItem[]): Promise<Call[]> {
    const { model } = this.#options;
    const calls: Call[] = [];
    const messages: Message[] = [];
    for (const item of items) {
      const event = itemEvent(item, model, this.#options.provider);
      await this.#record(event);
      if (event.type === "tool_call") calls.push(event.data);
      if (event.type === "assistant_message") messages.push(event.data);
    }
    if (done.usage) {
      const { response_id } = done;
      await this.#record({
        type: "usage",
        data: { ...done.usage, model, ...(response_id ? { response_id } : {}) },
      });
      this.#usage = addUsage(this.#usage, done.usage);
    }
    if (messages.length > 0) {
      ({ text: this.#answer, citations: this.#citations } = answerOf(messages));
    }
    return calls;
  }

  /**
   * Keeps the answer text an interruption cut short: logged as an interrupted assistant message
   * (resumed history sends it back as what the model said) and made the turn's answer.
   */
  async #recordPartial(text: string): Promise<void> {
    if (text.trim() === "") return;
    const { model } = this.#options;
    await this.#record({ type: "assistant_message", data: { model, text, interrupted: true } });
    this.#answer = text;
  }

  /**
   * Runs the calls in order, a run of consecutive parallel calls side by side (their results are
   * logged in call order); returns the calls left unfinished by an abort (none otherwise).
   */
  async #runCalls(calls: readonly Call[]): Promise<readonly Call[]> {
    const { session, signal, emit, runTool, toolOutput } = this.#options;
    // Tools have side effects: make the calls durable before running them.
    await session.flush();
    for (let index = 0; index < calls.length;) {
      if (signal.aborted) return calls.slice(index);
      const batch = this.#batchAt(calls, index);
      for (const { call_id, name, arguments: args } of batch) {
        await emit(
          session.stamp({ type: "tool_started", data: { call_id, name, arguments: args } }),
        );
      }
      const running = Promise.all(
        batch.map((call) => runTool(call.name, call.arguments, signal, call.call_id)),
      );
      const results = await untilAborted(running, signal);
      if (results === ABORTED) {
        // Give the tools a moment to stop what they started (a shell kills its process group), so
        // nothing outlives Pixir; a tool that ignores the signal still cannot hang the turn.
        await settledWithin(running, this.#options.toolStopGraceMs ?? TOOL_STOP_GRACE_MS);
        return calls.slice(index);
      }
      for (const [at, { call_id, name }] of batch.entries()) {
        const result = results[at];
        // A child agent's model calls count as this turn's.
        if (result.usage) this.#usage = addUsage(this.#usage, result.usage);
        await this.#record({
          type: "tool_result",
          data: {
            call_id,
            name,
            ok: result.ok,
            output: toolOutput(result),
            ...(result.ok ? {} : { error: result.error }),
          },
        });
      }
      index += batch.length;
    }
    return [];
  }

  /** The calls that run together from `index`: consecutive parallel calls, else the one call. */
  #batchAt(calls: readonly Call[], index: number): readonly Call[] {
    const parallel = this.#options.parallelTools ?? new Set();
    let end = index + 1;
    if (parallel.has(calls[index].name)) {
      while (end < calls.length && parallel.has(calls[end].name)) end++;
    }
    return calls.slice(index, end);
  }

  /** Ends a cut-short response: its calls are answered as not run, since they may be truncated. */
  async #incomplete(reason: string | undefined, calls: readonly Call[]): Promise<TurnOutcome> {
    const notRun: ToolError = {
      kind: "aborted",
      message: `Not run: the response was incomplete (${reason ?? "no reason given"}).`,
    };
    for (const call of calls) await this.#record(this.#unfinishedResult(call, notRun));
    const because = reason === undefined ? {} : { reason };
    await this.#finish({
      type: "turn_completed",
      data: { turn: this.#number, status: "incomplete", ...because },
    });
    return { status: "incomplete", answer: this.#answer, ...because, usage: this.#usage };
  }

  async #fail(error: TurnError): Promise<TurnOutcome> {
    await this.#finish({
      type: "turn_failed",
      data: { turn: this.#number, error: recordedError(error) },
    });
    return { status: "failed", error, usage: this.#usage };
  }

  /** Ends an aborted turn so the log stays resumable: every logged call gets a result. */
  async #interrupt(unfinished: readonly Call[]): Promise<TurnOutcome> {
    for (const call of unfinished) {
      await this.#record(this.#unfinishedResult(call, INTERRUPTED_TOOL_ERROR));
    }
    await this.#finish({
      type: "interrupted",
      data: { turn: this.#number, reason: interruptReason(this.#options.signal) },
    });
    return { status: "interrupted", answer: this.#answer, usage: this.#usage };
  }

  /** A synthetic result for a logged call that was not run to the end. */
  #unfinishedResult(call: Call, error: ToolError): CanonicalEvent {
    return {
      type: "tool_result",
      data: {
        call_id: call.call_id,
        name: call.name,
        ok: false,
        output: this.#options.toolOutput({ ok: false, error }),
        error,
        synthetic: true,
      },
    };
  }

  /** Appends an event to the log, then emits its envelope. */
  async #record(event: CanonicalEvent): Promise<void> {
    await this.#options.emit(await this.#options.session.append(event));
  }

  /** Records the turn's last event and makes the log durable. */
  async #finish(event: CanonicalEvent): Promise<void> {
    await this.#record(event);
    await this.#options.session.flush();
  }
}

/** The canonical event for a finished output item of `model`. */
function itemEvent(item: OutputItem, model: string, provider?: string): CanonicalEvent {
  switch (item.type) {
    case "reasoning":
      return {
        type: "reasoning",
        data: {
          model,
          ...(provider === undefined ? {} : { provider }),
          summary: item.summary,
          encrypted_content: item.encrypted_content ?? null,
        },
      };
    case "message":
      return {
        type: "assistant_message",
        data: {
          model,
          text: item.content.map((part) => part.text).join(""),
          ...(item.phase === undefined ? {} : { phase: item.phase }),
          ...(item.citations === undefined ? {} : { citations: item.citations }),
        },
      };
    case "web_search_call":
      return {
        type: "web_search",
        data: {
          model,
          ...(provider === undefined ? {} : { provider }),
          status: item.status,
          action: item.action,
        },
      };
    case "function_call":
      return {
        type: "tool_call",
        data: { model, call_id: item.call_id, name: item.name, arguments: item.arguments },
      };
  }
}

/** An assistant message as the answer is made from it. */
type Message = Extract<CanonicalEvent, { type: "assistant_message" }>["data"];

/**
 * A response's answer: its final-answer messages when it labels them, else all its messages, with
 * their citations' indexes moved into the joined text.
 */
function answerOf(messages: readonly Message[]): { text: string; citations: UrlCitation[] } {
  const finals = messages.filter((message) => message.phase === "final_answer");
  const SEPARATOR = "\n\n";
  let text = "";
  const citations: UrlCitation[] = [];
  for (const message of finals.length > 0 ? finals : messages) {
    if (text !== "") text += SEPARATOR;
    for (const citation of message.citations ?? []) {
      citations.push({
        ...citation,
        start_index: citation.start_index + text.length,
        end_index: citation.end_index + text.length,
      });
    }
    text += message.text;
  }
  return { text, citations };
}

/** The failure as the log records it: kind and message, every other known fact as details. */
function recordedError(error: TurnError): RecordedError {
  const { kind, message, ...facts } = error;
  const details = Object.fromEntries(
    Object.entries(facts).filter(([, value]) => value !== undefined),
  );
  return Object.keys(details).length > 0 ? { kind, message, details } : { kind, message };
}

function interruptReason(signal: AbortSignal): "sigint" | "sigterm" | "aborted" {
  return signal.reason === "sigint" || signal.reason === "sigterm" ? signal.reason : "aborted";
}

/** Waits until `promise` settles (either way) or `ms` pass, whichever is first. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => timer = setTimeout(resolve, ms));
  try {
    await Promise.race([promise.then(() => undefined, () => undefined), elapsed]);
  } finally {
    clearTimeout(timer);
  }
}
