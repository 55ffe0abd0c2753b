/**
 * One model call carried to its end: deltas go out as ephemeral events while the call streams, and
 * its finished output items are collected for the caller to log.
 */

import type { ProviderError } from "../provider/error.ts";
import type { OutputItem } from "../provider/item.ts";
import type { ModelEvent } from "../provider/model_event.ts";
import type { ModelRequest } from "../provider/request.ts";
import type { EphemeralEvent } from "./event.ts";

/** One model call, retries included: the provider's `streamResponse` with its dependencies bound. */
export type ModelCall = (request: ModelRequest, signal: AbortSignal) => AsyncIterable<ModelEvent>;

/** The terminal success of a model call. */
export type Done = Extract<ModelEvent, { type: "done" }>;

/** What one model call came to. */
export type ModelResponse =
  /** `turnState`: the last `x-codex-turn-state` the call's responses carried, if any. */
  | { kind: "done"; done: Done; items: OutputItem[]; turnState?: string }
  | { kind: "failed"; error: ProviderError }
  /** `partial` is the answer text the aborted attempt had streamed so far. */
  | { kind: "aborted"; partial: string };

/** What consuming a model call needs. */
export interface ModelCallOptions {
  callModel: ModelCall;
  /** Ends the call; the response is then `aborted`. */
  signal: AbortSignal;
  /** Receives deltas and retry notices as they happen. */
  ephemeral(event: EphemeralEvent): void | Promise<void>;
}

const STREAM_ENDED: ProviderError = Object.freeze({
  kind: "stream_closed",
  message: "the model call ended without a final event",
  retryable: false,
});

/** What `untilAborted` settles with when the signal fires first. */
export const ABORTED = Symbol("aborted");

/**
 * Streams one model call, forwarding deltas as ephemeral events and collecting its finished items.
 * Items of an attempt that is retried are discarded: the retry produces the response anew.
 */
export async function consumeModelCall(
  options: ModelCallOptions,
  request: ModelRequest,
): Promise<ModelResponse> {
  const { signal, ephemeral } = options;
  const iterator = options.callModel(request, signal)[Symbol.asyncIterator]();
  let items: OutputItem[] = [];
  let partial = "";
  let turnState: string | undefined;
  let aborted = false;
  // One abort listener for the whole call rather than one per event (`untilAborted`): each of a
  // long answer's thousands of events waits on the next one or on the abort, whichever is first.
  let wake: ((value: typeof ABORTED) => void) | undefined;
  const onAbort = () => wake?.(ABORTED);
  signal.addEventListener("abort", onAbort, { once: true });
  const step = () =>
    new Promise<IteratorResult<ModelEvent> | typeof ABORTED>((resolve, reject) => {
      wake = resolve;
      if (signal.aborted) resolve(ABORTED);
      // A late rejection after an abort settles nothing, but is never unhandled.
      iterator.next().then(resolve, reject);
    });
  try {
    for (;;) {
      const next = await step();
      if (next === ABORTED) {
        aborted = true;
        return { kind: "aborted", partial };
      }
      if (next.done) return { kind: "failed", error: STREAM_ENDED };
      const event = next.value;
      switch (event.type) {
        case "quota":
        case "created":
          break;
        case "turn_state":
          turnState = event.value;
          break;
        case "text_delta":
          partial += event.delta;
          await ephemeral({ type: "text_delta", data: { delta: event.delta } });
          break;
        case "reasoning_delta":
          await ephemeral({ type: "reasoning_delta", data: { delta: event.delta } });
          break;
        case "item":
          items.push(event.item);
          break;
        case "retrying":
          items = [];
          partial = "";
          await ephemeral({
            type: "retrying",
            data: { attempt: event.attempt, delay_ms: event.delay_ms, error: event.error },
          });
          break;
        case "done":
          return { kind: "done", done: event, items, ...(turnState ? { turnState } : {}) };
        case "failed":
          return { kind: "failed", error: event.error };
      }
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    // Closing lets the provider release its connection. After an abort the provider may still be
    // inside a read that only the signal ends, so the turn does not wait for it.
    const closing = iterator.return?.();
    if (aborted) closing?.catch(() => undefined);
    else await closing;
  }
}

/** Settles with the promise's outcome, or with `ABORTED` as soon as the signal fires. */
export function untilAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal,
): Promise<T | typeof ABORTED> {
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    // Both handlers stay attached even after an abort, so a late rejection is never unhandled.
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
