/** The final object of `--json` and the last line of `--jsonl`: one stable, versioned shape. */

import type { UrlCitation, Usage } from "../provider/item.ts";
import type { ContextUsage } from "../agent/context_usage.ts";

/** Version of the final result object. */
export const RESULT_VERSION = 1;

/** A failure as the result reports it (the boundary's `{kind, message, details}`). */
export interface ResultError {
  kind: string;
  message: string;
  details: Record<string, unknown>;
}

/** The final result of a run, as scripts read it. */
export interface RunResult {
  v: number;
  ok: boolean;
  session_id: string | null;
  /** "answered", "incomplete" (the model stopped early), or "failed". */
  status: "answered" | "incomplete" | "failed";
  answer: string;
  usage: Usage;
  /** The web pages the answer cites (hosted web search); indexes are into `answer`. */
  citations?: UrlCitation[];
  /** The model's context in use after the turn; absent when no session was reached. */
  context?: ContextUsage;
  /** The answer parsed as JSON, when `--output-schema` was given and the answer matched it. */
  output?: unknown;
  error?: ResultError;
}

/** Usage of zero tokens, for runs that never reached the model. */
export const NO_USAGE: Usage = Object.freeze({
  input_tokens: 0,
  cached_tokens: 0,
  output_tokens: 0,
  reasoning_tokens: 0,
  total_tokens: 0,
});

/** Builds the final result object. */
export function runResult(
  fields: {
    sessionId: string | null;
    answer?: string;
    usage?: Usage;
    citations?: UrlCitation[];
    context?: ContextUsage;
    incomplete?: boolean;
    failure?: { toJSON(): ResultError };
    /** The validated structured answer (a wrapper, since the value itself may be null). */
    output?: { value: unknown };
  },
): RunResult {
  const result: RunResult = {
    v: RESULT_VERSION,
    ok: fields.failure === undefined,
    session_id: fields.sessionId,
    status: fields.failure ? "failed" : fields.incomplete ? "incomplete" : "answered",
    answer: fields.answer ?? "",
    usage: fields.usage ?? NO_USAGE,
  };
  if (fields.citations && fields.citations.length > 0) result.citations = fields.citations;
  if (fields.context) result.context = fields.context;
  if (fields.output) result.output = fields.output.value;
  if (fields.failure) result.error = fields.failure.toJSON();
  return result;
}
