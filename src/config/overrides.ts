/**
 * `-c key=value` overrides: the key is a dotted TOML key (`model_providers.vllm.base_url`), the
 * value a TOML value (`42`, `true`, `"text"`, `{ X-Team = "infra" }`); a value that is not TOML is
 * taken as a plain string, so `-c model=gpt-5.4` needs no quotes.
 */

import type * as Toml from "./toml.ts";
import { type ConfigLayer, validateLayer } from "./config_schema.ts";
import { SettingsError } from "./settings_error.ts";

/** The TOML parser, loaded only when there are overrides to parse (see `toml.ts`). */
const TOML_MODULE = "./toml.ts";

/** The overrides as one layer, and the keys among them Pixir does not know. */
export interface OverrideLayer {
  layer: ConfigLayer;
  unknown: string[];
}

/** Parses every `-c` value, later ones winning; throws SettingsError naming a bad one. */
export async function parseOverrides(values: readonly string[]): Promise<OverrideLayer> {
  const merged: Record<string, unknown> = {};
  if (values.length > 0) {
    const { parse }: typeof Toml = await import(TOML_MODULE);
    for (const text of values) mergeTable(merged, parseOverride(text, parse));
  }
  const { layer, unknown } = validateLayer(merged, (path) => `-c ${path.join(".")}`);
  return { layer, unknown: unknown.map((path) => `-c ${path.join(".")}`) };
}

/** One `key=value` as the nested table it stands for. */
function parseOverride(text: string, parse: typeof Toml.parse): Record<string, unknown> {
  const eq = text.indexOf("=");
  const key = eq === -1 ? "" : text.slice(0, eq).trim();
  if (key === "") {
    throw new SettingsError(`-c "${text}": expected key=value (e.g. -c model=gpt-5.4)`);
  }
  const value = text.slice(eq + 1).trim();
  try {
    return parse(`${key} = ${value}`);
  } catch {
    // Not a TOML value: the text itself, as a string.
  }
  try {
    return parse(`${key} = ${JSON.stringify(value)}`);
  } catch {
    throw new SettingsError(`-c "${text}": "${key}" is not a valid key`);
  }
}

/** Merges `from` into `into`, table by table; anything else in `from` replaces. */
export function mergeTable(
  into: Record<string, unknown>,
  from: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  for (const [key, value] of Object.entries(from)) {
    const current = into[key];
    if (isTable(value) && isTable(current)) mergeTable(current, value);
    else into[key] = isTable(value) ? mergeTable({}, value) : value;
  }
  return into;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}
