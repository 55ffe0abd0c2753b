/**
 * Validated inputs of a run, shared by `run` and `resume`: the prompt, the workspace, settings,
 * credentials and limits — each failure already a CliFailure with its exit code.
 */

import { resolve } from "node:path";
import type { Io } from "../util/io.ts";
import { CliFailure } from "./failure.ts";
import { resolveCredentials, type ResolvedCredentials } from "../auth/resolve.ts";
import { rethrowAuthError } from "./auth_failure.ts";
import { sleep } from "../util/sleep.ts";
import { loadSettings, parseEffort, type Settings, SettingsError } from "../config/settings.ts";
import { NoHomeError, type PixirPaths, pixirPaths } from "../config/paths.ts";
import type { ReasoningEffort } from "../provider/request.ts";
import { POLICY_FLAGS_HELP } from "./policy_flags.ts";

/** Flags every prompt-running command accepts. */
export const RUN_FLAGS = {
  model: { type: "string", short: "m" },
  effort: { type: "string" },
  cwd: { type: "string", short: "C" },
  timeout: { type: "string" },
  auth: { type: "string" },
  "no-context": { type: "boolean" },
  "stop-at-quota": { type: "string" },
} as const;

/** Shared help text for the flags of `run` and `resume`. */
export const RUN_FLAGS_HELP =
  `  -m, --model MODEL    model to use (default: $PIXIR_MODEL or gpt-5.5)
      --effort EFFORT  reasoning effort: none, minimal, low, medium, high, xhigh
                       (default: $PIXIR_EFFORT or medium)
  -C, --cwd DIR        workspace the tools work in (default: the current directory)
      --timeout SECS   stop the run after this many seconds (exit 124)
      --auth KIND      subscription (the ChatGPT sign-in) or api-key; default: the stored
                       sign-in, else OPENAI_API_KEY, else a stored API key
      --no-context     do not send the AGENTS.md files (config folder, repository root down
                       to the workspace) with the instructions
      --stop-at-quota PCT
                       end the run (exit 5) before a request once the last known 5-hour or
                       weekly quota window is at or above PCT percent
      --json           print one final JSON object on stdout
      --jsonl          print every event as a JSON line on stdout, then the final object
  -h, --help           show this help
Permissions (see "Security model" in the README):
${POLICY_FLAGS_HELP}`;

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

/** Settings from the environment, with bad values reported as usage errors. */
export function settingsFrom(io: Io): Settings {
  try {
    return loadSettings(io.env);
  } catch (error) {
    if (error instanceof SettingsError) throw new CliFailure("usage", error.message);
    throw error;
  }
}

/** The model and effort for this run: flags over session over settings. */
export function modelChoice(
  flags: { model?: string; effort?: string },
  fallback: { model: string; effort: ReasoningEffort },
): { model: string; effort: ReasoningEffort } {
  const model = flags.model?.trim() || fallback.model;
  try {
    const effort = flags.effort === undefined
      ? fallback.effort
      : parseEffort(flags.effort, "--effort");
    return { model, effort };
  } catch (error) {
    if (error instanceof SettingsError) throw new CliFailure("usage", error.message);
    throw error;
  }
}

/** Pixir's folders, or a usage failure when no home can be found. */
export function pathsFrom(io: Io): PixirPaths {
  try {
    return pixirPaths({
      env: io.env,
      os: io.os,
      home: io.env("HOME") ?? io.env("USERPROFILE"),
    });
  } catch (error) {
    if (error instanceof NoHomeError) throw new CliFailure("usage", error.message);
    throw error;
  }
}

/** The real path of the workspace directory (`--cwd` or the current directory). */
export async function resolveWorkspace(dir: string, cwd: string): Promise<string> {
  const path = resolve(cwd, dir);
  let real: string;
  try {
    real = await Deno.realPath(path);
  } catch {
    throw new CliFailure("usage", `workspace ${path} does not exist`);
  }
  const info = await Deno.stat(real);
  if (!info.isDirectory) throw new CliFailure("usage", `workspace ${path} is not a directory`);
  return real;
}

/**
 * The credentials for the run (`--auth`, else the stored ChatGPT login, else OPENAI_API_KEY, else a
 * stored API key), checked usable (refreshed if about to expire), or exit 4 with the fix.
 */
export async function credentialsFrom(
  io: Io,
  auth: string | undefined,
  paths: PixirPaths,
): Promise<ResolvedCredentials> {
  if (auth !== undefined && auth !== "subscription" && auth !== "api-key") {
    throw new CliFailure("usage", `--auth: "${auth}" is not one of subscription, api-key`);
  }
  try {
    const resolved = await resolveCredentials({
      choice: auth,
      env: io.env,
      paths,
      fetch: io.fetch,
      now: io.now,
      sleep,
    });
    for (const warning of resolved.warnings ?? []) {
      await io.stderr.write(`pixir: warning: ${warning}\n`);
    }
    // Refreshing an expiring sign-in now means a dead one ends the run before a session exists.
    await resolved.provider.get();
    return resolved;
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
