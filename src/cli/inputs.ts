/**
 * Validated inputs of a run, shared by `run` and `resume`: the prompt, the workspace, settings,
 * credentials and limits — each failure already a CliFailure with its exit code.
 */

import type { Io } from "../util/io.ts";
import { CliFailure } from "./failure.ts";
import { resolveCredentials, resolveProviderCredentials } from "../auth/resolve.ts";
import { rethrowAuthError } from "../app/auth_failure.ts";
import type { RunCredentials } from "../app/turn_wiring.ts";
import { sleep } from "../util/sleep.ts";
import { parseDuration } from "../util/duration.ts";
import { type Settings, SettingsError } from "../config/settings.ts";
import type { PixirPaths } from "../config/paths.ts";
import { readConfigFile, userConfigPath } from "../config/config_file.ts";
import { parseOverrides } from "../config/overrides.ts";
import { resolveConfig, type ResolvedConfig } from "../config/resolver.ts";
import { loadProjectConfig, type ProjectConfig } from "../config/project_config.ts";
import type { ReasoningEffort } from "../provider/request.ts";

import { pathsFrom } from "./folders.ts";

// Kept importable from here for the commands that read all their inputs from this module.
export { pathsFrom };
export { resolveWorkspace } from "./folders.ts";

/** The flags that choose settings, on every command that talks to a model. */
export const CONFIG_FLAGS = {
  profile: { type: "string" },
  config: { type: "string", short: "c", multiple: true },
  provider: { type: "string" },
} as const;

/** Help lines for `CONFIG_FLAGS` (`-c` is spelled out where a command uses it otherwise). */
export function configFlagsHelp(short = true): string {
  return `      --provider NAME  model provider: chatgpt, openai, ollama, lmstudio, openrouter, or one
                       of config.toml's [model_providers.NAME]
      --profile NAME   apply config.toml's [profiles.NAME]
  ${short ? "-c," : "   "} --config KEY=VALUE
                       override a config.toml setting (repeatable; TOML value, dotted key)
`;
}

/** The longest `--wait-for-reset` waits when it is given without a value. */
export const DEFAULT_WAIT_FOR_RESET = "6h";

/** Flags every prompt-running command accepts. */
export const RUN_FLAGS = {
  model: { type: "string", short: "m" },
  effort: { type: "string" },
  cwd: { type: "string", short: "C" },
  timeout: { type: "string" },
  auth: { type: "string" },
  "no-context": { type: "boolean" },
  "stop-at-quota": { type: "string" },
  "wait-for-reset": { type: "string" },
  unattended: { type: "boolean" },
  search: { type: "boolean" },
  ...CONFIG_FLAGS,
} as const;

/** The setting flags a command was given. */
export interface SettingFlagValues {
  model?: string;
  effort?: string;
  provider?: string;
  profile?: string;
  unattended?: boolean;
  search?: boolean;
  config?: string[];
}

/** The resolved configuration, and the project config found for the workspace. */
export interface CliConfig extends ResolvedConfig {
  project?: ProjectConfig;
}

/** The credentials of a run and the provider its requests go to. */

/**
 * The prompt from the arguments, from `-`, or from piped stdin; never waits on a terminal. With
 * both arguments and piped stdin (`git diff | pixir run "review this"`), the piped text follows the
 * arguments after a blank line.
 */
export async function readPrompt(positionals: string[], io: Io, command: string): Promise<string> {
  const fromStdin = positionals.length === 1 && positionals[0] === "-";
  if (positionals.length > 0 && !fromStdin) {
    const prompt = nonEmptyPrompt(positionals.join(" "), command);
    if (io.stdin.isTerminal) return prompt;
    const piped = await readStdin(io, false);
    return piped.trim() === "" ? prompt : `${prompt}\n\n${piped}`;
  }
  if (io.stdin.isTerminal) {
    throw new CliFailure("usage", `${command}: no prompt given`, {
      hint: `pixir ${command} "your prompt"   (or pipe it: echo "…" | pixir ${command})`,
    });
  }
  return nonEmptyPrompt(await readStdin(io, true), command);
}

