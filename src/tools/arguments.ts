/** Validation of a tool call's parsed arguments against the JSON schema the tool declares. */

import type { JsonSchema } from "../provider/request.ts";
import type { ToolError } from "./tool.ts";

/** The validated arguments, or an `invalid_arguments` error naming the offending field. */
export type Validated<T> = { ok: true; value: T } | { ok: false; error: ToolError };

/**
 * Checks `args` against `schema` (the subset in JsonSchema: object, string, integer, number,
 * boolean, array, enum, minimum, required, additionalProperties:false). The caller names the type
 * `T` the schema describes. A `null` given for an optional property counts as absent, because
 * models often send null for "not given".
 */
export function validateArguments<T>(schema: JsonSchema, args: unknown): Validated<T> {
  const checked = check(schema, args, null);
  if (checked.ok) return { ok: true, value: checked.value as T };
  return {
    ok: false,
    error: {
      kind: "invalid_arguments",
      message: checked.message,
      details: checked.field === null ? {} : { field: checked.field },
    },
  };
}

type Checked =
  | { ok: true; value: unknown }
  | { ok: false; message: string; field: string | null };

function check(schema: JsonSchema, value: unknown, field: string | null): Checked {
  const name = field === null ? "the arguments" : `"${field}"`;
  const wrong = (expected: string): Checked => ({
    ok: false,
    message: `${name} must be ${expected}, got ${describe(value)}`,
    field,
  });
  switch (schema.type) {
    case "object":
      return isRecord(value) ? checkObject(schema, value, field) : wrong("an object");
    case "string":
      if (typeof value !== "string") return wrong("a string");
      if (schema.enum && !schema.enum.includes(value)) {
        return wrong(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
      }
      return { ok: true, value };
    case "integer":
    case "number": {
      const isInteger = schema.type === "integer";
      const fits = typeof value === "number" &&
        (isInteger ? Number.isInteger(value) : Number.isFinite(value));
      const noun = isInteger ? "an integer" : "a number";
      if (!fits) return wrong(noun);
      if (schema.minimum !== undefined && value < schema.minimum) {
        return wrong(`${noun} ≥ ${schema.minimum}`);
      }
      return { ok: true, value };
    }
    case "boolean":
      return typeof value === "boolean" ? { ok: true, value } : wrong("true or false");
    case "array":
      return Array.isArray(value) ? checkArray(schema, value, field) : wrong("an array");
    case undefined:
      return { ok: true, value };
  }
}

function checkObject(
  schema: JsonSchema,
  value: Record<string, unknown>,
  field: string | null,
): Checked {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const path = field === null ? key : `${field}.${key}`;
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (property === undefined) {
      if (schema.additionalProperties === false) {
        const known = Object.keys(properties);
        const expected = known.length > 0 ? `; expected: ${known.join(", ")}` : "";
        return { ok: false, message: `unknown argument "${path}"${expected}`, field: path };
      }
      out[key] = item;
      continue;
    }
    if (item === null && !required.has(key)) continue;
    const checked = check(property, item, path);
    if (!checked.ok) return checked;
    out[key] = checked.value;
  }
  for (const key of required) {
    if (out[key] === undefined) {
      const path = field === null ? key : `${field}.${key}`;
      return { ok: false, message: `missing required argument "${path}"`, field: path };
    }
  }
  return { ok: true, value: out };
}

function checkArray(schema: JsonSchema, value: unknown[], field: string | null): Checked {
  if (schema.items === undefined) return { ok: true, value };
  const out: unknown[] = [];
  for (const [index, item] of value.entries()) {
    const checked = check(schema.items, item, `${field ?? ""}[${index}]`);
    if (!checked.ok) return checked;
    out.push(checked.value);
  }
  return { ok: true, value: out };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short rendering of a bad value for the error message. */
function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json.length > 60 ? `${json.slice(0, 57)}…` : json;
}
