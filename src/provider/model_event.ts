/** What one model call yields to the agent: deltas while it streams, then exactly one ending. */

import type { ProviderError } from "./error.ts";
import type { OutputItem, Usage } from "./item.ts";
import type { QuotaSnapshot } from "../quota/snapshot.ts";

/** Events of one model call, in arrival order; the last is always `done` or `failed`. */
export type ModelEvent =
  /**
   * The plan's usage windows, read from a response's headers as soon as they arrive (error
   * replies included). Unlike items and deltas, it stays true when its attempt is retried.
   */
  | { type: "quota"; snapshot: QuotaSnapshot }
  /** The server accepted the request. */
  | { type: "created"; response_id: string }
  /** The response's `x-codex-turn-state` header, to echo on the turn's following requests. */
  | { type: "turn_state"; value: string }
  /** A piece of assistant text. */
  | { type: "text_delta"; item_id: string; delta: string }
  /** A piece of a reasoning summary. */
  | { type: "reasoning_delta"; item_id: string; delta: string }
  /** A finished output item (from `response.output_item.done`, the authoritative source). */
  | { type: "item"; item: OutputItem }
  /**
   * The attempt failed with a retryable error and will be re-sent after `delay_ms`; items and
   * deltas already yielded by the failed attempt must be discarded by the consumer.
   */
  | { type: "retrying"; attempt: number; delay_ms: number; error: ProviderError }
  /** The terminal success: `completed`, or `incomplete` with the server's reason. */
  | {
    type: "done";
    status: "completed" | "incomplete";
    reason?: string;
    usage: Usage | null;
    response_id?: string;
  }
  /** The terminal failure, after retries (if any) were spent. */
  | { type: "failed"; error: ProviderError };
