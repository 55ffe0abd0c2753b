/**
 * What a file held before `write` or `edit` changes it, read with the same race-free opening as
 * the tools themselves (inside the Worker when there is one), so keeping a copy for undo can never
 * read a FIFO, a device, or a file outside the roots.
 */

import { dirname } from "node:path";
import type { ToolContext, ToolError } from "./tool.ts";
import { openConfined } from "./confined_file.ts";
import { readOpened } from "./text_file.ts";
import { resolveForTool } from "./workspace.ts";

/** A file's state before a change. */
export type FileState =
  | { kind: "absent" }
  | { kind: "too_large"; size: number; mode: number | null }
  | { kind: "kept"; content: Uint8Array<ArrayBuffer>; mode: number | null };

/** The state of the file a change will touch, with its confined real path; or why not. */
export type PriorState =
  | { ok: true; path: string; relative: string; state: FileState }
  | { ok: false; error: ToolError };

/** Reads the prior state of the model's `path`; where a Worker runs the tools, it does this too. */
export type ReadPriorState = (path: string, maxBytes: number) => Promise<PriorState>;

/** The state of `userPath` (confined for writing); content above `maxBytes` is not read. */
export async function readPriorState(
  ctx: ToolContext,
  userPath: string,
  maxBytes: number,
): Promise<PriorState> {
  const resolved = await resolveForTool(ctx, userPath, "write");
  if (!resolved.ok) return resolved;
  const { path, relative } = resolved;
  if (!(await exists(dirname(path)))) {
    return { ok: true, path, relative, state: { kind: "absent" } };
  }
  const opened = await openConfined(ctx, resolved);
  if (!opened.ok) {
    if (opened.error.kind === "not_found") {
      return { ok: true, path, relative, state: { kind: "absent" } };
    }
    return opened;
  }
  const { file, info } = opened;
  const mode = info.mode === null ? null : info.mode & 0o7777;
  if (info.size > maxBytes) {
    file.close();
    return { ok: true, path, relative, state: { kind: "too_large", size: info.size, mode } };
  }
  // Read to the end, not to the size seen at opening: the copy must hold what is there now.
  let read;
  try {
    read = readOpened(file, null, relative, maxBytes);
  } finally {
    file.close();
  }
  if (read.ok) {
    return { ok: true, path, relative, state: { kind: "kept", content: read.bytes, mode } };
  }
  if (read.error.kind === "too_large") {
    return { ok: true, path, relative, state: { kind: "too_large", size: maxBytes + 1, mode } };
  }
  return read;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
