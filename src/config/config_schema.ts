/**
 * The keys of `config.toml` (Codex's names where the meaning is the same), their types, and the
 * validation of one layer of settings — a file, `-c` overrides, the environment or the flags. A
 * wrong type is an error naming where the value came from; an unknown key is a warning, so a typo
 * never passes silently.
 */

import { EFFORTS, type ReasoningEffort } from "../provider/request.ts";
import { SettingsError } from "./settings_error.ts";

/** Settings that may be given at the top level and in a profile. */
export interface ProfileSettings {
  model?: string;
  model_reasoning_effort?: ReasoningEffort;
  model_provider?: string;
  stream_idle_timeout_ms?: number;
  request_max_retries?: number;
  retry_base_ms?: number;
  max_iterations?: number;
  compact_at_percent?: number;
  /** Nobody answers approval questions: they are denied at once (also when `CI` is set). */
  unattended?: boolean;
  /** Seconds an approval question waits for an answer before it is denied. */
  approval_timeout_secs?: number;
  tool_timeout_ms?: number;
  /** Offer the hosted web search tool. */
  web_search?: boolean;
  /** Child agents running at once; 0 turns the `task` tool off. */
  max_subagents?: number;
  subagent_timeout_secs?: number;
}

/** One `[model_providers.X]` table. */
export interface ProviderTable {
  name?: string;
  base_url?: string;
  env_key?: string;
  wire_api?: "responses";
  http_headers?: Record<string, string>;
  query_params?: Record<string, string>;
  model_context_window?: number;
  supports_store?: boolean;
  supports_encrypted_reasoning?: boolean;
  supports_prompt_cache_key?: boolean;
  supports_reasoning?: boolean;
  supports_parallel_tool_calls?: boolean;
  /** Accepts the hosted `web_search` tool. */
  supports_web_search?: boolean;
  /** Whether the provider takes `text.format` of type `json_schema` (`--output-schema`). */
  supports_structured_output?: boolean;
  /** Whether the provider takes `input_image` content (`--image`, `@shot.png`). */
  supports_images?: boolean;
}

/** One layer of settings, every field optional; higher layers win field by field. */
export interface ConfigLayer extends ProfileSettings {
  /** The profile to apply (`--profile`). */
  profile?: string;
  model_providers?: Record<string, ProviderTable>;
  profiles?: Record<string, ProfileSettings>;
  /** MCP servers, kept as written for the MCP client; Pixir does not start them yet. */
  mcp_servers?: Record<string, Record<string, unknown>>;
}

/** The type of a value, and how to check one. */
export type ValueKind =
  | { type: "string" }
  | { type: "effort" }
  | { type: "url" }
  | { type: "boolean" }
  | { type: "int"; min: number; max?: number }
  | { type: "string_map" }
  | { type: "wire_api" };

/** The keys a profile (and the top level) may set, with their types. */
export const PROFILE_KEYS: Readonly<Record<keyof ProfileSettings, ValueKind>> = {
  model: { type: "string" },
  model_reasoning_effort: { type: "effort" },
  model_provider: { type: "string" },
  stream_idle_timeout_ms: { type: "int", min: 1 },
  request_max_retries: { type: "int", min: 0 },
  retry_base_ms: { type: "int", min: 0 },
  max_iterations: { type: "int", min: 1 },
  compact_at_percent: { type: "int", min: 1, max: 100 },
  unattended: { type: "boolean" },
  approval_timeout_secs: { type: "int", min: 1 },
  tool_timeout_ms: { type: "int", min: 1 },
  web_search: { type: "boolean" },
  max_subagents: { type: "int", min: 0, max: 16 },
  subagent_timeout_secs: { type: "int", min: 1 },
};

/** The keys of a `[model_providers.X]` table, with their types. */
export const PROVIDER_KEYS: Readonly<Record<keyof ProviderTable, ValueKind>> = {
  name: { type: "string" },
  base_url: { type: "url" },
  env_key: { type: "string" },
  wire_api: { type: "wire_api" },
  http_headers: { type: "string_map" },
  query_params: { type: "string_map" },
  model_context_window: { type: "int", min: 1 },
  supports_store: { type: "boolean" },
  supports_encrypted_reasoning: { type: "boolean" },
  supports_prompt_cache_key: { type: "boolean" },
  supports_reasoning: { type: "boolean" },
  supports_parallel_tool_calls: { type: "boolean" },
  supports_web_search: { type: "boolean" },
  supports_structured_output: { type: "boolean" },
  supports_images: { type: "boolean" },
};

/** The type of the value at a key path (top level, or a provider's field); undefined if unknown. */
export function kindAt(path: readonly string[]): ValueKind | undefined {
  const [key, , field] = path;
  if (path.length === 1 && key === "profile") return { type: "string" };
  if (path.length === 1 && Object.hasOwn(PROFILE_KEYS, key)) {
    return PROFILE_KEYS[key as keyof ProfileSettings];
  }
  if (path.length === 3 && key === "model_providers" && Object.hasOwn(PROVIDER_KEYS, field)) {
    return PROVIDER_KEYS[field as keyof ProviderTable];
  }
  return undefined;
}

/** Names where a value came from, for error messages: a file and line, a variable, a flag. */
export type Describe = (path: readonly string[]) => string;

