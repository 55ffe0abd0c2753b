/**
 * What the Responses backend sends, as data: stream events shaped exactly like the reference
 * fixtures (J.1, J.2, J.3), and the HTTP failure replies a client must classify.
 */

import type { Usage } from "../../src/provider/item.ts";
import type { HttpReply } from "./reply.ts";
import type { StreamEvent } from "./sse.ts";

/** Options of `textAnswer`. */
export interface TextAnswerOptions {
  /** Pieces of `text` sent as `response.output_text.delta`; must join to `text`. Default `[text]`. */
  deltas?: readonly string[];
  /** Default `"gpt-5.5"`. */
  model?: string;
  /** Whether a reasoning item precedes the message. Default true. */
  reasoning?: boolean;
  /** Default `"resp_fx1"`; item ids are derived from it. */
  responseId?: string;
  /** Default J.1's usage. */
  usage?: Usage;
}

/** Options of `toolCallAnswer`. */
export interface ToolCallAnswerOptions {
  name: string;
  /** The call's arguments, a JSON string. */
  arguments: string;
  callId: string;
  /** Pieces of `arguments` sent as deltas; must join to it. Default: two halves. */
  argumentDeltas?: readonly string[];
  /** Default `"gpt-5.5"`. */
  model?: string;
  /** Default `"resp_fx2"`; item ids are derived from it. */
  responseId?: string;
  /** Default J.2's usage. */
  usage?: Usage;
}

/** The reasoning summary J.1 streams. */
export const REASONING_SUMMARY = "**Answering a greeting**";

/** The message of the `server_is_overloaded` errors. */
export const OVERLOADED_MESSAGE = "Our servers are currently overloaded. Please try again later.";

/** The message of J.3a's context overflow. */
export const CONTEXT_OVERFLOW_MESSAGE =
  "Your input exceeds the context window of this model. Please adjust your input and try again.";

/** J.1's suggested quota headers for a successful stream. */
export const QUOTA_HEADERS: Readonly<Record<string, string>> = {
  "x-codex-primary-used-percent": "12.5",
  "x-codex-primary-window-minutes": "300",
  "x-codex-primary-reset-at": "1767243600",
  "x-codex-secondary-used-percent": "3",
  "x-codex-secondary-window-minutes": "10080",
  "x-request-id": "req_fx1",
};

/** The `{"detail": …}` texts of the backend's request-shape 400s (J.3e). */
export const DETAIL = {
  store: "Store must be set to false",
  stream: "Stream must be set to true",
  instructions: "Instructions are required",
  maxOutputTokens: "Unsupported parameter: max_output_tokens",
} as const;

const J1_USAGE: Usage = {
  input_tokens: 1834,
  cached_tokens: 1536,
  output_tokens: 41,
  reasoning_tokens: 28,
  total_tokens: 1875,
};

const J2_USAGE: Usage = {
  input_tokens: 2210,
  cached_tokens: 0,
  output_tokens: 64,
  reasoning_tokens: 40,
  total_tokens: 2274,
};

/** A streamed text answer, optionally after a reasoning item (J.1). */
export function textAnswer(text: string, options: TextAnswerOptions = {}): StreamEvent[] {
  const deltas = options.deltas ?? [text];
  assertPieces(deltas, text, "deltas");
  const responseId = options.responseId ?? "resp_fx1";
  const response = responseHead(responseId, 1767225600, options.model ?? "gpt-5.5");
  const messageId = `msg_${idSuffix(responseId)}`;
  const events: StreamEvent[] = [
    { type: "response.created", response },
    { type: "response.in_progress", response },
  ];
  const reasoning = options.reasoning ?? true;
  if (reasoning) events.push(...reasoningEvents(`rs_${idSuffix(responseId)}`, 0));
  const outputIndex = reasoning ? 1 : 0;
  const at = { item_id: messageId, output_index: outputIndex, content_index: 0 };
  const item = { id: messageId, type: "message" };
  const part = (partText: string) => ({ type: "output_text", annotations: [], text: partText });
  events.push(
    {
      type: "response.output_item.added",
      output_index: outputIndex,
      item: { ...item, status: "in_progress", role: "assistant", content: [] },
    },
    { type: "response.content_part.added", ...at, part: part("") },
    ...deltas.map((delta) => ({ type: "response.output_text.delta", ...at, delta })),
    { type: "response.output_text.done", ...at, text },
    { type: "response.content_part.done", ...at, part: part(text) },
    {
      type: "response.output_item.done",
      output_index: outputIndex,
      item: { ...item, status: "completed", role: "assistant", content: [part(text)] },
    },
    completed(response, options.usage ?? J1_USAGE),
  );
  return numbered(events);
}

