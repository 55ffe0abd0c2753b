/**
 * The one owner of precedence. Every setting is the value of the highest layer that sets it:
 *
 *   flags > `-c key=value` > environment > the selected profile > project file > user file > defaults
 *
 * and each effective value keeps where it came from, for `pixir config` and for error messages.
 */

import {
  checkValue,
  type ConfigLayer,
  httpUrl,
  keyPath,
  kindAt,
  type ProfileSettings,
  validateLayer,
  type ValueKind,
} from "./config_schema.ts";
import { type ConfigFile, lineOf } from "./config_file.ts";
import { BUILT_IN_PROVIDERS, type ModelProvider, modelProvider } from "./model_providers.ts";
import { mergeTable, type OverrideLayer } from "./overrides.ts";
import { mcpServers } from "./mcp_servers.ts";
import { SettingsError } from "./settings_error.ts";
import {
  DEFAULT_APPROVAL_TIMEOUT_SECS,
  DEFAULT_COMPACT_AT_PERCENT,
  DEFAULT_ISSUER,
  DEFAULT_MAX_ITERATIONS,
  DEFAULT_MAX_SUBAGENTS,
  DEFAULT_MODEL,
  DEFAULT_SUBAGENT_TIMEOUT_SECS,
  DEFAULT_TOOL_TIMEOUT_MS,
  type Settings,
} from "./settings.ts";

/** Where an effective value came from. */
export type Origin =
  | { kind: "default" }
  | { kind: "file"; path: string; line?: number }
  | { kind: "profile"; name: string }
  | { kind: "env"; variable: string }
  | { kind: "override" }
  | { kind: "flag"; flag: string };

/** The flags that are settings. */
export interface SettingFlags {
  /** `--model`. */
  model?: string;
  /** `--effort`. */
  effort?: string;
  /** `--provider`. */
  provider?: string;
  /** `--profile`. */
  profile?: string;
  /** `--unattended`. */
  unattended?: boolean;
  /** `--search`. */
  search?: boolean;
}

/** Everything the resolver weighs. */
export interface ConfigSources {
  env: (name: string) => string | undefined;
  /** The user's `config.toml`, when there is one. */
  userFile?: ConfigFile | null;
  /** A trusted project's `.pixir/config.toml`, already stripped of what a project may not set. */
  projectFile?: ConfigFile | null;
  /** The `-c` overrides. */
  overrides?: OverrideLayer;
  flags?: SettingFlags;
}

/** One effective value and where it came from. */
export interface ConfigEntry {
  /** The dotted key, e.g. `model` or `model_providers.ollama.base_url`. */
  key: string;
  value: unknown;
  origin: Origin;
}

/** The resolved settings, every value with its origin, and the warnings to show. */
export interface ResolvedConfig {
  settings: Settings;
  entries: ConfigEntry[];
  /** Unknown keys, each named with where it was written. */
  warnings: string[];
}

/** The environment variables that are settings, and the key each one sets. */
export const ENV_KEYS: readonly { variable: string; path: readonly string[] }[] = [
  { variable: "PIXIR_MODEL", path: ["model"] },
  { variable: "PIXIR_EFFORT", path: ["model_reasoning_effort"] },
  { variable: "PIXIR_PROVIDER", path: ["model_provider"] },
  { variable: "PIXIR_PROFILE", path: ["profile"] },
  { variable: "PIXIR_STREAM_IDLE_TIMEOUT_MS", path: ["stream_idle_timeout_ms"] },
  { variable: "PIXIR_MAX_RETRIES", path: ["request_max_retries"] },
  { variable: "PIXIR_RETRY_BASE_MS", path: ["retry_base_ms"] },
  { variable: "PIXIR_MAX_ITERATIONS", path: ["max_iterations"] },
  { variable: "PIXIR_COMPACT_AT", path: ["compact_at_percent"] },
  { variable: "PIXIR_UNATTENDED", path: ["unattended"] },
  { variable: "PIXIR_APPROVAL_TIMEOUT_SECS", path: ["approval_timeout_secs"] },
  { variable: "PIXIR_TOOL_TIMEOUT_MS", path: ["tool_timeout_ms"] },
  { variable: "PIXIR_WEB_SEARCH", path: ["web_search"] },
  { variable: "PIXIR_MAX_SUBAGENTS", path: ["max_subagents"] },
  { variable: "PIXIR_SUBAGENT_TIMEOUT_SECS", path: ["subagent_timeout_secs"] },
  { variable: "OPENAI_BASE_URL", path: ["model_providers", "openai", "base_url"] },
  { variable: "PIXIR_CHATGPT_BASE_URL", path: ["model_providers", "chatgpt", "base_url"] },
];

