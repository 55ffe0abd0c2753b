/**
 * A JSON Schema the final answer must match (`--output-schema`): the structured-output format the
 * request carries, and the local check of the answer against the schema (with ajv), since a
 * provider may ignore the format or a non-strict schema may let a mismatch through.
 */

import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { OutputFormat } from "../provider/request.ts";

/** The name the format carries on the wire. */
const FORMAT_NAME = "pixir_output";

/** Most validator errors quoted in a mismatch's message. */
const QUOTED_ERRORS = 3;

/** What checking an answer found. */
export type AnswerCheck =
  | { ok: true; value: unknown }
  | { ok: false; reason: "not_json" | "mismatch"; message: string; errors: string[] };

/** A compiled output schema. */
export interface OutputSchema {
  /** The request's `text.format`. */
  format: OutputFormat;
  /** Parses the answer as JSON and validates it. */
  check(answer: string): AnswerCheck;
}

/** The schema cannot be used: not an object schema, or not valid JSON Schema. */
export class OutputSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutputSchemaError";
  }
}

/** Compiles `schema` (parsed JSON); throws OutputSchemaError when it cannot serve. */
export function outputSchema(schema: unknown): OutputSchema {
  if (!isObject(schema)) throw new OutputSchemaError("the schema is not a JSON object");
  // The Responses API takes only an object at the root of a structured answer.
  if (schema.type !== "object") {
    throw new OutputSchemaError('the schema\'s root must be {"type": "object", …}');
  }
  const draft2020 = typeof schema.$schema === "string" && schema.$schema.includes("2020-12");
  const options = { allErrors: true, strict: false } as const;
  let validate: ValidateFunction;
  try {
    validate = (draft2020 ? new Ajv2020(options) : new Ajv(options)).compile(schema);
  } catch (error) {
    throw new OutputSchemaError(
      `not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return {
    format: { type: "json_schema", name: FORMAT_NAME, schema, strict: strictAllowed(schema) },
    check(answer) {
      let value: unknown;
      try {
        value = JSON.parse(answer);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return {
          ok: false,
          reason: "not_json",
          message: `the answer is not JSON: ${why}`,
          errors: [],
        };
      }
      if (validate(value)) return { ok: true, value };
      const errors = (validate.errors ?? []).map(describeError);
      return {
        ok: false,
        reason: "mismatch",
        message: `the answer does not match the schema: ${
          errors.slice(0, QUOTED_ERRORS).join("; ")
        }${errors.length > QUOTED_ERRORS ? ` (and ${errors.length - QUOTED_ERRORS} more)` : ""}`,
        errors,
      };
    },
  };
}

/** One validator error as a reader wants it: where, and what is wrong. */
function describeError(error: ErrorObject): string {
  const where = error.instancePath === "" ? "the answer" : error.instancePath;
  const extra = error.keyword === "additionalProperties"
    ? ` (${String(error.params.additionalProperty)})`
    : "";
  return `${where} ${error.message ?? "is invalid"}${extra}`;
}

/** Keywords the API's strict mode does not accept anywhere in a schema. */
const NOT_STRICT = new Set([
  "allOf",
  "not",
  "if",
  "then",
  "else",
  "dependentRequired",
  "dependentSchemas",
  "patternProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "contains",
]);

/**
 * Whether strict mode can take the schema: every object closed (`additionalProperties: false`) with
 * all its properties required, and no keyword strict mode refuses. Strict makes the model's output
 * match by construction; a schema that does not qualify is still sent, non-strict, and checked here.
 */
export function strictAllowed(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(strictAllowed);
  if (!isObject(schema)) return true;
  for (const key of Object.keys(schema)) if (NOT_STRICT.has(key)) return false;
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  const isObjectSchema = schema.type === "object" || properties !== undefined;
  if (isObjectSchema) {
    if (schema.additionalProperties !== false) return false;
    const required = Array.isArray(schema.required) ? schema.required : [];
    if (Object.keys(properties ?? {}).some((key) => !required.includes(key))) return false;
  }
  const children = [
    ...Object.values(properties ?? {}),
    schema.items,
    schema.anyOf,
    ...Object.values(isObject(schema.$defs) ? schema.$defs : {}),
    ...Object.values(isObject(schema.definitions) ? schema.definitions : {}),
  ];
  return children.every((child) => child === undefined || strictAllowed(child));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
