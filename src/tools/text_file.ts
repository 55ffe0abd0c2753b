/** Reading a file as text for the model: regular files only, opened race-free, a size cap, binary refused. */

import type { ToolContext, ToolError } from "./tool.ts";
import { openConfined } from "./confined_file.ts";
import { fsError } from "./failure.ts";
import { formatBytes } from "./truncation.ts";
import type { WorkspacePath } from "./workspace.ts";

/** Files above this size are not read whole (10 MB). */
export const MAX_TEXT_FILE_BYTES = 10 * 1024 * 1024;

/** How much of a file's start is searched for a NUL byte (the classic binary sniff). */
const SNIFF_BYTES = 8 * 1024;

/** A file read as text. */
export interface TextFile {
  ok: true;
  text: string;
  /** Size in bytes. */
  size: number;
}

/**
 * Reads the regular file `target` as UTF-8 text, opened race-free inside the roots (see
 * `openConfined`). Fails with `is_directory`, `special_file` (FIFOs, sockets and devices are never
 * opened: reading one can block forever), `too_large` (above `maxBytes`), `binary` (a NUL byte in
 * the first 8 KB or invalid UTF-8), `denied` (one of Pixir's files, or a path that changed while
 * being opened), or a filesystem error.
 */
export async function readTextFile(
  ctx: ToolContext,
  target: WorkspacePath,
  maxBytes: number = MAX_TEXT_FILE_BYTES,
): Promise<TextFile | { ok: false; error: ToolError }> {
  const display = target.relative;
  const opened = await openConfined(ctx, target);
  if (!opened.ok) return opened;
  const { file, info } = opened;
  try {
    if (info.size > maxBytes) return tooLarge(display, info.size, maxBytes);
    // Read from the handle, never again by path; a file growing meanwhile is still capped.
    const bytes = await readAtMost(file, maxBytes + 1);
    if (bytes.length > maxBytes) return tooLarge(display, bytes.length, maxBytes);
    const text = decodeText(bytes);
    if (text === null) {
      return {
        ok: false,
        error: {
          kind: "binary",
          message: `${display} is a binary file, not UTF-8 text`,
          details: { path: display, size: bytes.length },
        },
      };
    }
    return { ok: true, text, size: bytes.length };
  } catch (error) {
    return { ok: false, error: fsError(error, display) };
  } finally {
    file.close();
  }
}

function tooLarge(display: string, size: number, limit: number): { ok: false; error: ToolError } {
  return {
    ok: false,
    error: {
      kind: "too_large",
      message: `${display} is ${formatBytes(size)}, above the ${
        formatBytes(limit)
      } limit; use bash (head, tail, sed -n, grep) to look at parts of it`,
      details: { path: display, size, limit },
    },
  };
}

/** Up to `limit` bytes from the open `file`. */
export async function readAtMost(
  file: Deno.FsFile,
  limit: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const buffer = new Uint8Array(64 * 1024);
  while (total < limit) {
    const n = await file.read(buffer.subarray(0, Math.min(buffer.length, limit - total)));
    if (n === null) break;
    chunks.push(buffer.slice(0, n));
    total += n;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * The bytes as text, or null when they look binary: a NUL byte in the first 8 KB, or anything
 * that is not valid UTF-8. A byte-order mark is kept, so writing the text back preserves it.
 */
export function decodeText(bytes: Uint8Array): string | null {
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}
