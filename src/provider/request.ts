/** What the agent asks of one model call, and the `POST /responses` body it becomes. */

import type {
  FunctionCallOutputItem,
  InputItem,
  OutputText,
  SummaryText,
  UserMessageItem,
} from "./item.ts";

/** Reasoning effort values the Responses API understands, lowest first. */
export const EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh"] as const;

/** One reasoning effort the Responses API understands. */
export type ReasoningEffort = typeof EFFORTS[number];

/** Output verbosity values the Responses API understands. */
export type Verbosity = "low" | "medium" | "high";

/** The JSON schema subset Pixir's tools declare their parameters with. */
export interface JsonSchema {
  type?: "object" | "string" | "number" | "integer" | "boolean" | "array";
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: string[];
  minimum?: number;
  additionalProperties?: boolean;
}

/** A function tool as the model sees it. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

/** A structured-output format: the answer must be JSON matching `schema`. */
export interface OutputFormat {
  type: "json_schema";
  name: string;
  schema: Record<string, unknown>;
  /** Strict mode makes the output match by construction; only some schemas qualify. */
  strict: boolean;
}

/** One model call: everything needed to build the request body. */
export interface ModelRequest {
  model: string;
  effort: ReasoningEffort;
  instructions: string;
  input: InputItem[];
  tools: ToolSpec[];
  /** Also sent as `prompt_cache_key`, so turns of one session share the prompt cache. */
  session_id: string;
  parallel_tool_calls: boolean;
  /** The final answer's structured format (`--output-schema`), sent as `text.format`. */
  output_format?: OutputFormat;
  /**
   * The `x-codex-turn-state` an earlier response of the same turn carried, echoed as that header
   * so the backend can keep the turn on one route; never part of the body.
   */
  turn_state?: string;
  /** Offer the hosted web search tool (`--search`) beside the function tools. */
  web_search?: boolean;
}

/** An input item as sent on the wire: no item ids, which `store:false` cannot resolve. */
export type WireInputItem =
  | UserMessageItem
  | { type: "message"; role: "assistant"; content: OutputText[]; phase?: string }
  | { type: "reasoning"; summary: SummaryText[]; encrypted_content?: string | null }
  | { type: "function_call"; call_id: string; name: string; arguments: string }
  | FunctionCallOutputItem
  | { type: "web_search_call"; status: string; action: Record<string, unknown> };

/** A function tool in the request's `tools`. */
export interface FunctionToolBody {
  type: "function";
  name: string;
  description: string;
  /** Pixir's schemas do not meet strict mode's rules (every property required). */
  strict: false;
  parameters: JsonSchema;
}

/** The Responses API's hosted web search tool: the server runs the searches. */
export interface WebSearchToolBody {
  type: "web_search";
}

/**
 * The optional request fields a provider accepts. OpenAI's backends take them all; servers that
 * only imitate the Responses API (Ollama, LM Studio, vLLM, OpenRouter) refuse or mishandle some, so
 * each can be left out of the body.
 */
export interface RequestFields {
  /** `store: false`. */
  store: boolean;
  /** `include: ["reasoning.encrypted_content"]`, and the replay of that reasoning. */
  encrypted_reasoning: boolean;
  /** `prompt_cache_key`. */
  prompt_cache_key: boolean;
  /** `reasoning: {effort, summary}`. */
  reasoning: boolean;
  /** `parallel_tool_calls`. */
  parallel_tool_calls: boolean;
}

/** Every optional field on: what the ChatGPT backend and api.openai.com accept. */
export const ALL_REQUEST_FIELDS: Readonly<RequestFields> = {
  store: true,
  encrypted_reasoning: true,
  prompt_cache_key: true,
  reasoning: true,
  parallel_tool_calls: true,
};

/** The JSON body of `POST /responses`; the optional fields are those the provider accepts. */
export interface ResponsesRequestBody {
  model: string;
  instructions: string;
  input: WireInputItem[];
  tools: (FunctionToolBody | WebSearchToolBody)[];
  tool_choice: "auto";
  parallel_tool_calls?: boolean;
  reasoning?: { effort: ReasoningEffort; summary: "auto" };
  /** Turns are stateless: every request carries the whole history. */
  store?: false;
  stream: true;
  /** Reasoning comes back encrypted so it can be replayed on the next request. */
  include?: ["reasoning.encrypted_content"];
  prompt_cache_key?: string;
  /** `verbosity` only for `-codex` models (no value but `medium`); `format` for a schema. */
  text?: { verbosity?: Verbosity; format?: OutputFormat };
}

/** Marks the models that accept no `text.verbosity` but `medium`. */
const CODEX_MODEL_MARKER = "-codex";

/**
 * Builds the request body with the optional fields `fields` allows (all of them by default). Never
 * sets `max_output_tokens`, `temperature` or `top_p`, which the ChatGPT backend rejects. Throws a
 * RangeError when `instructions` is blank: the backend requires them, and an empty string would be
 * a bug upstream, not something to send.
 */
