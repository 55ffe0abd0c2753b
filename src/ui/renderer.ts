/** What every renderer of a run (plain text, JSON, JSONL) does with events and the ending. */

import type { Envelope } from "../agent/event.ts";
import type { RunResult } from "./result.ts";

/** Receives a run's events as they happen, then its result. */
export interface Renderer {
  /** One event: a canonical envelope (also in the log) or an ephemeral one. */
  event(envelope: Envelope): Promise<void>;
  /** The run ended; `hint` is the resume command, when there is a session to resume. */
  finish(result: RunResult, hint?: string): Promise<void>;
}