/** How long piped stdin may keep Pixir waiting before it says what it is waiting for. */
export const STDIN_NOTICE_MS = 1_000;

/**
 * All of piped stdin; if it has not ended after `STDIN_NOTICE_MS`, says on stderr what Pixir is
 * waiting for and how not to (a script whose stdin stays open would otherwise hang silently).
 */
async function readStdin(io: Io, promptOnly: boolean): Promise<string> {
  const fix = promptOnly
    ? "end the input (Ctrl+D), or pass the prompt as an argument"
    : "end the input (Ctrl+D), or run with </dev/null to send only the prompt given as argument";
  const timer = setTimeout(() => {
    io.stderr.write(`pixir: reading the prompt from stdin until it ends; ${fix}\n`).catch(
      () => undefined,
    );
  }, STDIN_NOTICE_MS);
  try {
    return await io.stdin.readAll();
  } finally {
    clearTimeout(timer);
  }
}

function nonEmptyPrompt(text: string, command: string): string {
  if (text.trim() === "") throw new CliFailure("usage", `${command}: the prompt is empty`);
  return text;
}

/**
 * The configuration: config.toml, a trusted project's `.pixir/config.toml` (when `workspace` is
 * given), `-c`, the environment and the flags, resolved. Warnings (unknown keys, refused project
 * keys, an untrusted project config) go to stderr; a bad value is a usage failure (exit 2).
 */
export async function configFrom(
  io: Io,
  flags: SettingFlagValues = {},
  workspace?: string,
): Promise<CliConfig> {
  try {
    const paths = pathsFrom(io);
    const userFile = await readConfigFile(userConfigPath(paths.configDir));
    const project = workspace === undefined
      ? undefined
      : await loadProjectConfig(paths.configDir, workspace);
    const resolved = resolveConfig({
      env: io.env,
      userFile,
      projectFile: project?.kind === "trusted" ? project.file : null,
      overrides: await parseOverrides(flags.config ?? []),
      flags: {
        // A blank --model means the default, as it always has.
        model: flags.model?.trim() || undefined,
        effort: flags.effort,
        provider: flags.provider,
        profile: flags.profile,
        // Only a given flag is a layer: its absence must not override config.toml or CI.
        unattended: flags.unattended || undefined,
        search: flags.search || undefined,
      },
    });
    const warn = (message: string) => io.stderr.write(`pixir: warning: ${message}\n`);
    for (const warning of resolved.warnings) await warn(warning);
    if (project?.kind === "trusted") {
      for (const message of project.refused) await warn(message);
    }
    if (project?.kind === "untrusted") {
      await io.stderr.write(
        `pixir: ${project.path} is not read: this workspace is not trusted ` +
          `(run \`pixir trust ${project.root}\` to use it)\n`,
      );
    }
    return { ...resolved, ...(project === undefined ? {} : { project }) };
  } catch (error) {
    if (error instanceof SettingsError) throw new CliFailure("usage", error.message);
    throw error;
  }
}

/** The settings alone (see `configFrom`). */
export async function settingsFrom(
  io: Io,
  flags: SettingFlagValues = {},
  workspace?: string,
): Promise<Settings> {
  return (await configFrom(io, flags, workspace)).settings;
}

/** What a session last ran with. */
export interface RecordedChoice {
  model: string;
  effort: ReasoningEffort;
  /** Absent in sessions written before providers were recorded. */
  provider?: string;
}

/**
 * The model, effort and provider for a session that already ran: what the command line says (its
 * flags and `-c`) over what the session recorded over the rest of the configuration.
 */
export function sessionChoice(
  config: ResolvedConfig,
  recorded: RecordedChoice,
): { model: string; effort: ReasoningEffort; provider: string | undefined } {
  const onCommandLine = (key: string) => {
    const origin = config.entries.find((entry) => entry.key === key)?.origin.kind;
    return origin === "flag" || origin === "override";
  };
  const { settings } = config;
  return {
    model: onCommandLine("model") ? settings.model : recorded.model,
    effort: onCommandLine("model_reasoning_effort") ? settings.effort : recorded.effort,
    provider: onCommandLine("model_provider") || recorded.provider === undefined
      ? settings.provider?.id
      : recorded.provider,
  };
}

