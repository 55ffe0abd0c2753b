/**
 * Reading an NDJSON file line by line in fixed-size blocks, from the start (with byte offsets, so a
 * torn tail can be cut off) or from the end (so a summary needs only the last lines of a big log).
 */

/** One line of a file, without its newline. */
export interface FileLine {
  /** The line's text; `null` when its bytes are not valid UTF-8. */
  text: string | null;
  /** Byte offset just past the line and its newline. */
  end: number;
  /** Whether a newline ended the line (the last line of a torn file has none). */
  terminated: boolean;
}

const NEWLINE = 0x0a;
const DEFAULT_BLOCK = 64 * 1024;
/** A strict decoder: each `decode` call without `stream` starts afresh, so one serves every line. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** A file to read: its path, or a handle already open for reading (read from its start). */
export type LogSource = string | Deno.FsFile;

/** The open file of `source`, closed when disposed only if it was opened here. */
async function opened(source: LogSource): Promise<{ file: Deno.FsFile } & Disposable> {
  if (typeof source !== "string") return { file: source, [Symbol.dispose]: () => {} };
  const file = await Deno.open(source, { read: true });
  return { file, [Symbol.dispose]: () => file.close() };
}

/**
 * The lines of a file from first to last, or from byte offset `start` (which must begin a line) on;
 * each line's `end` counts from the start of the file.
 */
export async function* readLinesForward(
  source: LogSource,
  blockSize: number = DEFAULT_BLOCK,
  start = 0,
): AsyncGenerator<FileLine> {
  using handle = await opened(source);
  const { file } = handle;
  if (typeof source !== "string" || start > 0) await file.seek(start, Deno.SeekMode.Start);
  const block = new Uint8Array(blockSize);
  // Bytes of the line in progress, kept as pieces so a long line is joined once, not per block.
  let pending: Uint8Array[] = [];
  let offset = start;
  for (let n = await file.read(block); n !== null; n = await file.read(block)) {
    const bytes = block.subarray(0, n);
    let start = 0;
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, start)) {
      pending.push(bytes.subarray(start, i));
      offset += i - start + 1;
      yield { text: decode(pending), end: offset, terminated: true };
      pending = [];
      start = i + 1;
    }
    if (start < n) {
      pending.push(bytes.slice(start));
      offset += n - start;
    }
  }
  if (pending.length > 0) yield { text: decode(pending), end: offset, terminated: false };
}

/**
 * The lines of a file from last to first, each with its end offset as `readLinesForward` gives it;
 * an empty line after the final newline is not a line.
 */
export async function* readLinesBackward(
  source: LogSource,
  blockSize: number = DEFAULT_BLOCK,
): AsyncGenerator<FileLine> {
  using handle = await opened(source);
  const { file } = handle;
  let position = (await file.stat()).size;
  // Bytes between the block being scanned and the line already yielded, in file order.
  let pending: Uint8Array[] = [];
  // Where the line being assembled ends: at its newline, or at the end of the file.
  let lineEnd = position;
  let terminated = false;
  let atEnd = true;
  while (position > 0) {
    const start = Math.max(0, position - blockSize);
    const bytes = await readAt(file, start, position - start);
    let end = bytes.length;
    let i = bytes.lastIndexOf(NEWLINE);
    while (i !== -1) {
      const line = [bytes.subarray(i + 1, end), ...pending];
      pending = [];
      if (!(atEnd && byteLength(line) === 0)) {
        yield { text: decode(line), end: terminated ? lineEnd + 1 : lineEnd, terminated };
      }
      atEnd = false;
      lineEnd = start + i;
      terminated = true;
      end = i;
      // A negative start would count from the end of the array, so stop explicitly at 0.
      i = i === 0 ? -1 : bytes.lastIndexOf(NEWLINE, i - 1);
    }
    if (end > 0) pending.unshift(bytes.slice(0, end));
    position = start;
  }
  // The first line of the file; it may be empty when a newline follows it.
  if (pending.length > 0 || terminated) {
    yield { text: decode(pending), end: terminated ? lineEnd + 1 : lineEnd, terminated };
  }
}

async function readAt(file: Deno.FsFile, start: number, length: number): Promise<Uint8Array> {
  await file.seek(start, Deno.SeekMode.Start);
  const bytes = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    const n = await file.read(bytes.subarray(filled));
    if (n === null) break; // the file shrank while we read it
    filled += n;
  }
  return bytes.subarray(0, filled);
}

function byteLength(pieces: Uint8Array[]): number {
  return pieces.reduce((sum, piece) => sum + piece.length, 0);
}

function decode(pieces: Uint8Array[]): string | null {
  // Most lines lie within one block: decoded where they are, not copied first.
  const joined = pieces.length === 1 ? pieces[0] : new Uint8Array(byteLength(pieces));
  if (pieces.length > 1) {
    let at = 0;
    for (const piece of pieces) {
      joined.set(piece, at);
      at += piece.length;
    }
  }
  try {
    return UTF8.decode(joined);
  } catch {
    return null;
  }
}
