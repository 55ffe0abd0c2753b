/**
 * The one place that turns settings and credentials into what a turn needs to talk to the model
 * and run tools. `run`, `resume` and `chat` all build their turns from it.
 */

import type { Io } from "./io.ts";
import type { ModelCall, ToolOutput, ToolRunner } from "../agent/turn.ts";
import type { ResolvedCredentials } from "../auth/resolve.ts";
import { streamResponse } from "../provider/responses.ts";
import { DEFAULT_RETRY_POLICY } from "../provider/retry.ts";
import type { ModelEvent } from "../provider/model_event.ts";
import type { ToolSpec } from "../provider/request.ts";
import { systemUtcOffset } from "../provider/reset_time.ts";
import { saveQuota } from "../config/quota_file.ts";
import { sleep } from "../util/sleep.ts";
import { defaultTools, outputForModel, runToolCall, toolSpecs } from "../tools/registry.ts";
import type { Settings } from "../config/settings.ts";
import { VERSION } from "../version.ts";

/** What the wiring is built from. */
export interface WiringInputs {
  io: Io;
  settings: Settings;
  credentials: ResolvedCredentials;
  /** Real path of the workspace the tools are confined to. */
  workspace: string;
  /** Where the latest quota snapshot is kept. */
  quotaFile: string;
  /** Reports a problem worth a warning but not a failure (a quota file that cannot be saved). */
  warn(message: string): void | Promise<void>;
}

/** The model call, the tools and the iteration cap of a turn, ready to spread into `runTurn`. */
export interface TurnWiring {
  tools: ToolSpec[];
  callModel: ModelCall;
  runTool: ToolRunner;
  toolOutput: ToolOutput;
  maxModelCalls: number;
}

/** Builds the model call (retries, idle timeout, quota cache) and the workspace's tool runner. */
export function turnWiring(w: WiringInputs): TurnWiring {
  const tools = defaultTools();
  return {
    tools: toolSpecs(tools),
    maxModelCalls: w.settings.maxIterations,
    callModel: (request, signal) =>
      keepQuota(
        streamResponse(request, {
          fetch: w.io.fetch,
          credentials: w.credentials.provider,
          baseUrl: w.settings.openaiBaseUrl,
          chatgptBaseUrl: w.settings.chatgptBaseUrl,
          userAgent: userAgent(w.io.os),
          idleTimeoutMs: w.settings.idleTimeoutMs,
          retry: {
            ...DEFAULT_RETRY_POLICY,
            maxRetries: w.settings.maxRetries,
            baseMs: w.settings.retryBaseMs,
          },
          sleep,
          random: w.io.random,
          now: w.io.now,
          utcOffset: systemUtcOffset,
          signal,
        }),
        w,
      ),
    runTool: (name, argumentsJson, signal) =>
      runToolCall(tools, name, argumentsJson, { workspace: w.workspace, signal }),
    toolOutput: outputForModel,
  };
}

/** How to fix a credential the API rejected, by where it came from. */
export function authHint(credentials: ResolvedCredentials): string {
  const { source } = credentials;
  if (source.method === "chatgpt") return "run `pixir login` to sign in again";
  return source.source === "env"
    ? "check OPENAI_API_KEY"
    : `the API key saved in ${source.path} was rejected; save a new one with \`pixir login --with-api-key\``;
}

/** `pixir/<version> (<os>; <arch>)`. */
function userAgent(os: string): string {
  return `pixir/${VERSION} (${os}; ${Deno.build.arch})`;
}

/**
 * Passes a model call's events through, saving each quota snapshot as the latest known one. The
 * quota file is a cache: failing to write it is worth one warning, never a failed turn.
 */
async function* keepQuota(events: AsyncIterable<ModelEvent>, w: WiringInputs) {
  let warned = false;
  for await (const event of events) {
    if (event.type === "quota") {
      try {
        await saveQuota(w.quotaFile, event.snapshot);
      } catch (error) {
        if (!warned) {
          const reason = error instanceof Error ? error.message : String(error);
          await w.warn(`could not save quota to ${w.quotaFile}: ${reason}`);
        }
        warned = true;
      }
    }
    yield event;
  }
}