/** A streamed call of one function tool, after an empty reasoning item (J.2). */
export function toolCallAnswer(options: ToolCallAnswerOptions): StreamEvent[] {
  const args = options.arguments;
  const half = Math.ceil(args.length / 2);
  const deltas = options.argumentDeltas ?? [args.slice(0, half), args.slice(half)];
  assertPieces(deltas, args, "argumentDeltas");
  const responseId = options.responseId ?? "resp_fx2";
  const suffix = idSuffix(responseId);
  const response = responseHead(responseId, 1767225700, options.model ?? "gpt-5.5");
  const reasoning = { id: `rs_${suffix}`, type: "reasoning", summary: [] };
  const call = { id: `fc_${suffix}`, type: "function_call" };
  const at = { item_id: call.id, output_index: 1 };
  const callFields = { call_id: options.callId, name: options.name };
  return numbered([
    { type: "response.created", response },
    { type: "response.output_item.added", output_index: 0, item: reasoning },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { ...reasoning, encrypted_content: "gAAAAABfakeEncryptedReasoningBlob2==" },
    },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { ...call, status: "in_progress", arguments: "", ...callFields },
    },
    ...deltas.map((delta) => ({ type: "response.function_call_arguments.delta", ...at, delta })),
    { type: "response.function_call_arguments.done", ...at, arguments: args },
    {
      type: "response.output_item.done",
      output_index: 1,
      item: { ...call, status: "completed", arguments: args, ...callFields },
    },
    completed(response, options.usage ?? J2_USAGE),
  ]);
}

/** A page a web-search answer cites, and the span of the answer that cites it. */
export interface CitedPage {
  url: string;
  title: string;
  /** The cited span of the answer text. */
  start: number;
  end: number;
}

/** Options of `webSearchAnswer`. */
export interface WebSearchAnswerOptions {
  /** What the model searched for. */
  query: string;
  /** The answer written after the search. */
  text: string;
  /** The `url_citation` annotations of the answer. */
  citations?: readonly CitedPage[];
  /** Default `"completed"`. */
  status?: string;
  /** Default `"resp_ws1"`; item ids are derived from it. */
  responseId?: string;
  /** Default J.1's usage. */
  usage?: Usage;
}

/**
 * A response in which the model runs the hosted web search, then answers citing pages: the
 * `web_search_call` item with its progress events (in progress, searching, completed), then a
 * message whose text part carries `url_citation` annotations, each also announced by
 * `response.output_text.annotation.added`.
 */
