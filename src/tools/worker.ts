/**
 * The file-tool Worker's entry point. It runs read, write, edit, ls, find and grep under the Deno
 * permissions its host computed, so a tool that strays past Pixir's own path checks meets the
 * runtime's refusal. Each request is answered with exactly one result; it never throws.
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import type { FileToolReply, FileToolRequest } from "./file_worker.ts";
import { FILE_TOOLS } from "./file_tools.ts";
import { runToolCall } from "./registry.ts";

self.onmessage = async (message: MessageEvent<FileToolRequest>) => {
  const { id, name, argumentsJson, workspace, access } = message.data;
  // Aborts are handled by the host, which terminates this Worker; calls here are never aborted.
  const signal = new AbortController().signal;
  const result = await runToolCall(FILE_TOOLS, name, argumentsJson, { workspace, access, signal });
  self.postMessage({ id, result } satisfies FileToolReply);
};
