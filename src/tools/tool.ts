/** The shape every tool shares: data the model reads, plus a `run` that never throws. */

import type { JsonSchema } from "../provider/request.ts";
import type { Usage } from "../provider/item.ts";

/** Why a tool call failed; a small closed set the model and scripts can rely on. */
export type ToolErrorKind =
  | "invalid_arguments"
  | "not_found"
  | "outside_workspace"
  | "not_unique"
  | "too_large"
  | "binary"
  | "is_directory"
  | "not_directory"
  | "timeout"
  | "special_file"
  | "io"
  | "aborted"
  | "denied"
  | "unknown_tool"
  /** An MCP server answered the call with an error (`isError`). */
  | "tool_error";

/** A tool failure, reported to the model as `{ok:false,error:{kind,message,details}}`. */
export interface ToolError {
  kind: ToolErrorKind;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * The outcome of one tool call. `usage`: the tokens the call itself spent on model calls (a child
 * agent), added to the turn's.
 */
export type ToolResult =
  | { ok: true; output: string; details?: Record<string, unknown>; usage?: Usage }
  | { ok: false; error: ToolError; usage?: Usage };

/**
 * The real paths file tools may read and write. Without it, both are the workspace alone. `hidden`
 * paths (Pixir's own config and data folders) are refused even inside a readable or writable root.
 */
export interface FileAccess {
  read: readonly string[];
  write: readonly string[];
  hidden: readonly string[];
}

/** What a tool may touch while it runs. */
export interface ToolContext {
  /** Real path of the workspace root: relative paths start here and are shown relative to it. */
  workspace: string;
  /** Roots beyond the workspace granted by the policy; default: the workspace for both. */
  access?: FileAccess;
  /** Aborted on Ctrl+C; tools stop promptly and report `aborted`. */
  signal: AbortSignal;
  /** The model's id for this call, for records that refer to it. */
  callId?: string;
  /**
   * Identities (`dev:ino`) of Pixir's own files and folders: a file tool refuses them however it
   * reaches them, a hardlink inside the workspace included.
   */
  pixirFiles?: ReadonlySet<string>;
  /**
   * Pin folders through the process's current directory (see `confined_file.ts`): only where calls
   * run one at a time and nothing else depends on the current directory — the file tools' Worker.
   */
  pinFolders?: boolean;
  /** Reports how far a long call has come (an MCP server's progress notifications). */
  progress?(update: ToolProgress): void;
}

/** How far a running call has come, as its tool reports it. */
export interface ToolProgress {
  /** Grows with every update; `total` when known gives it a scale. */
  progress: number;
  total?: number;
  message?: string;
}

/** A tool: a name, a description written for the model, a JSON schema, and its behaviour. */
export interface Tool {
  name: string;
  description: string;
  parameters: JsonSchema;
  /** Runs with already-parsed JSON arguments; validates them itself; never throws. */
  run(args: unknown, ctx: ToolContext): Promise<ToolResult>;
}
