/**
 * A project's `.pixir/config.toml`, at the repository root. A repository is written by others, so
 * its file is read only once the person has trusted the workspace (`pixir trust`), and even then
 * it may only choose among what the person already set up: the model, the effort, a profile of the
 * person's own, limits, and making runs unattended (never the reverse, which would undo the
 * person's own `unattended = true`). It can never name an endpoint, a key, headers, an MCP server or a
 * permission; such keys are refused with a message and the rest of the file still applies.
 */

import { dirname, join } from "node:path";
import { CONFIG_FILE_NAME, type ConfigFile, parseConfigText } from "./config_file.ts";
import type { ConfigLayer } from "./config_schema.ts";
import { isTrusted } from "./trust.ts";
import { SettingsError } from "./settings_error.ts";

/** The top-level keys a project may set. */
export const PROJECT_KEYS: readonly (keyof ConfigLayer)[] = [
  "model",
  "model_reasoning_effort",
  "profile",
  "stream_idle_timeout_ms",
  "request_max_retries",
  "retry_base_ms",
  "max_iterations",
  "compact_at_percent",
  "unattended",
];

/** What was found for a workspace. */
export type ProjectConfig =
  /** No `.pixir/config.toml` at the repository root. */
  | { kind: "none"; root: string }
  /** A file that was not read because the workspace is not trusted. */
  | { kind: "untrusted"; root: string; path: string }
  /** The file, read, with the keys it may not set removed; `refused` says why of each. */
  | { kind: "trusted"; root: string; file: ConfigFile; refused: string[] };

/** The repository root of `workspace` (nearest folder holding `.git`), else the workspace. */
export async function projectRoot(workspace: string): Promise<string> {
  for (let dir = workspace;; dir = dirname(dir)) {
    try {
      await Deno.lstat(join(dir, ".git"));
      return dir;
    } catch {
      // not here; go up
    }
    if (dirname(dir) === dir) return workspace;
  }
}

/** Finds and, when the workspace is trusted, reads the project's config. */
export async function loadProjectConfig(
  configDir: string,
  workspace: string,
): Promise<ProjectConfig> {
  const root = await projectRoot(workspace);
  const path = join(root, ".pixir", CONFIG_FILE_NAME);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    return { kind: "none", root };
  }
  if (!await isTrusted(configDir, root)) return { kind: "untrusted", root, path };
  // A FIFO or a device would hang or flood the read.
  if (!info.isFile) throw new SettingsError(`${path}: not a regular file`);
  const file = await parseConfigText(path, await Deno.readTextFile(path));
  const refused: string[] = [];
  const layer: ConfigLayer = {};
  for (const [key, value] of Object.entries(file.layer)) {
    if (key === "unattended" && value !== true) {
      refused.push(
        `ignored ${path}: unattended = ${value}: a project may switch unattended runs on, never off`,
      );
    } else if ((PROJECT_KEYS as readonly string[]).includes(key)) {
      Object.assign(layer, { [key]: value });
    } else {
      refused.push(...refusedKeys(key, value).map((name) => refusalMessage(`${path}: ${name}`)));
    }
  }
  return { kind: "trusted", root, file: { ...file, layer }, refused };
}

/** The full key paths under a refused top-level key, so the message names exactly what was set. */
function refusedKeys(key: string, value: unknown): string[] {
  if (typeof value !== "object" || value === null || key === "mcp_servers") return [key];
  const names: string[] = [];
  for (const [name, inner] of Object.entries(value)) {
    const keys = typeof inner === "object" && inner !== null ? Object.keys(inner) : [];
    if (keys.length === 0) names.push(`${key}.${name}`);
    else names.push(...keys.map((k) => `${key}.${name}.${k}`));
  }
  return names.length === 0 ? [key] : names;
}

/** The message for a key a project may not set. */
function refusalMessage(key: string): string {
  return `ignored ${key}: a project's config cannot set providers, their base_url, env_key or ` +
    `headers, MCP servers or permissions (only ${PROJECT_KEYS.join(", ")})`;
}
