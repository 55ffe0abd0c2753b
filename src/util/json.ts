/** Reading untrusted JSON from the server without `any`: parse to `unknown`, then narrow. */

/** A JSON object whose fields are not yet validated. */
export type JsonRecord = Record<string, unknown>;

/** Parses JSON text; `undefined` (which JSON itself never yields) when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `record[key]` when it is a string. */
export function stringField(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" ? value : undefined;
}

/** `record[key]` when it is a finite number. */
export function numberField(record: JsonRecord, key: string): number | undefined {
  const value = record[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** `record[key]` when it is a JSON object. */
export function recordField(record: JsonRecord, key: string): JsonRecord | undefined {
  const value = record[key];
  return isRecord(value) ? value : undefined;
}
