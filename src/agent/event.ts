/**
 * Pixir's events. Canonical events are appended to the session log and folded into history;
 * ephemeral events only feed renderers. Both travel in the same envelope.
 */

import type { ImageRef } from "./images.ts";
import type { ProviderError } from "../provider/error.ts";
import type { ReasoningEffort } from "../provider/request.ts";
import type { SummaryText, UrlCitation, Usage } from "../provider/item.ts";
import type { ToolError } from "../tools/tool.ts";
import type { PermissionDecisionData } from "../policy/permission_decision.ts";

/** Version of the session log format and of the `--jsonl` event envelope. */
export const EVENT_FORMAT_VERSION = 1;

/** A failure recorded in the log, in the same shape the CLI reports errors. */
export interface RecordedError {
  kind: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Events that are logged and make up a session's history. */
export type CanonicalEvent =
  | {
    type: "session_started";
    data: {
      format: number;
      cwd: string;
      model: string;
      effort: ReasoningEffort;
      pixir_version: string;
      /** The model provider (absent in logs written before providers were recorded). */
      provider?: string;
    };
  }
  | {
    type: "user_message";
    /**
     * `images`: the images attached to the message, stored in the session's data (see images.ts).
     * `environment`: the facts of the turn's start (workspace, platform, date), sent to the model
     * as a message before `text`, so the instructions stay the same bytes for the whole session.
     */
    data: { text: string; images?: ImageRef[]; environment?: string };
  }
  | {
    type: "turn_started";
    data: { turn: number; model: string; effort: ReasoningEffort; provider?: string };
  }
  | {
    type: "reasoning";
    data: {
      model: string;
      /** Who produced it: encrypted reasoning is replayed only to the same provider and model. */
      provider?: string;
      summary: SummaryText[];
      encrypted_content: string | null;
    };
  }
  | {
    type: "assistant_message";
    data: {
      model: string;
      text: string;
      phase?: string;
      /** True for the text received before an interruption cut the response short. */
      interrupted?: boolean;
      /** The web pages the text cites (hosted web search). */
      citations?: UrlCitation[];
    };
  }
  | {
    type: "tool_call";
    data: { model: string; call_id: string; name: string; arguments: string };
  }
  | {
    type: "tool_result";
    data: {
      call_id: string;
      name: string;
      ok: boolean;
      /** Exactly what the model receives as `function_call_output.output`. */
      output: string;
      error?: ToolError;
      /** True when Pixir wrote it for a call that never finished (abort, crash). */
      synthetic?: boolean;
    };
  }
  | { type: "usage"; data: Usage & { model: string; response_id?: string } }
  | {
    type: "turn_completed";
    data: { turn: number; status: "completed" | "incomplete"; reason?: string };
  }
  | { type: "turn_failed"; data: { turn: number; error: RecordedError } }
  | { type: "interrupted"; data: { turn: number; reason: "sigint" | "sigterm" | "aborted" } }
  | { type: "permission_decision"; data: PermissionDecisionData }
  | { type: "file_snapshot"; data: FileSnapshotData }
  | { type: "file_changed"; data: FileChangedData }
  | { type: "undo"; data: UndoData }
  | { type: "compaction"; data: CompactionData }
  | { type: "web_search"; data: WebSearchData }
  | { type: "subagent_event"; data: SubagentEventData };

/**
 * A search the model ran with the hosted web search tool, replayed to the provider that ran it.
 * `action` is the server's, as sent (`{type:"search",query}`, `open_page`, …).
 */
export interface WebSearchData {
  model: string;
  provider?: string;
  status: string;
  action: Record<string, unknown>;
}

/** An event of a child agent's own history; the child is the `task` call `call_id`. */
export interface SubagentEventData {
  call_id: string;
  event: Exclude<CanonicalEvent, { type: "subagent_event" }>;
}

/**
 * A file's state kept before a tool first changed it in a turn, so the turn can be undone. The
 * content is in the blob `blob` (relative to the session's snapshot folder) when it was kept.
 */
export interface FileSnapshotData {
  turn: number;
  /** Real absolute path of the file. */
  path: string;
  /** False when the turn is about to create the file. */
  existed: boolean;
  /** Where the previous content is kept; absent when the file did not exist or was too large. */
  blob?: string;
  /** Bytes of the previous content (0 when it did not exist). */
  size: number;
  /** The previous permission bits; null when it did not exist or the OS has none. */
  mode: number | null;
  /** Set when the content was not kept, saying why (the file was too large). */
  not_undoable?: string;
}

/** What a tool left in a file it changed: the undo compares it with the file's content later. */
export interface FileChangedData {
  turn: number;
  /** Real absolute path of the file. */
  path: string;
  /** SHA-256 of the content the tool left, in hex. */
  sha256: string;
}

/** What `pixir undo` did to the files of one turn. */
export interface UndoData {
  turn: number;
  /** Files given back their previous content. */
  restored: string[];
  /** Files the turn had created, now removed. */
  deleted: string[];
  /** Files left as they are, and why. */
  skipped: { path: string; reason: string }[];
}

/** Why a compaction happened. */
export type CompactionReason = "manual" | "threshold" | "overflow";

/**
 * A model-written summary that stands in, from now on, for every event up to
 * `replaces_through_seq` when history is folded; the log itself keeps those events.
 */
export interface CompactionData {
  summary: string;
  reason: CompactionReason;
  /** What the person asked the summary to focus on, when they did. */
  focus?: string;
  /** The last seq the summary replaces; the events after it are kept as they are. */
  replaces_through_seq: number;
  /** The model that wrote the summary. */
  model: string;
  /** The context in use (tokens) when the compaction started. */
  tokens_before: number;
}

/** How far a running tool call has come (an MCP server's progress notification). */
export interface ToolProgressData {
  call_id: string;
  name: string;
  progress: number;
  total?: number;
  message?: string;
}

/** Events that only renderers see. */
export type EphemeralEvent =
  | { type: "text_delta"; data: { delta: string } }
  | { type: "reasoning_delta"; data: { delta: string } }
  | { type: "tool_started"; data: { call_id: string; name: string; arguments: string } }
  | { type: "tool_progress"; data: ToolProgressData }
  | {
    type: "retrying";
    data: { attempt: number; delay_ms: number; error: ProviderError };
  };

/** Any event body (type + data). */
export type PixirEvent = CanonicalEvent | EphemeralEvent;

/** The envelope every event travels in; ephemeral events have `seq: null`. */
export type Envelope<E extends PixirEvent = PixirEvent> = E & {
  id: string;
  session_id: string;
  seq: E extends CanonicalEvent ? number : null;
  ts: string;
};

/** Types of canonical events, for telling them apart at runtime. */
export const CANONICAL_TYPES: ReadonlySet<CanonicalEvent["type"]> = new Set([
  "session_started",
  "user_message",
  "turn_started",
  "reasoning",
  "assistant_message",
  "tool_call",
  "tool_result",
  "usage",
  "turn_completed",
  "turn_failed",
  "interrupted",
  "permission_decision",
  "file_snapshot",
  "file_changed",
  "undo",
  "compaction",
  "web_search",
  "subagent_event",
]);
