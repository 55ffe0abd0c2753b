/**
 * Responses stream events: validates the JSON of one SSE message and narrows it to the events
 * Pixir acts on. The JSON `type` field names the event; the SSE `event:` line is not trusted.
 */

import type { ServerErrorFields } from "./classify.ts";
import type {
  AssistantMessageItem,
  FunctionCallItem,
  OutputItem,
  OutputText,
  ReasoningItem,
  SummaryText,
  UrlCitation,
  Usage,
  WebSearchCallItem,
} from "./item.ts";
import {
  isRecord,
  type JsonRecord,
  numberField,
  parseJson,
  recordField,
  stringField,
} from "../util/json.ts";
import type { SseMessage } from "./sse.ts";

/** A stream event Pixir acts on, with its fields validated; everything else is `ignored`. */
export type StreamEvent =
  /** The server accepted the request. */
  | { type: "response.created"; response_id: string }
  /** A piece of assistant text. */
  | { type: "response.output_text.delta"; item_id: string; delta: string }
  /** A piece of a reasoning summary. */
  | { type: "response.reasoning_summary_text.delta"; item_id: string; delta: string }
  /** A finished message, reasoning or function-call item. */
  | { type: "response.output_item.done"; item: OutputItem }
  /** Terminal success. */
  | { type: "response.completed"; response_id?: string; usage: Usage | null }
  /** Terminal success with a truncated answer; `reason` as the server gave it. */
  | { type: "response.incomplete"; response_id?: string; reason?: string; usage: Usage | null }
  /** Terminal failure reported inside the response. */
  | { type: "response.failed"; response_id?: string; error: ServerErrorFields }
  /** A failure event outside any response; ends the stream too. */
  | { type: "error"; error: ServerErrorFields }
  /**
   * Anything Pixir does not act on: unknown types, progress events, output items of other kinds,
   * and known events whose fields fail validation.
   */
  | { type: "ignored"; event_type: string };

/**
 * Parses one SSE message. Returns null for data that is not a JSON object (the `[DONE]` sentinel
 * some servers send, or garbage), so a stray line never ends a stream.
 */
export function parseStreamEvent(message: SseMessage): StreamEvent | null {
  const json = parseJson(message.data);
  if (!isRecord(json)) return null;
  const type = stringField(json, "type");
  if (type === undefined) return null;
  return readEvent(type, json) ?? { type: "ignored", event_type: type };
}

/** The validated event, or undefined when Pixir does not act on it. */
function readEvent(type: string, json: JsonRecord): StreamEvent | undefined {
  const response = recordField(json, "response") ?? {};
  const responseId = stringField(response, "id");
  switch (type) {
    case "response.created":
      return responseId === undefined ? undefined : { type, response_id: responseId };
    case "response.output_text.delta":
    case "response.reasoning_summary_text.delta": {
      const itemId = stringField(json, "item_id");
      const delta = stringField(json, "delta");
      return itemId === undefined || delta === undefined
        ? undefined
        : { type, item_id: itemId, delta };
    }
    case "response.output_item.done": {
      const item = readOutputItem(json.item);
      return item === undefined ? undefined : { type, item };
    }
    // Terminal events are never ignored, whatever their payload: they end the stream.
    case "response.completed":
      return { type, ...optionalId(responseId), usage: readUsage(response.usage) };
    case "response.incomplete":
      return {
        type,
        ...optionalId(responseId),
        ...optionalStrings(recordField(response, "incomplete_details") ?? {}, ["reason"]),
        usage: readUsage(response.usage),
      };
    case "response.failed":
      return { type, ...optionalId(responseId), error: readErrorFields(response.error) };
    case "error": {
      // Seen both as `{"type":"error","error":{…}}` and with the fields at the top level, where
      // `type` is the event's own name rather than an error type.
      const { type: _eventName, ...topLevel } = readErrorFields(json);
      return { type, error: { ...topLevel, ...readErrorFields(json.error) } };
    }
    default:
      return undefined;
  }
}

function optionalId(responseId: string | undefined): { response_id?: string } {
  return responseId === undefined ? {} : { response_id: responseId };
}

/** `code`, `type` and `message` of an error object; absent fields stay absent. */
function readErrorFields(value: unknown): ServerErrorFields {
  return isRecord(value) ? optionalStrings(value, ["code", "type", "message"]) : {};
}

