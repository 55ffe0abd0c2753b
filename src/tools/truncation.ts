/**
 * Bounding what a tool sends back to the model: at most so many lines and bytes, with an explicit
 * marker where text was cut, so the model never mistakes a truncated output for a complete one.
 */

/** How much output one tool call may return. */
export interface OutputLimits {
  /** UTF-8 bytes. */
  maxBytes: number;
  maxLines: number;
}

/** 50 KB and 2000 lines: enough for a screenful of code or a build log's useful ends. */
export const DEFAULT_OUTPUT_LIMITS: Readonly<OutputLimits> = {
  maxBytes: 50 * 1024,
  maxLines: 2000,
};

/**
 * Which part of an over-long output survives: `head` keeps the start (files, listings, search
 * results); `head_and_tail` keeps both ends, because the end of a log holds the verdict.
 */
export type KeepPolicy = "head" | "head_and_tail";

/** What was cut out of an output. */
export interface Omission {
  lines: number;
  /** UTF-8 bytes of the cut lines, as they were before any line clipping. */
  bytes: number;
  /** Lines kept before the cut (the first omitted line is `afterLine + 1`). */
  afterLine: number;
}

/** Options of the limiter; unset limits default to `DEFAULT_OUTPUT_LIMITS`. */
export interface LimitOptions extends Partial<OutputLimits> {
  keep?: KeepPolicy;
  /** Writes the line that stands in for the cut; defaults to `truncationMarker`. */
  marker?: (omission: Omission) => string;
}

/** A bounded output. */
export interface LimitedOutput {
  /** The kept text, with the marker where lines were cut. */
  text: string;
  /** What was cut; null when every line fit. */
  omission: Omission | null;
  /** Lines too long to fit, cut with an inline ` … [line clipped: N more]` note. */
  clippedLines: number;
}

/** The standard marker: how many lines and bytes are not shown. */
export function truncationMarker(omission: Omission, keep: KeepPolicy): string {
  const more = keep === "head" ? " more" : "";
  const lines = `${omission.lines}${more} ${omission.lines === 1 ? "line" : "lines"}`;
  return `[… truncated: ${lines} (${formatBytes(omission.bytes)}) not shown …]`;
}

/** Bounds `text` and returns the kept text with a truncation marker where lines were cut. */
export function limitOutput(text: string, options: LimitOptions = {}): string {
  return limitText(text, options).text;
}

/** Bounds `text` and also reports what was cut. */
export function limitText(text: string, options: LimitOptions = {}): LimitedOutput {
  const limiter = new OutputLimiter(options);
  limiter.push(text);
  return limiter.finish();
}

/** A size for humans and models: `512 bytes`, `12.5 KB`, `3.1 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  if (bytes < 1024 * 1024) return `${trimZero((bytes / 1024).toFixed(1))} KB`;
  return `${trimZero((bytes / (1024 * 1024)).toFixed(1))} MB`;
}

/** A line as it arrived: its content (cut at the byte budget while streaming) and its ending. */
interface RawLine {
  content: string;
  contentBytes: number;
  /** Bytes of content cut off while streaming. */
  dropped: number;
  /** `\n`, or "" for a last line without one. */
  newline: string;
}

/** A line ready to be shown. */
interface PlacedLine {
  text: string;
  bytes: number;
  /** Its size before any clipping, for the omission count. */
  originalBytes: number;
}

/**
 * Accepts text in pieces (for streamed process output) and keeps only what the limits allow, so
 * memory stays bounded however much arrives. A line too long to ever fit is clipped, with a note,
 * rather than dropped, so that `read` can always show at least one line.
 */
export class OutputLimiter {
  readonly #limits: OutputLimits;
  readonly #keep: KeepPolicy;
  readonly #marker: (omission: Omission) => string;
  readonly #headMaxLines: number;
  readonly #headMaxBytes: number;

  #head: string[] = [];
  #headLines = 0;
  #headBytes = 0;
  #headOpen = true;
  #tail: PlacedLine[] = [];
  #tailStart = 0;
  #tailBytes = 0;
  #omittedLines = 0;
  #omittedBytes = 0;
  #pending = "";
  #pendingBytes = 0;
  #pendingDropped = 0;
  #clippedLines = 0;

