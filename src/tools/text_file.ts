/**
 * Reading files for the model: regular files only, a size cap, binary refused. Every file tool
 * that reads a file opens it through `openRegularFile`, so that is the one place to harden.
 */

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

/** A regular file opened for reading; the caller closes `file`. */
export interface OpenFile {
  ok: true;
  file: Deno.FsFile;
  /** Size in bytes when the path was checked before opening; null when it was listed as a file. */
  size: number | null;
}

/** The bytes of a whole file. */
export interface FileBytes {
  ok: true;
  /** The content; a view of the caller's buffer when it was large enough. */
  bytes: Uint8Array<ArrayBuffer>;
}

type Failed = { ok: false; error: ToolError };

/** The first read of a file whose size is not known. */
const FIRST_READ_BYTES = 64 * 1024;

/**
 * Opens the regular file at `path` for reading; `display` names it in errors. Fails with
 * `is_directory`, `io` for special files (a FIFO or device can block a read forever, so the path
 * is checked before it is opened), `too_large` (above `maxBytes`), or a filesystem error.
 * `listedAsFile`: the caller has just seen the entry listed as a regular file (a directory walk),
 * which stands in for the check; the size is then not known until the file is read.
 * Synchronous: the file tools run in their own Worker, where a blocking call costs nothing, and
 * sync calls are several times faster than async ones for a search over thousands of files. (In
 * the Worker every path call, and a stat of an open handle too, costs a realpath: Deno checks
 * for special files without --allow-all. So this makes as few calls as it can.)
 */
export function openRegularFile(
  path: string,
  display: string,
  maxBytes: number,
  listedAsFile = false,
): OpenFile | Failed {
  try {
    let size: number | null = null;
    if (!listedAsFile) {
      const info = Deno.statSync(path);
      const refused = refusal(info, display, maxBytes);
      if (refused !== null) return refused;
      size = info.size;
    }
    return { ok: true, file: Deno.openSync(path, { read: true }), size };
  } catch (error) {
    return { ok: false, error: fsError(error, display) };
  }
}

/** Why a file with `info` is not read, or null when it may be. */
function refusal(info: Deno.FileInfo, display: string, maxBytes: number): Failed | null {
  const details = { path: display };
  if (info.isDirectory) {
    const message = `${display} is a directory; use ls to list it`;
    return { ok: false, error: { kind: "is_directory", message, details } };
  }
  if (!info.isFile) {
    const message = `${display} is not a regular file`;
    return { ok: false, error: { kind: "io", message, details } };
  }
  if (info.size > maxBytes) return tooLarge(display, info.size, maxBytes);
  return null;
}

function tooLarge(display: string, size: number | null, maxBytes: number): Failed {
  const what = size === null ? "larger than" : `${formatBytes(size)}, above`;
  return {
    ok: false,
    error: {
      kind: "too_large",
      message: `${display} is ${what} the ${
        formatBytes(maxBytes)
      } limit; use bash (head, tail, sed -n, grep) to look at parts of it`,
      details: { path: display, ...(size === null ? {} : { size }), limit: maxBytes },
    },
  };
}

/**
 * Reads the whole regular file at `path` (see `openRegularFile`, also for `listedAsFile`), into
 * `buffer` while it is large enough (see `readOpened`).
 */
export function readFileBytes(
  path: string,
  display: string,
  maxBytes: number,
  buffer?: Uint8Array<ArrayBuffer>,
  listedAsFile = false,
): FileBytes | Failed {
  const opened = openRegularFile(path, display, maxBytes, listedAsFile);
  if (!opened.ok) return opened;
  try {
    return readOpened(opened.file, opened.size, display, maxBytes, buffer);
  } finally {
    opened.file.close();
  }
}

/**
 * Reads the open regular `file` whole (the caller closes it); `size` is its size when known (a
 * file that grew meanwhile is cut there), else it is read up to one byte past `maxBytes`, which
 * tells that it is too large. The bytes go into `buffer` while it is large enough, so a search over many files
 * allocates nothing per file; a larger file gets a new buffer (the result's `bytes.buffer`).
 * Synchronous, for the file tools' own thread (see `openRegularFile`).
 */
export function readOpened(
  file: Deno.FsFile,
  size: number | null,
  display: string,
  maxBytes: number,
  buffer?: Uint8Array<ArrayBuffer>,
): FileBytes | Failed {
  try {
    if (size !== null && size > maxBytes) return tooLarge(display, size, maxBytes);
    const limit = size ?? maxBytes + 1;
    // Any buffer serves a file of unknown size (it grows when full); a known size must fit.
    const fits = buffer !== undefined && buffer.length > 0 && buffer.length >= (size ?? 0);
    let into = fits ? buffer : new Uint8Array(size ?? Math.min(limit, FIRST_READ_BYTES));
    let filled = 0;
    while (filled < limit) {
      if (filled === into.length) {
        const grown = new Uint8Array(Math.min(limit, into.length * 2));
        grown.set(into);
        into = grown;
      }
      const wanted = Math.min(into.length, limit) - filled;
      const read = file.readSync(into.subarray(filled, filled + wanted));
      if (read === null) break;
      filled += read;
      // A regular file's read comes back short only at its end: no second call to learn that.
      if (read < wanted) break;
    }
    if (filled > maxBytes) return tooLarge(display, size, maxBytes);
    return { ok: true, bytes: into.subarray(0, filled) };
  } catch (error) {
    return { ok: false, error: fsError(error, display) };
  }
}

/**
 * Reads the regular file `target` (a confined path), opened race-free (see `openConfined`): a
 * folder swapped for a symlink, one of Pixir's own files, a FIFO, socket or device is refused.
 * The bytes are read from the open handle, never again by path, up to `maxBytes`.
 */
export async function readConfinedBytes(
  ctx: ToolContext,
  target: WorkspacePath,
  maxBytes: number,
): Promise<FileBytes | Failed> {
  const opened = await openConfined(ctx, target);
  if (!opened.ok) return opened;
  try {
    return readOpened(opened.file, opened.info.size, target.relative, maxBytes);
  } finally {
    opened.file.close();
  }
}

/** Reads the confined `target` as UTF-8 text, race-free (see `readConfinedBytes`). */
export async function readConfinedText(
  ctx: ToolContext,
  target: WorkspacePath,
  maxBytes: number = MAX_TEXT_FILE_BYTES,
): Promise<TextFile | Failed> {
  const read = await readConfinedBytes(ctx, target, maxBytes);
  if (!read.ok) return read;
  const text = decodeText(read.bytes);
  if (text === null) {
    return {
      ok: false,
      error: {
        kind: "binary",
        message: `${target.relative} is a binary file, not UTF-8 text`,
        details: { path: target.relative, size: read.bytes.length },
      },
    };
  }
  return { ok: true, text, size: read.bytes.length };
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
