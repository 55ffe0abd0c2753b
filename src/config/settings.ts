/** Run settings from the environment, validated once where they enter. */

import { EFFORTS, type ReasoningEffort } from "../provider/request.ts";

/** The ChatGPT sign-in issuer used unless `PIXIR_AUTH_ISSUER` says otherwise. */
export const DEFAULT_ISSUER = "https://auth.openai.com";

/** Compact automatically once the context in use reaches this percentage of the window. */
export const DEFAULT_COMPACT_AT_PERCENT = 85;

/** The iteration cap: model calls one turn may make before it stops. */
export const DEFAULT_MAX_ITERATIONS = 50;

/** The model used when none is given. */
export const DEFAULT_MODEL = "gpt-5.5";

/** Everything a run needs to know that does not come from its flags. */
export interface Settings {
  model: string;
  effort: ReasoningEffort;
  /** Base URL of the public Responses API (`OPENAI_BASE_URL`). */
  openaiBaseUrl: string;
  /** Base URL of the ChatGPT backend for subscriptions (`PIXIR_CHATGPT_BASE_URL`). */
  chatgptBaseUrl: string;
  /** The ChatGPT sign-in issuer (`PIXIR_AUTH_ISSUER`). */
  authIssuer: string;
  /** Longest silence tolerated inside a stream (`PIXIR_STREAM_IDLE_TIMEOUT_MS`). */
  idleTimeoutMs: number;
  /** Retries of one model call (`PIXIR_MAX_RETRIES`). */
  maxRetries: number;
  /** First backoff delay (`PIXIR_RETRY_BASE_MS`). */
  retryBaseMs: number;
  /** Model calls allowed in one turn before it stops (`PIXIR_MAX_ITERATIONS`). */
  maxIterations: number;
  /** Percentage of the context window at which history is compacted (`PIXIR_COMPACT_AT`). */
  compactAtPercent: number;
}

/** A setting that could not be understood; the CLI reports it as bad usage. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SettingsError";
  }
}

/** Reads and validates settings from environment variables. */
export function loadSettings(env: (name: string) => string | undefined): Settings {
  return {
    model: env("PIXIR_MODEL")?.trim() || DEFAULT_MODEL,
    effort: parseEffort(env("PIXIR_EFFORT") ?? "medium", "PIXIR_EFFORT"),
    openaiBaseUrl: urlSetting(env, "OPENAI_BASE_URL", "https://api.openai.com/v1"),
    chatgptBaseUrl: urlSetting(
      env,
      "PIXIR_CHATGPT_BASE_URL",
      "https://chatgpt.com/backend-api/codex",
    ),
    authIssuer: urlSetting(env, "PIXIR_AUTH_ISSUER", DEFAULT_ISSUER),
    idleTimeoutMs: intSetting(env, "PIXIR_STREAM_IDLE_TIMEOUT_MS", 300_000, 1),
    maxRetries: intSetting(env, "PIXIR_MAX_RETRIES", 4, 0),
    retryBaseMs: intSetting(env, "PIXIR_RETRY_BASE_MS", 200, 0),
    maxIterations: intSetting(env, "PIXIR_MAX_ITERATIONS", DEFAULT_MAX_ITERATIONS, 1),
    compactAtPercent: intSetting(env, "PIXIR_COMPACT_AT", DEFAULT_COMPACT_AT_PERCENT, 1, 100),
  };
}

/** Parses a reasoning effort, naming where it came from when it is not one. */
export function parseEffort(value: string, source: string): ReasoningEffort {
  const effort = EFFORTS.find((e) => e === value.trim());
  if (!effort) {
    throw new SettingsError(`${source}: "${value}" is not one of ${EFFORTS.join(", ")}`);
  }
  return effort;
}

function urlSetting(
  env: (name: string) => string | undefined,
  name: string,
  fallback: string,
): string {
  const value = env(name)?.trim() || fallback;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError(`${name}: "${value}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new SettingsError(`${name}: "${value}" must be an http(s) URL`);
  }
  return url.href.replace(/\/+$/, "");
}

function intSetting(
  env: (name: string) => string | undefined,
  name: string,
  fallback: number,
  min: number,
  max = Infinity,
): number {
  const raw = env(name);
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw.trim());
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new SettingsError(`${name}: "${raw}" must be a whole number ${range}`);
  }
  return value;
}
