/** Reading a file as text for the model: regular files only, a size cap, binary refused. */

import type { ToolError } from "./tool.ts";
import { fsError } from "./failure.ts";
import { formatBytes } from "./truncation.ts";

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
 * Reads the regular file at `path` as UTF-8 text; `display` names it in errors. Fails with
 * `is_directory`, `too_large` (above `maxBytes`), `binary` (a NUL byte in the first 8 KB or invalid
 * UTF-8), or a filesystem error. Special files (FIFOs, devices) are refused, since reading one can
 * block forever.
 */
export async function readTextFile(
  path: string,
  display: string,
  maxBytes: number = MAX_TEXT_FILE_BYTES,
): Promise<TextFile | { ok: false; error: ToolError }> {
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) {
      return {
        ok: false,
        error: {
          kind: "is_directory",
          message: `${display} is a directory; use ls to list it`,
          details: { path: display },
        },
      };
    }
    if (!info.isFile) {
      return {
        ok: false,
        error: {
          kind: "io",
          message: `${display} is not a regular file`,
          details: { path: display },
        },
      };
    }
    if (info.size > maxBytes) {
      return {
        ok: false,
        error: {
          kind: "too_large",
          message: `${display} is ${formatBytes(info.size)}, above the ${
            formatBytes(maxBytes)
          } limit; use bash (head, tail, sed -n, grep) to look at parts of it`,
          details: { path: display, size: info.size, limit: maxBytes },
        },
      };
    }
    const text = decodeText(await Deno.readFile(path));
    if (text === null) {
      return {
        ok: false,
        error: {
          kind: "binary",
          message: `${display} is a binary file, not UTF-8 text`,
          details: { path: display, size: info.size },
        },
      };
    }
    return { ok: true, text, size: info.size };
  } catch (error) {
    return { ok: false, error: fsError(error, display) };
  }
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
