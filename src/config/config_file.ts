/**
 * Reading one `config.toml`: parsed with smol-toml, validated as a layer, every error naming the
 * file, the line and the key.
 */

import { join } from "node:path";
import type * as Toml from "./toml.ts";
import { type ConfigLayer, keyPath, validateLayer } from "./config_schema.ts";
import { SettingsError } from "./settings_error.ts";

/** The TOML parser, loaded when a file is parsed (see `toml.ts`). */
const TOML_MODULE = "./toml.ts";

/** The file name of Pixir's configuration, in the config folder and in a project's `.pixir/`. */
export const CONFIG_FILE_NAME = "config.toml";

/** Where the user's `config.toml` lives. */
export function userConfigPath(configDir: string): string {
  return join(configDir, CONFIG_FILE_NAME);
}

/** A configuration file read and validated. */
export interface ConfigFile {
  path: string;
  layer: ConfigLayer;
  /** The line each key path (as `keyPath` writes it) was set on, for `pixir config`. */
  lines: ReadonlyMap<string, number>;
  /** Keys Pixir does not know, as `file:line: key`. */
  unknown: string[];
}

/**
 * Reads `path`; null when there is no such file. Throws SettingsError for a file that cannot be
 * read, is not TOML, or holds a value of the wrong type.
 */
export async function readConfigFile(path: string): Promise<ConfigFile | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    const reason = error instanceof Error ? error.message : String(error);
    throw new SettingsError(`${path}: cannot be read (${reason})`);
  }
  return await parseConfigText(path, text);
}

/** Parses and validates the text of the file at `path`. */
export async function parseConfigText(path: string, text: string): Promise<ConfigFile> {
  const { parse, TomlError }: typeof Toml = await import(TOML_MODULE);
  let raw: Record<string, unknown>;
  try {
    raw = parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
      throw new SettingsError(`${path}:${error.line}:${error.column}: not valid TOML: ${reason}`);
    }
    throw error;
  }
  const lines = keyLines(text);
  const at = (parts: readonly string[]) => {
    const line = lineOf(lines, parts);
    return `${path}${line === undefined ? "" : `:${line}`}: ${keyPath(parts)}`;
  };
  const { layer, unknown } = validateLayer(raw, at);
  return { path, layer, lines, unknown: unknown.map(at) };
}

/** The line of `parts`, or of the nearest enclosing table or key that has one. */
export function lineOf(
  lines: ReadonlyMap<string, number>,
  parts: readonly string[],
): number | undefined {
  for (let n = parts.length; n > 0; n--) {
    const line = lines.get(keyPath(parts.slice(0, n)));
    if (line !== undefined) return line;
  }
  return undefined;
}

/**
 * The line of each key and table header, by its full dotted path. A light scan, enough to point at
 * a line: headers (`[a.b]`, `[[a]]`) and `key = …` lines; keys inside inline tables are found by
 * their enclosing key's line.
 */
function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let table: string[] = [];
  text.split("\n").forEach((line, index) => {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      table = splitKey(header[1]);
      lines.set(keyPath(table), index + 1);
      return;
    }
    const assignment =
      /^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/
        .exec(line);
    if (!assignment) return;
    const path = keyPath([...table, ...splitKey(assignment[1])]);
    if (!lines.has(path)) lines.set(path, index + 1);
  });
  return lines;
}

/** The parts of a dotted TOML key, quotes removed. */
function splitKey(key: string): string[] {
  const parts: string[] = [];
  for (const match of key.matchAll(/\s*("([^"]*)"|'([^']*)'|[^.\s]+)\s*(?:\.|$)/g)) {
    parts.push(match[2] ?? match[3] ?? match[1]);
  }
  return parts;
}