/** The defaults, as the lowest layer. */
const DEFAULTS: ConfigLayer = {
  model: DEFAULT_MODEL,
  model_reasoning_effort: "medium",
  stream_idle_timeout_ms: 300_000,
  request_max_retries: 4,
  retry_base_ms: 200,
  max_iterations: DEFAULT_MAX_ITERATIONS,
  compact_at_percent: DEFAULT_COMPACT_AT_PERCENT,
  unattended: false,
  approval_timeout_secs: DEFAULT_APPROVAL_TIMEOUT_SECS,
  tool_timeout_ms: DEFAULT_TOOL_TIMEOUT_MS,
  web_search: false,
  max_subagents: DEFAULT_MAX_SUBAGENTS,
  subagent_timeout_secs: DEFAULT_SUBAGENT_TIMEOUT_SECS,
  model_providers: Object.fromEntries(
    Object.entries(BUILT_IN_PROVIDERS).map(([id, table]) => [id, { ...table }]),
  ),
};

/** A layer and the origin of each of its values. */
interface Layer {
  layer: ConfigLayer;
  origin(path: readonly string[]): Origin;
}

/** Settings from environment variables alone: a run without a config file or setting flags. */
export function loadSettings(env: (name: string) => string | undefined): Settings {
  return resolveConfig({ env }).settings;
}

/**
 * Resolves the settings. Throws SettingsError for a value of the wrong type (naming where it was
 * written), a profile or provider that is not defined, or a provider without a `base_url`.
 */
export function resolveConfig(sources: ConfigSources): ResolvedConfig {
  const { userFile, projectFile, overrides, flags = {} } = sources;
  const env = envLayer(sources.env);
  const flagLayer = flagsLayer(flags);
  const files = [userFile, projectFile].filter((file): file is ConfigFile => !!file);
  const profileName = flagLayer.profile ?? overrides?.layer.profile ?? env.profile ??
    projectFile?.layer.profile ?? userFile?.layer.profile;
  const profiles: Record<string, ProfileSettings> = {};
  for (const layer of [userFile?.layer, overrides?.layer]) {
    mergeTable(profiles as Record<string, unknown>, layer?.profiles ?? {});
  }
  if (profileName !== undefined && !Object.hasOwn(profiles, profileName)) {
    const where = userFile ? `in ${userFile.path}` : "(there is no config file)";
    throw new SettingsError(`profile "${profileName}" is not defined ${where}`);
  }

  const layers: Layer[] = [
    { layer: DEFAULTS, origin: () => ({ kind: "default" }) },
    ...files.map((file) => ({ layer: file.layer, origin: fileOrigin(file) })),
    ...(profileName === undefined ? [] : [{
      layer: profiles[profileName] as ConfigLayer,
      origin: (): Origin => ({ kind: "profile", name: profileName }),
    }]),
    { layer: env, origin: (path) => ({ kind: "env", variable: envVariable(path) }) },
    ...(overrides
      ? [{ layer: overrides.layer, origin: (): Origin => ({ kind: "override" }) }]
      : []),
    { layer: flagLayer, origin: (path) => ({ kind: "flag", flag: flagName(path) }) },
  ];

  const effective = new Map<string, { path: string[]; value: unknown; origin: Origin }>();
  for (const { layer, origin } of layers) {
    for (const [path, value] of leaves(layer)) {
      effective.set(JSON.stringify(path), { path, value, origin: origin(path) });
    }
  }
  const merged: Record<string, unknown> = {};
  for (const { path, value } of effective.values()) setPath(merged, path, value);
  const { layer } = validateLayer(merged, (path) => keyPath(path));

  const entries = [...effective.values()].map(({ path, value, origin }) => ({
    key: keyPath(path),
    value,
    origin,
  }));
  const warnings = [
    ...files.flatMap((file) => file.unknown),
    ...(overrides?.unknown ?? []),
  ].map((key) => `unknown setting ${key} (ignored; see "Configuration" in the README)`);
  return { settings: settingsOf(layer, profileName, sources.env, entries), entries, warnings };
}

function settingsOf(
  layer: ConfigLayer,
  profile: string | undefined,
  env: (name: string) => string | undefined,
  entries: readonly ConfigEntry[],
): Settings {
  const providers: Record<string, ModelProvider> = {};
  for (const [id, table] of Object.entries(layer.model_providers ?? {})) {
    providers[id] = modelProvider(id, table);
  }
  const chosen = layer.model_provider;
  if (chosen !== undefined && !Object.hasOwn(providers, chosen)) {
    const entry = entries.find((e) => e.key === "model_provider");
    throw new SettingsError(
      `model_provider "${chosen}"${entry ? ` (${describeOrigin(entry.origin)})` : ""} is not a ` +
        `provider: use one of ${Object.keys(providers).join(", ")}, or define ` +
        `[model_providers.${chosen}] in config.toml`,
    );
  }
  const issuerText = env("PIXIR_AUTH_ISSUER")?.trim() || DEFAULT_ISSUER;
  const authIssuer = httpUrl(issuerText, () => {
    throw new SettingsError(`PIXIR_AUTH_ISSUER: "${issuerText}" must be an http(s) URL`);
  });
  // Every key below has a default, so the merged layer always holds it.
  const must = <T>(value: T | undefined): T => value as T;
  return {
    model: must(layer.model),
    effort: must(layer.model_reasoning_effort),
    provider: chosen === undefined ? undefined : providers[chosen],
    providers,
    profile,
    openaiBaseUrl: providers.openai.baseUrl,
    chatgptBaseUrl: providers.chatgpt.baseUrl,
    authIssuer,
    idleTimeoutMs: must(layer.stream_idle_timeout_ms),
    maxRetries: must(layer.request_max_retries),
    retryBaseMs: must(layer.retry_base_ms),
    maxIterations: must(layer.max_iterations),
    compactAtPercent: must(layer.compact_at_percent),
    unattended: must(layer.unattended),
    approvalTimeoutMs: must(layer.approval_timeout_secs) * 1000,
    toolTimeoutMs: must(layer.tool_timeout_ms),
    webSearch: must(layer.web_search),
    maxSubagents: must(layer.max_subagents),
    subagentTimeoutMs: must(layer.subagent_timeout_secs) * 1000,
    mcpServers: mcpServers(layer.mcp_servers),
  };
}

