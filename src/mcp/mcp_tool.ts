/**
 * An MCP server's tool as the model sees it: a safe, unique name (`mcp__<server>__<tool>`), the
 * server's input schema made acceptable to the Responses API, and its results turned into text.
 */

import type { JsonSchema } from "../provider/request.ts";
import { formatBytes, limitOutput } from "../tools/truncation.ts";

/**
 * How many times `tool_timeout_sec` a call that keeps reporting progress may take in all: progress
 * restarts the clock, this bounds a server that reports progress forever.
 */
export const MAX_TOOL_TIMEOUT_FACTOR = 10;

/** Longest function name the Responses API accepts. */
export const MAX_TOOL_NAME_LENGTH = 64;

/** What a server says about one of its tools (the part Pixir uses). */
export interface McpToolInfo {
  name: string;
  description?: string;
  inputSchema: unknown;
  /** The server's own claim that the tool changes nothing (`annotations.readOnlyHint`). */
  readOnlyHint: boolean;
}

/**
 * The model-facing name of `tool` on `server`: `mcp__<server>__<tool>` with every character
 * outside letters, digits, `_` and `-` replaced by `_`; undefined when longer than 64 characters.
 */
export function qualifiedToolName(server: string, tool: string): string | undefined {
  const name = `mcp__${server}__${tool}`.replace(/[^A-Za-z0-9_-]/g, "_");
  return name.length <= MAX_TOOL_NAME_LENGTH ? name : undefined;
}

/**
 * The server's input schema as the Responses API accepts it: an object at the top with
 * `properties`, every nested schema with a `type` (inferred when missing), arrays with `items`,
 * and no `$schema`/`$id` keys. Anything that is not a JSON object becomes an empty object schema.
 */
export function modelSchema(input: unknown): JsonSchema {
  const schema = sanitize(input);
  if (schema.type !== "object") return { type: "object", properties: {} };
  // The provider's JsonSchema type names only the keywords Pixir's own tools use; an MCP schema
  // carries more (anyOf, default, …), which the API accepts in a non-strict function tool.
  return schema as JsonSchema;
}

function sanitize(input: unknown): Record<string, unknown> {
  if (!isRecord(input)) return { type: "string" };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === "$schema" || key === "$id") continue;
    if (key === "properties" && isRecord(value)) {
      out.properties = Object.fromEntries(
        Object.entries(value).map(([name, inner]) => [name, sanitize(inner)]),
      );
    } else if (key === "items") {
      out.items = sanitize(value);
    } else if ((key === "anyOf" || key === "oneOf" || key === "allOf") && Array.isArray(value)) {
      out[key] = value.map(sanitize);
    } else if (key === "additionalProperties" && isRecord(value)) {
      out.additionalProperties = sanitize(value);
    } else {
      out[key] = value;
    }
  }
  const combined = "anyOf" in out || "oneOf" in out || "allOf" in out;
  if (out.type === undefined && !combined) out.type = inferType(out);
  if (out.type === "object" && !isRecord(out.properties)) out.properties = {};
  if (out.type === "array" && out.items === undefined) out.items = { type: "string" };
  return out;
}

function inferType(schema: Record<string, unknown>): string {
  if ("properties" in schema || "required" in schema) return "object";
  if ("items" in schema) return "array";
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "number")) {
    return "number";
  }
  return "string";
}

/** One content block of a tool result, as the MCP specification defines them. */
type ContentBlock =
  | { type: "text"; text: string }
  | { type: "image" | "audio"; data: string; mimeType: string }
  | { type: "resource"; resource: { uri: string; mimeType?: string; text?: string; blob?: string } }
  | { type: "resource_link"; uri: string; name?: string; mimeType?: string };

/** A tool result in text form: what the model reads, and whether the server called it an error. */
export interface McpResultText {
  text: string;
  isError: boolean;
}

/**
 * A `tools/call` result as text, bounded like every tool's output: text blocks as they are,
 * structured content as JSON (once, when a text block does not already carry it), images, audio
 * and resources described by type, size and address.
 */
export function resultText(result: unknown): McpResultText {
  if (!isRecord(result)) return { text: "(the server returned no result)", isError: true };
  const blocks = Array.isArray(result.content) ? result.content.filter(isContentBlock) : [];
  const parts = blocks.map(describeBlock);
  if (result.structuredContent !== undefined) {
    const json = JSON.stringify(result.structuredContent);
    if (!blocks.some((b) => b.type === "text" && sameJson(b.text, json))) parts.push(json);
  }
  const text = parts.length === 0 ? "(no content)" : parts.join("\n");
  return { text: limitOutput(text), isError: result.isError === true };
}

function describeBlock(block: ContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "image":
    case "audio":
      return `[${block.type}: ${block.mimeType}, ${formatBytes(base64Bytes(block.data))}]`;
    case "resource": {
      const { uri, mimeType, text, blob } = block.resource;
      const kind = mimeType ? ` (${mimeType})` : "";
      if (typeof text === "string") return `[resource ${uri}${kind}]\n${text}`;
      const size = typeof blob === "string" ? `, ${formatBytes(base64Bytes(blob))}` : "";
      return `[resource ${uri}${kind}${size}]`;
    }
    case "resource_link":
      return `[resource link: ${block.uri}${block.name ? ` (${block.name})` : ""}]`;
  }
}

function isContentBlock(value: unknown): value is ContentBlock {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case "text":
      return typeof value.text === "string";
    case "image":
    case "audio":
      return typeof value.data === "string" && typeof value.mimeType === "string";
    case "resource":
      return isRecord(value.resource) && typeof value.resource.uri === "string";
    case "resource_link":
      return typeof value.uri === "string";
    default:
      return false;
  }
}

function sameJson(text: string, json: string): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === json;
  } catch {
    return false;
  }
}

/** Decoded size of a base64 string, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor(data.length * 3 / 4) - padding);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