export function webSearchAnswer(options: WebSearchAnswerOptions): StreamEvent[] {
  const responseId = options.responseId ?? "resp_ws1";
  const suffix = idSuffix(responseId);
  const response = responseHead(responseId, 1767225900, "gpt-5.5");
  const searchId = `ws_${suffix}`;
  const messageId = `msg_${suffix}`;
  const status = options.status ?? "completed";
  const annotations = (options.citations ?? []).map((page) => ({
    type: "url_citation",
    start_index: page.start,
    end_index: page.end,
    url: page.url,
    title: page.title,
  }));
  const action = {
    type: "search",
    query: options.query,
    sources: (options.citations ?? []).map((page) => ({ type: "url", url: page.url })),
  };
  const searchAt = { output_index: 0, item_id: searchId };
  const at = { item_id: messageId, output_index: 1, content_index: 0 };
  const part = (text: string, withAnnotations: boolean) => ({
    type: "output_text",
    annotations: withAnnotations ? annotations : [],
    text,
  });
  const message = { id: messageId, type: "message" };
  return numbered([
    { type: "response.created", response },
    { type: "response.in_progress", response },
    {
      type: "response.output_item.added",
      output_index: 0,
      item: { id: searchId, type: "web_search_call", status: "in_progress" },
    },
    { type: "response.web_search_call.in_progress", ...searchAt },
    { type: "response.web_search_call.searching", ...searchAt },
    { type: "response.web_search_call.completed", ...searchAt },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { id: searchId, type: "web_search_call", status, action },
    },
    {
      type: "response.output_item.added",
      output_index: 1,
      item: { ...message, status: "in_progress", role: "assistant", content: [] },
    },
    { type: "response.content_part.added", ...at, part: part("", false) },
    { type: "response.output_text.delta", ...at, delta: options.text },
    ...annotations.map((annotation, annotation_index) => ({
      type: "response.output_text.annotation.added",
      ...at,
      annotation_index,
      annotation,
    })),
    { type: "response.output_text.done", ...at, text: options.text },
    { type: "response.content_part.done", ...at, part: part(options.text, true) },
    {
      type: "response.output_item.done",
      output_index: 1,
      item: {
        ...message,
        status: "completed",
        role: "assistant",
        content: [part(options.text, true)],
      },
    },
    completed(response, options.usage ?? J1_USAGE),
  ]);
}

/** One function call of `toolCallsAnswer`. */
export interface ScriptedCall {
  name: string;
  /** A JSON string. */
  arguments: string;
  callId: string;
}

/**
 * Several function calls in one response (as the model batches them with
 * `parallel_tool_calls`), each with its argument events, after an empty reasoning item.
 */
export function toolCallsAnswer(
  calls: readonly ScriptedCall[],
  options: { responseId?: string; usage?: Usage } = {},
): StreamEvent[] {
  const responseId = options.responseId ?? "resp_fx5";
  const suffix = idSuffix(responseId);
  const response = responseHead(responseId, 1767225750, "gpt-5.5");
  const reasoning = { id: `rs_${suffix}`, type: "reasoning", summary: [] };
  const events: StreamEvent[] = [
    { type: "response.created", response },
    { type: "response.output_item.added", output_index: 0, item: reasoning },
    {
      type: "response.output_item.done",
      output_index: 0,
      item: { ...reasoning, encrypted_content: "gAAAAABfakeEncryptedReasoningBlob5==" },
    },
  ];
  for (const [n, call] of calls.entries()) {
    const item = { id: `fc_${suffix}_${n}`, type: "function_call" };
    const output_index = n + 1;
    const at = { item_id: item.id, output_index };
    const fields = { call_id: call.callId, name: call.name };
    events.push(
      {
        type: "response.output_item.added",
        output_index,
        item: { ...item, status: "in_progress", arguments: "", ...fields },
      },
      { type: "response.function_call_arguments.delta", ...at, delta: call.arguments },
      { type: "response.function_call_arguments.done", ...at, arguments: call.arguments },
      {
        type: "response.output_item.done",
        output_index,
        item: { ...item, status: "completed", arguments: call.arguments, ...fields },
      },
    );
  }
  events.push(completed(response, options.usage ?? J2_USAGE));
  return numbered(events);
}

/** `response.failed` with an error code, after `response.created` (J.3a and its variants). */
export function inBandFailure(code: string, message: string): StreamEvent[] {
  const head = responseHead("resp_fx3", 1767225800, "gpt-5.5");
  const failed = {
    id: head.id,
    object: head.object,
    created_at: head.created_at,
    status: "failed",
    error: { code, message },
    usage: null,
    metadata: {},
  };
  return numbered([
    { type: "response.created", response: head },
    { type: "response.failed", response: failed },
  ]);
}