/** A layer and the keys in it Pixir does not know (each as its path). */
export interface ValidatedLayer {
  layer: ConfigLayer;
  unknown: string[][];
}

/**
 * Validates a parsed table as a layer. Throws SettingsError naming the key (via `describe`) when a
 * value has the wrong type; unknown keys are returned, not fatal.
 */
export function validateLayer(
  raw: Readonly<Record<string, unknown>>,
  describe: Describe,
): ValidatedLayer {
  const unknown: string[][] = [];
  const layer: ConfigLayer = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "profile") {
      layer.profile = checkValue(value, { type: "string" }, [key], describe) as string;
    } else if (key === "model_providers") {
      layer.model_providers = namedTables(
        value,
        [key],
        describe,
        (table, path) => knownKeys(table, PROVIDER_KEYS, path, describe, unknown) as ProviderTable,
      );
    } else if (key === "profiles") {
      layer.profiles = namedTables(
        value,
        [key],
        describe,
        (table, path) => knownKeys(table, PROFILE_KEYS, path, describe, unknown) as ProfileSettings,
      );
    } else if (key === "mcp_servers") {
      layer.mcp_servers = namedTables(value, [key], describe, (table) => ({ ...table }));
    } else if (isProfileKey(key)) {
      Object.assign(layer, { [key]: checkValue(value, PROFILE_KEYS[key], [key], describe) });
    } else {
      unknown.push([key]);
    }
  }
  return { layer, unknown };
}

function isProfileKey(key: string): key is keyof ProfileSettings {
  return Object.hasOwn(PROFILE_KEYS, key);
}

/** `{name: table}` with each table checked by `each`. */
function namedTables<T>(
  value: unknown,
  path: string[],
  describe: Describe,
  each: (table: Record<string, unknown>, path: string[]) => T,
): Record<string, T> {
  const outer = asTable(value, path, describe);
  const result: Record<string, T> = {};
  for (const [name, inner] of Object.entries(outer)) {
    result[name] = each(asTable(inner, [...path, name], describe), [...path, name]);
  }
  return result;
}

/** The keys of `table` that `spec` knows, checked; the others are added to `unknown`. */
function knownKeys(
  table: Record<string, unknown>,
  spec: Readonly<Record<string, ValueKind>>,
  path: string[],
  describe: Describe,
  unknown: string[][],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(table)) {
    const kind = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (kind === undefined) unknown.push([...path, key]);
    else result[key] = checkValue(value, kind, [...path, key], describe);
  }
  return result;
}

function asTable(value: unknown, path: string[], describe: Describe): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value) && !isDate(value)) {
    return { ...(value as Record<string, unknown>) };
  }
  throw new SettingsError(`${describe(path)}: must be a table, not ${shown(value)}`);
}

function isDate(value: unknown): boolean {
  return value instanceof Date;
}

/** The value when it has the kind's type, else a SettingsError naming key and expectation. */
export function checkValue(
  value: unknown,
  kind: ValueKind,
  path: readonly string[],
  describe: Describe,
  display: string = shown(value),
): unknown {
  const fail = (expected: string): never => {
    throw new SettingsError(`${describe(path)}: ${display} ${expected}`);
  };
  switch (kind.type) {
    case "string":
      if (typeof value !== "string" || value.trim() === "") fail("must be a non-empty string");
      return (value as string).trim();
    case "effort": {
      const effort = EFFORTS.find((e) => e === value);
      if (effort === undefined) fail(`is not one of ${EFFORTS.join(", ")}`);
      return effort;
    }
    case "url":
      if (typeof value !== "string") fail("must be an http(s) URL");
      return httpUrl(value as string, () => fail("must be an http(s) URL"));
    case "boolean":
      if (typeof value !== "boolean") fail("must be true or false");
      return value;
    case "int": {
      const n = typeof value === "bigint" ? Number(value) : value;
      const range = kind.max === undefined ? `≥ ${kind.min}` : `from ${kind.min} to ${kind.max}`;
      if (
        typeof n !== "number" || !Number.isInteger(n) || n < kind.min ||
        n > (kind.max ?? Infinity)
      ) {
        fail(`must be a whole number ${range}`);
      }
      return n;
    }
    case "string_map": {
      const table = asTable(value, [...path], describe);
      for (const [name, inner] of Object.entries(table)) {
        if (typeof inner !== "string") {
          throw new SettingsError(`${describe([...path, name])}: ${shown(inner)} must be a string`);
        }
      }
      return table;
    }
    case "wire_api":
      if (value !== "responses") fail('must be "responses" (the only API Pixir speaks)');
      return value;
  }
}

/** `value` as a normalised http(s) URL without a trailing slash, or `fail()`. */
export function httpUrl(value: string, fail: () => never): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return fail();
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return fail();
  return url.href.replace(/\/+$/, "");
}

/** A value as it appears in messages. */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return "an array";
  if (value instanceof Date) return "a date";
  if (typeof value === "object" && value !== null) return "a table";
  return String(value);
}

/** A key path as written in TOML: dotted, each part quoted when it needs to be. */
export function keyPath(path: readonly string[]): string {
  return path.map((part) => /^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part)).join(".");
}
