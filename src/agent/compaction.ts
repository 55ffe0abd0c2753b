/**
 * Compaction: the model summarises the older part of a session so the history sent with each
 * request fits the context window again. The summary is logged as a `compaction` event; the log
 * keeps every event it replaces, and `foldHistory` does the replacing.
 */

import type { ProviderError } from "../provider/error.ts";
import type { Usage } from "../provider/item.ts";
import type { ReasoningEffort } from "../provider/request.ts";
import type {
  CanonicalEvent,
  CompactionData,
  CompactionReason,
  Envelope,
  EphemeralEvent,
} from "./event.ts";
import { foldHistory } from "./history.ts";
import { consumeModelCall, type ModelCall } from "./model_call.ts";
import { contextUsage } from "./context_usage.ts";
import { type ModelInfo, modelInfo } from "../provider/models.ts";
import type { Session } from "./session.ts";
import { currentPlan } from "./plan.ts";
import type { PlanData } from "../tools/plan.ts";

/** Items (messages, calls, results) kept as they are after the summary. */
export const KEEP_TAIL_ITEMS = 6;

/** Largest share of the context window the kept tail may take, so the summary always helps. */
export const TAIL_WINDOW_SHARE = 0.2;

/** How much of the recent history a compaction keeps as it is. */
export interface TailLimit {
  /** Messages, calls and results to keep. */
  items: number;
  /** Estimated tokens the kept events may take at most. */
  tokens: number;
}

/** What the summarising call is told to write. */
export const COMPACTION_INSTRUCTIONS =
  `You are summarising a coding session so that it can continue with less context.
Write a concise summary that another engineer could pick the work up from, with these headings:
## Goal — what the user asked for, in their terms.
## Decisions — choices made and why.
## Files touched — paths read, created or changed, with what changed.
## Open items — the plan's remaining steps, one per line as "- [ ] …".
## Next step — the very next thing to do.
Keep exact names, paths, commands and error messages. Do not call tools; answer with the summary only.`;

/** Everything one compaction needs; effects come in as functions. */
export interface CompactOptions {
  session: Session;
  /** The model that writes the summary, and whose history is folded. */
  model: string;
  /** The provider `callModel` talks to (its encrypted reasoning is replayed; others' is not). */
  provider?: string;
  effort: ReasoningEffort;
  callModel: ModelCall;
  reason: CompactionReason;
  /** What the summary should pay most attention to. */
  focus?: string;
  /** Receives the logged usage and compaction events, and retry notices. */
  emit(envelope: Envelope): void | Promise<void>;
  signal: AbortSignal;
  /** Where the model's context window is known, besides the built-in table. */
  catalog?: readonly ModelInfo[];
  /**
   * What is kept after the summary; default `KEEP_TAIL_ITEMS` items within `TAIL_WINDOW_SHARE`
   * of the window.
   */
  tail?: TailLimit;
}

/** Why there was nothing to compact. */
export interface NothingToCompact {
  kind: "nothing_to_compact";
  message: string;
}

/** How a compaction ended: the logged event and the call's usage, or why it did not happen. */
export type CompactionOutcome =
  | {
    ok: true;
    compaction: CompactionData;
    usage: Usage | null;
  }
  | { ok: false; error: ProviderError | NothingToCompact };

/** Summarises the session's older events with one model call and logs the compaction. */
export async function compactSession(options: CompactOptions): Promise<CompactionOutcome> {
  const { session, model, focus, signal } = options;
  const events = session.events;
  const window = modelInfo(model, options.catalog).context_window;
  const tail = options.tail ?? { items: KEEP_TAIL_ITEMS, tokens: window * TAIL_WINDOW_SHARE };
  const through = compactionBoundary(events, tail);
  if (through === undefined) {
    return {
      ok: false,
      error: { kind: "nothing_to_compact", message: "there is no earlier conversation to compact" },
    };
  }
  const tokensBefore = contextUsage(events, model, options.catalog).used_tokens;
  // Earlier compactions stay in: the older summary is part of what the new one must cover.
  const older = events.filter((event) => event.seq <= through || event.type === "compaction");
  const ask = focus === undefined
    ? "Summarise the conversation above."
    : `Summarise the conversation above. Focus on: ${focus}`;
  const response = await consumeModelCall(
    {
      callModel: options.callModel,
      signal,
      // Only retry notices: the summary's text is not an answer to show as it streams.
      ephemeral: async (event: EphemeralEvent) => {
        if (event.type === "retrying") await options.emit(session.stamp(event));
      },
    },
    {
      model,
      effort: options.effort,
      instructions: COMPACTION_INSTRUCTIONS,
      input: [
        ...foldHistory(older, model, options.provider),
        { type: "message", role: "user", content: [{ type: "input_text", text: ask }] },
      ],
      tools: [],
      session_id: session.id,
      parallel_tool_calls: false,
    },
  );
  if (response.kind === "aborted") {
    return { ok: false, error: { kind: "aborted", message: "interrupted", retryable: false } };
  }
  if (response.kind === "failed") return { ok: false, error: response.error };
  const summary = response.items.flatMap((item) =>
    item.type === "message" ? item.content.map((part) => part.text) : []
  ).join("").trim();
  if (summary === "") {
    return {
      ok: false,
      error: {
        kind: "server_error",
        message: "the model returned an empty summary",
        retryable: false,
      },
    };
  }
  const { usage, response_id } = response.done;
  if (usage) {
    await options.emit(
      await session.append({
        type: "usage",
        data: { ...usage, model, ...(response_id ? { response_id } : {}) },
      }),
    );
  }
  const compaction: CompactionData = {
    summary,
    reason: options.reason,
    ...(focus === undefined ? {} : { focus }),
    replaces_through_seq: through,
    model,
    tokens_before: tokensBefore,
    ...planKept(session.events),
  };
  await options.emit(await session.append({ type: "compaction", data: compaction }));
  await session.flush();
  return { ok: true, compaction, usage };
}

