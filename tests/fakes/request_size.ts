/**
 * The fixed part of a Responses request: what every request carries whatever the conversation —
 * the instructions and the tool definitions — measured in bytes as they are on the wire.
 */

/** The fixed bytes of one request body, and what they are made of. */
export interface FixedBytes {
  /** The `instructions` field's JSON string. */
  instructions: number;
  /** Each entry of `tools`, by name (a hosted tool by its type). */
  tools: { name: string; bytes: number }[];
  /** Instructions plus the whole `tools` array. */
  total: number;
}

const encoder = new TextEncoder();

/** The UTF-8 size of a value's JSON. */
function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/** Measures a request body's fixed part; `body` is the parsed JSON the stand-in received. */
export function fixedBytes(body: Readonly<Record<string, unknown>>): FixedBytes {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const named = tools.map((tool) => {
    const entry = typeof tool === "object" && tool !== null ? tool as Record<string, unknown> : {};
    return { name: String(entry.name ?? entry.type ?? "?"), bytes: jsonBytes(tool) };
  });
  const instructions = jsonBytes(body.instructions ?? "");
  return { instructions, tools: named, total: instructions + jsonBytes(tools) };
}

/** The most fixed bytes a request may carry with every feature on. */
export const FIXED_BYTES_LIMIT = 10 * 1024;