/** The context-window overflow failure (J.3a): fatal, never retried. */
export function contextOverflowFailure(): StreamEvent[] {
  return inBandFailure("context_length_exceeded", CONTEXT_OVERFLOW_MESSAGE);
}

/** An `error` event with the details nested under `error` (J.3b, first shape). */
export function errorEventNested(
  code = "server_is_overloaded",
  message = OVERLOADED_MESSAGE,
): StreamEvent[] {
  return [{ type: "error", error: { type: "server_error", code, message }, sequence_number: 2 }];
}

/** An `error` event with the details at the top level, as the public API sends it (J.3b). */
export function errorEventTopLevel(
  code = "server_is_overloaded",
  message = OVERLOADED_MESSAGE,
): StreamEvent[] {
  return [{ type: "error", code, message, param: null, sequence_number: 2 }];
}

/** A `response.incomplete` terminal event (J.3g). */
export function incompleteAnswer(reason = "max_output_tokens"): StreamEvent[] {
  return [{
    type: "response.incomplete",
    sequence_number: 9,
    response: {
      id: "resp_fx4",
      object: "response",
      status: "incomplete",
      incomplete_details: { reason },
      output: [],
      usage: { input_tokens: 900, output_tokens: 4096, total_tokens: 4996 },
    },
  }];
}

/** A text answer streamed as `n` deltas (`"w0 w1 … "`), without reasoning, for benchmarks. */
export function manyDeltasAnswer(n: number): StreamEvent[] {
  const deltas = Array.from({ length: n }, (_, i) => `w${i} `);
  return textAnswer(deltas.join(""), { deltas, reasoning: false });
}

/** A request-shape rejection: 400 `{"detail": …}` (J.3e). */
export function detailReply(detail: string): HttpReply {
  return { status: 400, body: { detail } };
}

/** The `detail` for a parameter the backend refuses. */
export function unsupportedParameter(name: string): string {
  return `Unsupported parameter: ${name}`;
}

/** Options of `usageLimitReply`. */
export interface UsageLimitOptions {
  /** The current time, milliseconds since the epoch; the reset time is computed from it. */
  now: number;
  /** Default 13872 (J.3d). */
  resetsInSeconds?: number;
  /** Default `"plus"`. */
  planType?: string;
}

/** 429 `usage_limit_reached` with its quota headers (J.3d): the plan is spent, never retried. */
export function usageLimitReply(options: UsageLimitOptions): HttpReply {
  const resetsIn = options.resetsInSeconds ?? 13872;
  const resetsAt = Math.floor(options.now / 1000) + resetsIn;
  const plan = options.planType ?? "plus";
  return {
    status: 429,
    headers: {
      "content-type": "application/json",
      "x-codex-active-limit": "premium",
      "x-codex-plan-type": plan,
      "x-codex-primary-used-percent": "100",
      "x-codex-primary-window-minutes": "300",
      "x-codex-primary-reset-at": String(resetsAt),
      "x-codex-primary-reset-after-seconds": String(resetsIn),
      "x-codex-secondary-used-percent": "80",
      "x-codex-secondary-window-minutes": "10080",
    },
    body: {
      error: {
        type: "usage_limit_reached",
        message: "The usage limit has been reached",
        plan_type: plan,
        resets_at: resetsAt,
        eligible_promo: null,
        resets_in_seconds: resetsIn,
      },
    },
  };
}

/** 401 with code `token_expired` (J.3f): worth one renewal and retry. */
export function tokenExpiredReply(): HttpReply {
  return errorReply(401, {
    message: "Your authentication token has expired. Please try signing in again.",
    type: "invalid_request_error",
    code: "token_expired",
  });
}

/** 401 for a request without an `Authorization` header. */
export function missingAuthReply(): HttpReply {
  return errorReply(401, {
    message: "Missing bearer authentication in header",
    type: "invalid_request_error",
    param: null,
    code: null,
  });
}

/** 503 `server_is_overloaded`: transient. */
export function overloadedReply(): HttpReply {
  return errorReply(503, {
    type: "server_error",
    code: "server_is_overloaded",
    message: OVERLOADED_MESSAGE,
  });
}