  /** A limiter with the given limits and keep policy. */
  constructor(options: LimitOptions = {}) {
    this.#limits = {
      maxBytes: options.maxBytes ?? DEFAULT_OUTPUT_LIMITS.maxBytes,
      maxLines: options.maxLines ?? DEFAULT_OUTPUT_LIMITS.maxLines,
    };
    const keep = options.keep ?? "head";
    this.#keep = keep;
    this.#marker = options.marker ?? ((omission) => truncationMarker(omission, keep));
    const split = keep === "head_and_tail";
    this.#headMaxLines = split ? Math.ceil(this.#limits.maxLines / 2) : this.#limits.maxLines;
    this.#headMaxBytes = split ? Math.floor(this.#limits.maxBytes / 2) : this.#limits.maxBytes;
  }

  /** Adds the next piece of output; pieces may split lines anywhere. */
  push(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      if (newline === -1) {
        this.#appendToLine(text.slice(start));
        return;
      }
      this.#appendToLine(text.slice(start, newline));
      this.#endLine("\n");
      start = newline + 1;
    }
  }

  /** Ends the input (an unterminated last line counts as a line) and returns the bounded text. */
  finish(): LimitedOutput {
    if (this.#pendingBytes > 0 || this.#pendingDropped > 0) this.#endLine("");
    const head = this.#head.join("");
    const tail = this.#tail.slice(this.#tailStart).map((line) => line.text).join("");
    if (this.#omittedLines === 0) {
      return { text: head + tail, omission: null, clippedLines: this.#clippedLines };
    }
    const omission = {
      lines: this.#omittedLines,
      bytes: this.#omittedBytes,
      afterLine: this.#headLines,
    };
    const marker = this.#marker(omission);
    return {
      text: head + marker + (tail === "" ? "" : "\n" + tail),
      omission,
      clippedLines: this.#clippedLines,
    };
  }

  #appendToLine(piece: string): void {
    if (piece === "") return;
    const bytes = utf8Length(piece);
    if (this.#pendingDropped > 0) {
      this.#pendingDropped += bytes;
      return;
    }
    this.#pending += piece;
    this.#pendingBytes += bytes;
    // Nothing beyond the whole budget of one line can ever be shown: stop holding it.
    if (this.#pendingBytes > this.#limits.maxBytes) {
      const kept = clipToBytes(this.#pending, this.#limits.maxBytes);
      const keptBytes = utf8Length(kept);
      this.#pendingDropped = this.#pendingBytes - keptBytes;
      this.#pending = kept;
      this.#pendingBytes = keptBytes;
    }
  }

  #endLine(newline: string): void {
    const line: RawLine = {
      content: this.#pending,
      contentBytes: this.#pendingBytes,
      dropped: this.#pendingDropped,
      newline,
    };
    this.#pending = "";
    this.#pendingBytes = 0;
    this.#pendingDropped = 0;
    this.#addLine(line);
  }

  #addLine(raw: RawLine): void {
    const originalBytes = raw.contentBytes + raw.dropped + raw.newline.length;
    const wholeBytes = raw.dropped === 0 ? originalBytes : Infinity;
    if (this.#headOpen) {
      const room = this.#headMaxBytes - this.#headBytes;
      if (this.#headLines < this.#headMaxLines && wholeBytes <= room) {
        this.#pushHead({ text: raw.content + raw.newline, bytes: wholeBytes, originalBytes });
        return;
      }
      this.#headOpen = false;
      if (this.#headLines === 0 && this.#headMaxLines > 0 && wholeBytes > this.#limits.maxBytes) {
        this.#pushHead(this.#clip(raw, room));
        return;
      }
    }
    if (this.#keep === "head") {
      this.#omit(originalBytes);
      return;
    }
    const maxLines = this.#limits.maxLines - this.#headLines;
    const maxBytes = this.#limits.maxBytes - this.#headBytes;
    const line = wholeBytes <= maxBytes
      ? { text: raw.content + raw.newline, bytes: wholeBytes, originalBytes }
      : this.#clip(raw, maxBytes);
    this.#tail.push(line);
    this.#tailBytes += line.bytes;
    while (this.#tail.length - this.#tailStart > maxLines || this.#tailBytes > maxBytes) {
      const dropped = this.#tail[this.#tailStart++];
      this.#tailBytes -= dropped.bytes;
      this.#omit(dropped.originalBytes);
    }
    if (this.#tailStart > 1024 && this.#tailStart * 2 > this.#tail.length) {
      this.#tail = this.#tail.slice(this.#tailStart);
      this.#tailStart = 0;
    }
  }

  #pushHead(line: PlacedLine): void {
    this.#head.push(line.text);
    this.#headLines++;
    this.#headBytes += line.bytes;
  }

  #omit(originalBytes: number): void {
    this.#omittedLines++;
    this.#omittedBytes += originalBytes;
  }

  /** The line cut to fit `budget` bytes, note included (as far as the budget allows a note). */
  #clip(raw: RawLine, budget: number): PlacedLine {
    this.#clippedLines++;
    const total = raw.contentBytes + raw.dropped;
    let keepBytes = budget - raw.newline.length;
    for (;;) {
      const kept = clipToBytes(raw.content, Math.max(0, keepBytes));
      const keptBytes = utf8Length(kept);
      const note = ` … [line clipped: ${formatBytes(total - keptBytes)} more]`;
      const bytes = keptBytes + utf8Length(note) + raw.newline.length;
      if (bytes <= budget || keptBytes === 0) {
        return {
          text: kept + note + raw.newline,
          bytes,
          originalBytes: total + raw.newline.length,
        };
      }
      keepBytes -= bytes - budget;
    }
  }
}

/** UTF-8 length of `text` without encoding it. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += charUnits(text, i)) bytes += charBytes(text, i);
  return bytes;
}

/** The longest prefix of `text` that fits `maxBytes` of UTF-8, never splitting a character. */
function clipToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  for (let i = 0; i < text.length; i += charUnits(text, i)) {
    bytes += charBytes(text, i);
    if (bytes > maxBytes) return text.slice(0, i);
  }
  return text;
}

/** UTF-16 units of the character at `i`: 2 for a surrogate pair, else 1. */
function charUnits(text: string, i: number): number {
  const code = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  return code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

/** UTF-8 bytes of the character at `i` (a lone surrogate encodes as U+FFFD, 3 bytes). */
function charBytes(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  return charUnits(text, i) === 2 ? 4 : 3;
}

function trimZero(fixed: string): string {
  return fixed.endsWith(".0") ? fixed.slice(0, -2) : fixed;
}