/** Flattens the `usage` object; missing counts are 0, a missing object is null. */
function readUsage(value: unknown): Usage | null {
  if (!isRecord(value)) return null;
  const inputDetails = recordField(value, "input_tokens_details") ?? {};
  const outputDetails = recordField(value, "output_tokens_details") ?? {};
  return {
    input_tokens: numberField(value, "input_tokens") ?? 0,
    cached_tokens: numberField(inputDetails, "cached_tokens") ?? 0,
    output_tokens: numberField(value, "output_tokens") ?? 0,
    reasoning_tokens: numberField(outputDetails, "reasoning_tokens") ?? 0,
    total_tokens: numberField(value, "total_tokens") ?? 0,
  };
}

/** A finished output item of a kind Pixir understands, or undefined. */
function readOutputItem(value: unknown): OutputItem | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.type) {
    case "message":
      return readMessage(value);
    case "reasoning":
      return readReasoning(value);
    case "function_call":
      return readFunctionCall(value);
    case "web_search_call":
      return readWebSearchCall(value);
    default:
      return undefined;
  }
}

function readWebSearchCall(value: JsonRecord): WebSearchCallItem | undefined {
  const status = stringField(value, "status");
  const action = recordField(value, "action");
  if (status === undefined || action === undefined) return undefined;
  return { type: "web_search_call", status, action, ...optionalStrings(value, ["id"]) };
}

function readMessage(value: JsonRecord): AssistantMessageItem | undefined {
  if (value.role !== "assistant" || !Array.isArray(value.content)) return undefined;
  // Only `output_text` parts carry the answer; other parts (refusals) are not replayed.
  const content: OutputText[] = value.content.filter(isRecord).flatMap((part) => {
    const text = stringField(part, "text");
    if (part.type !== "output_text" || text === undefined) return [];
    return [{
      type: "output_text" as const,
      text,
      ...(Array.isArray(part.annotations) ? { annotations: part.annotations } : {}),
    }];
  });
  const citations = urlCitations(content);
  return {
    type: "message",
    role: "assistant",
    content,
    ...optionalStrings(value, ["id", "status", "phase"]),
    ...(citations.length > 0 ? { citations } : {}),
  };
}

/**
 * The `url_citation` annotations of a message's parts, their indexes made relative to the parts'
 * joined text; malformed annotations and other kinds are left out.
 */
function urlCitations(parts: readonly OutputText[]): UrlCitation[] {
  const citations: UrlCitation[] = [];
  let offset = 0;
  for (const part of parts) {
    for (const annotation of (part.annotations ?? []).filter(isRecord)) {
      const url = stringField(annotation, "url");
      const start = numberField(annotation, "start_index");
      const end = numberField(annotation, "end_index");
      if (annotation.type !== "url_citation" || url === undefined) continue;
      if (start === undefined || end === undefined) continue;
      citations.push({
        url,
        title: stringField(annotation, "title") ?? url,
        start_index: start + offset,
        end_index: end + offset,
      });
    }
    offset += part.text.length;
  }
  return citations;
}

function readReasoning(value: JsonRecord): ReasoningItem {
  const summary: SummaryText[] = (Array.isArray(value.summary) ? value.summary : [])
    .filter(isRecord)
    .flatMap((part) => {
      const text = stringField(part, "text");
      return part.type === "summary_text" && text !== undefined
        ? [{ type: "summary_text" as const, text }]
        : [];
    });
  const encrypted = value.encrypted_content;
  return {
    type: "reasoning",
    summary,
    ...optionalStrings(value, ["id"]),
    ...(typeof encrypted === "string" || encrypted === null
      ? { encrypted_content: encrypted }
      : {}),
  };
}

function readFunctionCall(value: JsonRecord): FunctionCallItem | undefined {
  const callId = stringField(value, "call_id");
  const name = stringField(value, "name");
  const args = stringField(value, "arguments");
  if (callId === undefined || name === undefined || args === undefined) return undefined;
  return {
    type: "function_call",
    call_id: callId,
    name,
    arguments: args,
    ...optionalStrings(value, ["id", "status"]),
  };
}

/** The listed fields of `value` that are strings. */
function optionalStrings<K extends string>(
  value: JsonRecord,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const field = stringField(value, key);
    if (field !== undefined) out[key] = field;
  }
  return out;
}