/**
 * The provider and credentials for the run, checked usable (refreshed if about to expire), or exit
 * 4 with the fix. With no provider chosen (`providerId` or `model_provider`), the credential decides
 * as it always has: `--auth`, else the stored ChatGPT login (→ chatgpt), else OPENAI_API_KEY, else a
 * stored API key (→ openai). A chosen provider brings its own credential; `--auth` must agree.
 * With `refresh: "later"` an expiring sign-in is not refreshed here (no network): the caller does
 * it when it suits (the chat, once it has painted), and the first request would anyway.
 */
export async function credentialsFrom(
  io: Io,
  auth: string | undefined,
  paths: PixirPaths,
  settings: Settings,
  providerId: string | undefined = settings.provider?.id,
  { refresh = "now" }: { refresh?: "now" | "later" } = {},
): Promise<RunCredentials> {
  if (auth !== undefined && auth !== "subscription" && auth !== "api-key") {
    throw new CliFailure("usage", `--auth: "${auth}" is not one of subscription, api-key`);
  }
  const chosen = providerId === undefined ? undefined : settings.providers[providerId];
  if (providerId !== undefined && chosen === undefined) {
    throw new CliFailure("usage", `provider "${providerId}" is not configured`, {
      hint:
        `define [model_providers.${providerId}] in config.toml, or pick another with --provider`,
    });
  }
  const implied = auth === "subscription" ? "chatgpt" : "openai";
  if (chosen !== undefined && auth !== undefined && chosen.id !== implied) {
    throw new CliFailure("usage", `--auth ${auth} does not go with provider ${chosen.id}`, {
      hint: "--auth chooses between the chatgpt and openai providers; drop it or --provider",
    });
  }
  const options = { env: io.env, paths, fetch: io.fetch, now: io.now, sleep };
  try {
    const resolved = chosen === undefined
      ? await resolveCredentials({ ...options, choice: auth })
      : await resolveProviderCredentials(chosen.auth, options);
    for (const warning of resolved.warnings ?? []) {
      await io.stderr.write(`pixir: warning: ${warning}\n`);
    }
    // Refreshing an expiring sign-in now means a dead one ends the run before a session exists.
    if (refresh === "now") await resolved.provider.get();
    const modelProvider = chosen ??
      settings.providers[resolved.source.method === "chatgpt" ? "chatgpt" : "openai"];
    return { ...resolved, modelProvider };
  } catch (error) {
    rethrowAuthError(error);
  }
}

/** `--timeout` in seconds (fractions allowed) → milliseconds. */
export function timeoutFrom(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new CliFailure("usage", `--timeout: "${value}" must be a positive number of seconds`);
  }
  return Math.round(seconds * 1000);
}

/**
 * `argv` with a bare `--wait-for-reset` given its default maximum, so that the flag's optional
 * value is never taken from the prompt that follows it.
 */
export function withWaitDefault(argv: readonly string[]): string[] {
  const end = argv.indexOf("--");
  return argv.map((arg, index) =>
    arg === "--wait-for-reset" && (end === -1 || index < end)
      ? `--wait-for-reset=${DEFAULT_WAIT_FOR_RESET}`
      : arg
  );
}

/** `--wait-for-reset=MAX` → milliseconds; undefined when the flag was not given. */
export function waitForResetFrom(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null) {
    throw new CliFailure(
      "usage",
      `--wait-for-reset: "${value}" is not a duration like 30m or 2h`,
    );
  }
  return ms;
}

/** `--stop-at-quota PCT` → a percentage in (0, 100]. */
export function stopAtQuotaFrom(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const percent = Number(value.replace(/%$/, ""));
  if (value.trim() === "" || !Number.isFinite(percent) || percent <= 0 || percent > 100) {
    throw new CliFailure(
      "usage",
      `--stop-at-quota: "${value}" must be a percentage above 0 and at most 100`,
    );
  }
  return percent;
}