/** 500 with the public API's generic server error: transient. */
export function serverErrorReply(): HttpReply {
  return errorReply(500, {
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    param: null,
    code: null,
  });
}

/** 429 `rate_limit_exceeded` asking to try again after `retryIn` (e.g. `"0.05s"`, `"20ms"`). */
export function rateLimitReply(retryIn = "0.05s"): HttpReply {
  return errorReply(429, {
    message:
      `Rate limit reached for gpt-5.5 on tokens per min (TPM). Please try again in ${retryIn}.`,
    type: "tokens",
    param: null,
    code: "rate_limit_exceeded",
  });
}

/** A 400 in the public API's error envelope, as used for input-item pairing errors. */
export function invalidInputReply(message: string): HttpReply {
  return errorReply(400, { message, type: "invalid_request_error", param: "input", code: null });
}

/** 400 `unsupported_value` for a `text.verbosity` other than `medium` on a `-codex` model. */
export function unsupportedVerbosityReply(model: string, verbosity: string): HttpReply {
  return errorReply(400, {
    message: `Unsupported value: '${verbosity}' is not supported with the '${model}' model. ` +
      "Supported values are: 'medium'.",
    type: "invalid_request_error",
    param: "text.verbosity",
    code: "unsupported_value",
  });
}

function errorReply(status: number, error: Record<string, unknown>): HttpReply {
  return { status, body: { error } };
}

/** The `response` object of `response.created`, before any output. */
interface ResponseHead {
  id: string;
  object: "response";
  created_at: number;
  status: "in_progress";
  model: string;
  output: [];
  usage: null;
}

function responseHead(id: string, createdAt: number, model: string): ResponseHead {
  return {
    id,
    object: "response",
    created_at: createdAt,
    status: "in_progress",
    model,
    output: [],
    usage: null,
  };
}

function completed(head: ResponseHead, usage: Usage): StreamEvent {
  return {
    type: "response.completed",
    response: {
      ...head,
      status: "completed",
      usage: {
        input_tokens: usage.input_tokens,
        input_tokens_details: { cached_tokens: usage.cached_tokens },
        output_tokens: usage.output_tokens,
        output_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
        total_tokens: usage.total_tokens,
      },
    },
  };
}

function reasoningEvents(id: string, outputIndex: number): StreamEvent[] {
  const at = { item_id: id, output_index: outputIndex, summary_index: 0 };
  const summary = (text: string) => ({ type: "summary_text", text });
  return [
    {
      type: "response.output_item.added",
      output_index: outputIndex,
      item: { id, type: "reasoning", summary: [] },
    },
    { type: "response.reasoning_summary_part.added", ...at, part: summary("") },
    { type: "response.reasoning_summary_text.delta", ...at, delta: REASONING_SUMMARY },
    { type: "response.reasoning_summary_text.done", ...at, text: REASONING_SUMMARY },
    { type: "response.reasoning_summary_part.done", ...at, part: summary(REASONING_SUMMARY) },
    {
      type: "response.output_item.done",
      output_index: outputIndex,
      item: {
        id,
        type: "reasoning",
        summary: [summary(REASONING_SUMMARY)],
        encrypted_content: "gAAAAABfakeEncryptedReasoningBlob==",
      },
    },
  ];
}

/**
 * Inserts `sequence_number` right after `type`, counting from 0, as the backend orders fields;
 * each event is a deep copy, so editing one in a test never changes another.
 */
function numbered(events: readonly StreamEvent[]): StreamEvent[] {
  return events.map(({ type, ...rest }, sequence_number) =>
    structuredClone({ type, sequence_number, ...rest })
  );
}

function idSuffix(responseId: string): string {
  return responseId.replace(/^resp_/, "");
}

function assertPieces(pieces: readonly string[], whole: string, what: string): void {
  if (pieces.join("") !== whole) throw new Error(`${what} must join to ${JSON.stringify(whole)}`);
}