/** The plan in force, for the compaction to carry past the events it replaces. */
function planKept(events: readonly CanonicalEvent[]): { plan?: PlanData } {
  const plan = currentPlan(events);
  return plan === null ? {} : { plan };
}

/**
 * The last seq a new summary should replace so that about `tail.items` items, and no more than
 * `tail.tokens` estimated tokens, stay after it; undefined when nothing new could be replaced.
 * The kept tail starts at a clean boundary: never between a call and its result, never right
 * after reasoning (which belongs to the next item). At least one new item is always replaced, so
 * the tail may come out shorter than asked.
 */
export function compactionBoundary(
  events: readonly Envelope<CanonicalEvent>[],
  tail: TailLimit,
): number | undefined {
  let replacedBefore = -1;
  for (const event of events) {
    if (event.type === "compaction") {
      replacedBefore = Math.max(replacedBefore, event.data.replaces_through_seq);
    }
  }
  // The first index whose event is not yet replaced.
  const first = events.findIndex((event) => event.seq > replacedBefore);
  if (first === -1) return undefined;
  const split = splitPairs(events);
  let kept = 0;
  let tokens = 0;
  let best: number | undefined;
  // `start` is where the kept tail would begin; walking back keeps more, until enough are kept.
  for (let start = events.length; start > first; start--) {
    if (start < events.length) {
      if (isItem(events[start])) kept++;
      tokens += estimatedTokens(events[start]);
      if (tokens > tail.tokens) break;
    }
    if (isCleanStart(events, start, split) && replacesItems(events, first, start)) best = start;
    if (kept >= tail.items && best === start) break;
  }
  return best === undefined ? undefined : events[best - 1].seq;
}

/** Whether the tail may begin at `start`. */
function isCleanStart(
  events: readonly Envelope<CanonicalEvent>[],
  start: number,
  split: ReadonlySet<number>,
): boolean {
  if (start === events.length) return true;
  const type = events[start].type;
  const begins = type === "user_message" || type === "reasoning" ||
    type === "assistant_message" || type === "tool_call";
  return begins && events[start - 1].type !== "reasoning" && !split.has(start);
}

/** Indexes a tail could not start at because a call before them is answered at or after them. */
function splitPairs(events: readonly Envelope<CanonicalEvent>[]): Set<number> {
  const calledAt = new Map<string, number>();
  const split = new Set<number>();
  events.forEach((event, index) => {
    if (event.type === "tool_call" && !calledAt.has(event.data.call_id)) {
      calledAt.set(event.data.call_id, index);
    } else if (event.type === "tool_result") {
      const call = calledAt.get(event.data.call_id);
      if (call !== undefined) { for (let i = call + 1; i <= index; i++) split.add(i); }
    }
  });
  return split;
}

/**
 * Whether events[from, to) hold something worth summarising: prompts alone are not, since the
 * folded history restates them verbatim anyway.
 */
function replacesItems(
  events: readonly Envelope<CanonicalEvent>[],
  from: number,
  to: number,
): boolean {
  return events.slice(from, to).some((event) => isItem(event) && event.type !== "user_message");
}

/** A rough token count of what an event adds to a request: about four characters a token. */
function estimatedTokens(event: CanonicalEvent): number {
  switch (event.type) {
    case "user_message":
    case "assistant_message":
      return Math.ceil(event.data.text.length / 4);
    case "tool_call":
      return Math.ceil(event.data.arguments.length / 4);
    case "tool_result":
      return Math.ceil(event.data.output.length / 4);
    case "reasoning":
      return Math.ceil((event.data.encrypted_content ?? "").length / 4);
    default:
      return 0;
  }
}

function isItem(event: CanonicalEvent): boolean {
  return event.type === "user_message" || event.type === "assistant_message" ||
    event.type === "tool_call" || event.type === "tool_result";
}
