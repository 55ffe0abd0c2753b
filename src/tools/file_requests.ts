/**
 * Answering one request of the file tools' protocol (`file_worker.ts`), wherever the tools run: in
 * the Worker, or in the sandboxed child process (`file_child.ts`). Never throws.
 */

import type { FileChange, FileToolReply, FileToolRequest } from "./file_worker.ts";
import { removeConfined, writeConfined } from "./confined_file.ts";
import { resolveForTool } from "./workspace.ts";
import { FILE_TOOLS } from "./file_tools.ts";
import { readPriorState } from "./prior_state.ts";
import { runToolCall } from "./registry.ts";
import type { ToolContext } from "./tool.ts";

/** The reply to `request`, computed with folders pinned (calls run one at a time). */
export async function answerFileRequest(request: FileToolRequest): Promise<FileToolReply> {
  const { id, workspace, access, pixirFiles } = request;
  // Aborts and time limits are handled by the host, which terminates this Worker.
  const ctx: ToolContext = {
    workspace,
    access,
    signal: new AbortController().signal,
    pixirFiles: new Set(pixirFiles),
    pinFolders: true,
  };
  switch (request.kind) {
    case "prior_state": {
      const prior = await readPriorState(ctx, request.path, request.maxBytes);
      return { id, kind: "prior_state", prior };
    }
    case "restore":
    case "remove":
      return { id, kind: "change", change: await changeFile(ctx, request) };
    case "tool": {
      const result = await runToolCall(FILE_TOOLS, request.name, request.argumentsJson, ctx);
      return { id, kind: "tool", result };
    }
  }
}

/** Undo's restore or remove of `request.path`, confined for writing like `write`. */
async function changeFile(
  ctx: ToolContext,
  request: FileToolRequest & { kind: "restore" | "remove" },
): Promise<FileChange> {
  const target = await resolveForTool(ctx, request.path, "write");
  if (!target.ok) return target;
  if (request.kind === "remove") return await removeConfined(ctx, target);
  const written = await writeConfined(ctx, target, request.content, request.mode ?? undefined);
  return written.ok ? { ok: true } : written;
}