/** The environment as a layer; blank variables count as unset. */
function envLayer(env: (name: string) => string | undefined): ConfigLayer {
  const raw: Record<string, unknown> = {};
  // Most CI runners set CI (to "true", "1", …): nobody is there to answer a question.
  const ci = env("CI")?.trim().toLowerCase();
  if (ci && ci !== "false" && ci !== "0") raw.unattended = true;
  for (const { variable, path } of ENV_KEYS) {
    const text = env(variable);
    // PIXIR_EFFORT="" is a mistake worth an error, as it always was; other blanks mean unset.
    if (text === undefined || (text.trim() === "" && variable !== "PIXIR_EFFORT")) continue;
    const kind = mustKind(path);
    const value = kind.type === "int" && /^\s*-?\d+\s*$/.test(text)
      ? Number(text)
      : kind.type === "boolean"
      ? booleanText(text)
      : text.trim();
    setPath(raw, [...path], checkValue(value, kind, path, () => variable, JSON.stringify(text)));
  }
  return raw as ConfigLayer;
}

/** `1`/`true`/`yes` and `0`/`false`/`no` as booleans; anything else is left for the check to refuse. */
function booleanText(text: string): boolean | string {
  const word = text.trim().toLowerCase();
  if (["1", "true", "yes"].includes(word)) return true;
  if (["0", "false", "no"].includes(word)) return false;
  return text.trim();
}

function envVariable(path: readonly string[]): string {
  return ENV_KEYS.find((e) => keyPath(e.path) === keyPath(path))?.variable ?? keyPath(path);
}

/** The setting flags as a layer. */
function flagsLayer(flags: SettingFlags): ConfigLayer {
  const raw: Record<string, unknown> = {};
  const named = [
    ["model", flags.model],
    ["model_reasoning_effort", flags.effort],
    ["model_provider", flags.provider],
    ["profile", flags.profile],
    ["unattended", flags.unattended],
    ["web_search", flags.search],
  ] as const;
  for (const [key, value] of named) {
    if (value === undefined) continue;
    raw[key] = checkValue(value, mustKind([key]), [key], flagName, JSON.stringify(value));
  }
  return raw as ConfigLayer;
}

/** The flag that sets each key. */
const FLAG_NAMES: Readonly<Record<string, string>> = {
  model: "--model",
  model_reasoning_effort: "--effort",
  model_provider: "--provider",
  profile: "--profile",
  unattended: "--unattended",
  web_search: "--search",
};

function flagName(path: readonly string[]): string {
  return FLAG_NAMES[path[0]] ?? keyPath(path);
}

/** The type of a key Pixir itself maps a variable or flag to. */
function mustKind(path: readonly string[]): ValueKind {
  const kind = kindAt(path);
  if (kind === undefined) throw new Error(`no setting ${keyPath(path)}`);
  return kind;
}

function fileOrigin(file: ConfigFile): (path: readonly string[]) => Origin {
  return (path) => {
    const line = lineOf(file.lines, path);
    return { kind: "file", path: file.path, ...(line === undefined ? {} : { line }) };
  };
}

/**
 * The leaf values of a layer with their paths. `profiles` are definitions, not settings, and each
 * MCP server's table is kept whole.
 */
function leaves(layer: ConfigLayer): [string[], unknown][] {
  const out: [string[], unknown][] = [];
  const walk = (value: unknown, path: string[]) => {
    const keepWhole = path.length === 2 && path[0] === "mcp_servers";
    if (!keepWhole && typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
    } else {
      out.push([path, value]);
    }
  };
  for (const [key, value] of Object.entries(layer)) {
    if (key !== "profiles") walk(value, [key]);
  }
  return out;
}

function setPath(into: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let table = into;
  for (const part of path.slice(0, -1)) {
    const next = table[part];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) {
      table = next as Record<string, unknown>;
    } else {
      table = table[part] = {} as Record<string, unknown>;
    }
  }
  table[path[path.length - 1]] = value;
}

/** An origin in words: `default`, `/path/config.toml:3`, `profile fast`, `PIXIR_MODEL`, … */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case "default":
      return "default";
    case "file":
      return origin.line === undefined ? origin.path : `${origin.path}:${origin.line}`;
    case "profile":
      return `profile ${origin.name}`;
    case "env":
      return `env ${origin.variable}`;
    case "override":
      return "-c";
    case "flag":
      return `flag ${origin.flag}`;
  }
}
