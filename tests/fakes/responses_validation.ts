/**
 * The request checks a strict Responses backend makes before it streams anything, each answered
 * with the rejection that backend sends.
 */

import {
  DETAIL,
  detailReply,
  invalidInputReply,
  missingAuthReply,
  tokenExpiredReply,
  unsupportedParameter,
  unsupportedVerbosityReply,
} from "./fixtures.ts";
import type { HttpReply, JsonObject } from "./reply.ts";

/** Which checks apply beyond the always-on strict ones. */
export interface ValidationRules {
  /** Also demand `chatgpt-account-id`, as the subscription backend does. Default false. */
  requireAccountId?: boolean;
  /**
   * Bearer tokens answered with 401 `token_expired` (J.3f). Read on every request, so a test may
   * add a token while the server runs.
   */
  expiredTokens?: readonly string[];
  /**
   * A server that is not OpenAI's: the only Bearer token it accepts (anything else is a 401), or
   * null when it wants no Authorization header at all. Default: any token.
   */
  bearer?: string | null;
  /**
   * Optional top-level fields this server refuses (e.g. `store`, `include`); their presence is a
   * 400 "Unsupported parameter". A refused `store` is no longer demanded.
   */
  refusedFields?: readonly string[];
  /** Refuse the hosted `web_search` tool with a 400, as a server without it does. */
  refuseWebSearch?: boolean;
}

/** The parts of a request the checks look at. */
export interface CheckedRequest {
  /** Lowercase header names. */
  headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; `undefined` when it was not JSON. */
  body: unknown;
}

/** Parameters the subscription backend refuses outright. */
const UNSUPPORTED = ["max_output_tokens", "temperature", "top_p"] as const;

/** The rejection for an invalid `POST /responses`, or null when the request is acceptable. */
export function rejectResponsesRequest(
  request: CheckedRequest,
  rules: ValidationRules = {},
): HttpReply | null {
  const authorization = request.headers["authorization"];
  if (rules.bearer === null && authorization !== undefined) {
    return { status: 400, body: { detail: "this server takes no Authorization header" } };
  }
  if (typeof rules.bearer === "string" && authorization !== `Bearer ${rules.bearer}`) {
    return { status: 401, body: { detail: "Invalid API key" } };
  }
  if (!authorization && rules.bearer !== null) return missingAuthReply();
  const token = (authorization ?? "").replace(/^Bearer\s+/i, "");
  if (rules.expiredTokens?.includes(token)) return tokenExpiredReply();
  if (rules.requireAccountId && !request.headers["chatgpt-account-id"]) {
    return { status: 401, body: { detail: "Missing ChatGPT-Account-ID header" } };
  }
  const body = request.body;
  if (!isObject(body)) return detailReply("Request body must be a JSON object");
  const refusedField = rules.refusedFields?.find((name) => name in body);
  if (refusedField) return detailReply(unsupportedParameter(refusedField));
  if (body.store !== false && !rules.refusedFields?.includes("store")) {
    return detailReply(DETAIL.store);
  }
  if (body.stream !== true) return detailReply(DETAIL.stream);
  if (typeof body.instructions !== "string" || body.instructions.trim() === "") {
    return detailReply(DETAIL.instructions);
  }
  const refused = UNSUPPORTED.find((name) => name in body);
  if (refused) return detailReply(unsupportedParameter(refused));
  const verbosity = isObject(body.text) ? body.text.verbosity : undefined;
  const model = typeof body.model === "string" ? body.model : "";
  if (model.includes("-codex") && verbosity !== undefined && verbosity !== "medium") {
    return unsupportedVerbosityReply(model, String(verbosity));
  }
  if (rules.refuseWebSearch && hasWebSearch(body.tools)) return webSearchRefusal();
  if (!Array.isArray(body.input)) return detailReply("Input must be an array");
  const stored = storedItemId(body.input);
  if (stored) return notPersistedReply(stored);
  const unpaired = unpairedToolItem(body.input);
  return unpaired ? invalidInputReply(unpaired) : null;
}

/** Why the tool calls and tool outputs of `input` do not pair up, or null when they do. */
function unpairedToolItem(input: readonly unknown[]): string | null {
  const open = new Set<string>();
  for (const item of input) {
    if (!isObject(item) || typeof item.call_id !== "string") continue;
    if (item.type === "function_call") open.add(item.call_id);
    if (item.type === "function_call_output") {
      if (!open.delete(item.call_id)) {
        return `No tool call found for function call output with call_id ${item.call_id}.`;
      }
    }
  }
  const [orphan] = open;
  return orphan === undefined ? null : `No tool output found for function call ${orphan}.`;
}

/** Whether `tools` holds the hosted web search tool. */
function hasWebSearch(tools: unknown): boolean {
  return Array.isArray(tools) && tools.some((tool) => isObject(tool) && tool.type === "web_search");
}

/** The 400 of a server that does not offer the hosted web search tool. */
function webSearchRefusal(): HttpReply {
  return {
    status: 400,
    body: {
      error: {
        message: "Tool 'web_search' is not supported by this server.",
        type: "invalid_request_error",
        param: "tools",
        code: "unsupported_value",
      },
    },
  };
}

/**
 * The server id an input item carries (`rs_…`, `fc_…`, `msg_…`, `ws_…`): with `store:false`
 * nothing was kept under it, so the backend cannot resolve it.
 */
function storedItemId(input: readonly unknown[]): string | null {
  for (const item of input) {
    if (isObject(item) && typeof item.id === "string") return item.id;
  }
  return null;
}

/** The 404 the backend answers an item id with when `store` is false (reference E.5). */
function notPersistedReply(id: string): HttpReply {
  return {
    status: 404,
    body: {
      error: {
        message:
          `Item with id '${id}' not found. Items are not persisted when 'store' is set to false.`,
        type: "invalid_request_error",
        param: "input",
        code: null,
      },
    },
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
