/**
 * Run settings: what a run needs to know that its other flags do not say, and the defaults. They
 * are resolved from config.toml, profiles, `-c`, the environment and the flags by resolver.ts.
 */

import type { ReasoningEffort } from "../provider/request.ts";
import type { ModelProvider } from "./model_providers.ts";
import type { McpServerConfig } from "./mcp_servers.ts";
export { SettingsError } from "./settings_error.ts";

/** The ChatGPT sign-in issuer used unless `PIXIR_AUTH_ISSUER` says otherwise. */
export const DEFAULT_ISSUER = "https://auth.openai.com";

/** Compact automatically once the context in use reaches this percentage of the window. */
export const DEFAULT_COMPACT_AT_PERCENT = 85;

/** Seconds an approval question waits for an answer: long enough to read it, short for a run. */
export const DEFAULT_APPROVAL_TIMEOUT_SECS = 180;

/** The iteration cap: model calls one turn may make before it stops. */
export const DEFAULT_MAX_ITERATIONS = 50;

/** The time limit of one file tool call, unless `PIXIR_TOOL_TIMEOUT_MS` says otherwise. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/** Child agents running at once (`max_subagents`); 0 offers no `task` tool. */
export const DEFAULT_MAX_SUBAGENTS = 3;

/** A child agent's time limit, in seconds (`subagent_timeout_secs`). */
export const DEFAULT_SUBAGENT_TIMEOUT_SECS = 600;

/** The model used when none is given. */
export const DEFAULT_MODEL = "gpt-5.5";

/** Everything a run needs to know that does not come from its other flags. */
export interface Settings {
  model: string;
  effort: ReasoningEffort;
  /** The chosen provider; undefined: the credential decides (a sign-in → chatgpt, a key → openai). */
  provider: ModelProvider | undefined;
  /** Every provider, built-in and configured, by id. */
  providers: Readonly<Record<string, ModelProvider>>;
  /** The selected profile, if any. */
  profile: string | undefined;
  /** Base URL of the public Responses API (the `openai` provider's; `OPENAI_BASE_URL`). */
  openaiBaseUrl: string;
  /** Base URL of the ChatGPT backend (the `chatgpt` provider's; `PIXIR_CHATGPT_BASE_URL`). */
  chatgptBaseUrl: string;
  /** The ChatGPT sign-in issuer (`PIXIR_AUTH_ISSUER`). */
  authIssuer: string;
  /** Longest silence tolerated inside a stream (`stream_idle_timeout_ms`). */
  idleTimeoutMs: number;
  /** Retries of one model call (`request_max_retries`). */
  maxRetries: number;
  /** First backoff delay (`retry_base_ms`). */
  retryBaseMs: number;
  /** Model calls allowed in one turn before it stops (`max_iterations`). */
  maxIterations: number;
  /** Percentage of the context window at which history is compacted (`compact_at_percent`). */
  compactAtPercent: number;
  /** Approval questions are denied at once, nobody being there (`unattended`, `CI`). */
  unattended: boolean;
  /** How long an approval question waits before it is denied (`approval_timeout_secs`). */
  approvalTimeoutMs: number;
  /** Time limit of one file tool call (`tool_timeout_ms`, `PIXIR_TOOL_TIMEOUT_MS`). */
  toolTimeoutMs: number;
  /** Offer the Responses API's hosted web search tool (`web_search`, `--search`). */
  webSearch: boolean;
  /** Child agents running at once (`max_subagents`); 0: no `task` tool. */
  maxSubagents: number;
  /** A child agent's time limit (`subagent_timeout_secs`). */
  subagentTimeoutMs: number;
  /** The MCP servers of the user's config.toml (`[mcp_servers.NAME]`), in the order written. */
  mcpServers: readonly McpServerConfig[];
}