export function buildRequestBody(
  req: ModelRequest,
  fields: Readonly<RequestFields> = ALL_REQUEST_FIELDS,
): ResponsesRequestBody {
  return { ...requestHead(req, fields), input: req.input.map(toWireItem) };
}

/** Bytes of items encoded together into one part of an encoded body. */
const PART_BYTES = 1 << 18;

const encoder = new TextEncoder();

/**
 * The body `buildRequestBody` builds, as UTF-8 JSON (its `input` last), encoded an item at a time
 * into a Blob. Every request re-sends the whole history: for a long session that is megabytes, and
 * as one string it would be held again as bytes and again by fetch. Each item's JSON goes straight
 * into a reused buffer, which becomes a part of the Blob when full: the Blob keeps the bytes
 * outside the JavaScript heap, is sent with its length without a copy of the whole, and can be sent
 * again for a retry. Throws like `buildRequestBody`.
 */
export function encodeRequestBody(
  req: ModelRequest,
  fields: Readonly<RequestFields> = ALL_REQUEST_FIELDS,
): Blob {
  const head = JSON.stringify(requestHead(req, fields));
  const parts: Blob[] = [];
  let buffer = new Uint8Array(PART_BYTES);
  let end = 0;
  const put = (text: string) => {
    // A UTF-16 code unit takes at most three bytes of UTF-8.
    if (end + text.length * 3 > buffer.length) {
      if (end > 0) parts.push(new Blob([buffer.subarray(0, end)]));
      end = 0;
      if (text.length * 3 > buffer.length) buffer = new Uint8Array(text.length * 3);
    }
    end += encoder.encodeInto(text, buffer.subarray(end)).written;
  };
  // The head is an object with at least `model`: its closing brace gives way to the input.
  put(`${head.slice(0, -1)},"input":[`);
  for (let i = 0; i < req.input.length; i++) {
    put((i === 0 ? "" : ",") + JSON.stringify(toWireItem(req.input[i])));
  }
  put("]}");
  parts.push(new Blob([buffer.subarray(0, end)]));
  return new Blob(parts);
}

/** Everything of the body but its `input`. */
function requestHead(
  req: ModelRequest,
  fields: Readonly<RequestFields>,
): Omit<ResponsesRequestBody, "input"> {
  if (req.instructions.trim() === "") {
    throw new RangeError("a model request needs non-empty instructions");
  }
  // Verbosity is pinned so that no default, the server's or a later one of Pixir's, can pick a
  // refused value.
  const text = {
    ...(req.model.includes(CODEX_MODEL_MARKER) ? { verbosity: "medium" as const } : {}),
    ...(req.output_format ? { format: req.output_format } : {}),
  };
  const head: Omit<ResponsesRequestBody, "input"> = {
    model: req.model,
    instructions: req.instructions,
    tools: [
      ...req.tools.map((tool): FunctionToolBody => ({
        type: "function",
        name: tool.name,
        description: tool.description,
        strict: false,
        parameters: tool.parameters,
      })),
      ...(req.web_search ? [{ type: "web_search" as const }] : []),
    ],
    tool_choice: "auto",
    parallel_tool_calls: req.parallel_tool_calls,
    reasoning: { effort: req.effort, summary: "auto" },
    store: false,
    stream: true,
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: req.session_id,
    ...(Object.keys(text).length > 0 ? { text } : {}),
  };
  if (!fields.parallel_tool_calls) delete head.parallel_tool_calls;
  if (!fields.reasoning) delete head.reasoning;
  if (!fields.store) delete head.store;
  if (!fields.encrypted_reasoning) delete head.include;
  if (!fields.prompt_cache_key) delete head.prompt_cache_key;
  return head;
}

/** Copies only the fields the API reads back, dropping ids and output-only metadata. */
function toWireItem(item: InputItem): WireInputItem {
  switch (item.type) {
    case "message":
      if (item.role !== "assistant") {
        return {
          type: "message",
          role: item.role,
          content: item.content.map((part) =>
            part.type === "input_image"
              ? { type: "input_image", image_url: part.image_url }
              : textPart(part)
          ),
        };
      }
      return {
        type: "message",
        role: "assistant",
        content: item.content.map(textPart),
        ...(item.phase === undefined ? {} : { phase: item.phase }),
      };
    case "reasoning":
      return {
        type: "reasoning",
        summary: item.summary.map(textPart),
        ...(item.encrypted_content === undefined
          ? {}
          : { encrypted_content: item.encrypted_content }),
      };
    case "function_call":
      return {
        type: "function_call",
        call_id: item.call_id,
        name: item.name,
        arguments: item.arguments,
      };
    case "function_call_output":
      return { type: "function_call_output", call_id: item.call_id, output: item.output };
    case "web_search_call":
      // As received, without the id `store:false` cannot resolve.
      return { type: "web_search_call", status: item.status, action: item.action };
  }
}

/** A content part reduced to its `type` and `text` (annotations are display-only). */
function textPart<T extends string>(part: { type: T; text: string }): { type: T; text: string } {
  return { type: part.type, text: part.text };
}
