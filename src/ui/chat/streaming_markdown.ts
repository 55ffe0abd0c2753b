/**
 * Markdown that grows as a model streams it, parsed incrementally: the text is cut into blocks at
 * blank lines where the next block cannot continue the one before (outside code fences, not an
 * indented continuation, not the next item of a list), each finished block is parsed and laid out
 * once per width, and a frame parses only the last, unfinished block. A delta only appends text;
 * nothing is parsed until a frame asks for lines.
 */

import { type DefaultTextStyle, Markdown, type MarkdownTheme } from "@mariozechner/pi-tui";
import { terminalText } from "../terminal_text.ts";
import type { LiveItem } from "./transcript_item.ts";

/** A line that opens or closes a fenced code block: up to 3 spaces, then ``` or ~~~ (3 or more). */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** A list item's first line. */
const LIST_ITEM = /^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;
const BLANK = /^[ \t]*$/;

/** Where the scan of the text is. */
interface Scan {
  /** Where the next unscanned line starts. */
  at: number;
  /** The open fence's marker (``` or ~~~, as long as it was), or null outside a code block. */
  fence: string | null;
  /** Where the blank lines after the current block end, when the last lines seen were blank. */
  boundary: number | null;
  /** The current block holds a list, whose next items may follow blank lines. */
  list: boolean;
}

/** Streaming markdown (an answer or a reasoning summary) as one transcript item. */
export class StreamingMarkdown implements LiveItem {
  readonly #theme: MarkdownTheme;
  readonly #style: DefaultTextStyle | undefined;
  /** The text so far, already made safe for the terminal. */
  #text = "";
  /** The finished blocks, each laid out once per width. */
  #blocks: Markdown[] = [];
  /** Where the unfinished block starts in the text. */
  #tailStart = 0;
  readonly #tail: Markdown;
  #tailText = "";
  #scan: Scan = { at: 0, fence: null, boundary: null, list: false };
  /** The finished blocks' lines, at `#blocksWidth`, while no block is added. */
  #blockLines: string[] = [];
  #blocksWidth = -1;
  #finished = false;

  constructor(theme: MarkdownTheme, style?: DefaultTextStyle) {
    this.#theme = theme;
    this.#style = style;
    this.#tail = this.#markdown("");
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** The text so far (made safe for the terminal). */
  get text(): string {
    return this.#text;
  }

  /** Adds streamed text (untrusted: it is made safe for the terminal here). */
  append(delta: string): void {
    this.#text += terminalText(delta);
  }

  /** Replaces the text (the final, logged one); nothing changes when it is what was streamed. */
  setText(raw: string): void {
    const text = terminalText(raw);
    if (text === this.#text) return;
    this.#text = text;
    this.#blocks = [];
    this.#tailStart = 0;
    this.#scan = { at: 0, fence: null, boundary: null, list: false };
    this.#blocksWidth = -1;
  }

  /** The text is complete: the item will not change again. */
  finish(): void {
    this.#finished = true;
  }

  render(width: number): string[] {
    if (this.#cut()) this.#blocksWidth = -1;
    if (this.#blocksWidth !== width) {
      this.#blockLines = this.#blocks.flatMap((block) => block.render(width));
      this.#blocksWidth = width;
    }
    const tailText = this.#text.slice(this.#tailStart);
    // Markdown keeps its lines while its text is the same; setting it again would drop them.
    if (tailText !== this.#tailText) {
      this.#tail.setText(tailText);
      this.#tailText = tailText;
    }
    const tail = this.#text.length > this.#tailStart ? this.#tail.render(width) : [];
    if (this.#blockLines.length === 0) return tail;
    return tail.length === 0 ? this.#blockLines : [...this.#blockLines, ...tail];
  }

  invalidate(): void {
    for (const block of this.#blocks) block.invalidate();
    this.#tail.invalidate();
    this.#blocksWidth = -1;
  }

  /** Moves the blocks finished since the last scan out of the tail; true when it moved any. */
  #cut(): boolean {
    const text = this.#text;
    const scan = this.#scan;
    let cut = false;
    for (;;) {
      const end = text.indexOf("\n", scan.at);
      if (end === -1) break;
      const line = text.slice(scan.at, end);
      const next = end + 1;
      if (scan.fence !== null) {
        const close = FENCE.exec(line);
        if (close && close[1][0] === scan.fence[0] && close[1].length >= scan.fence.length) {
          if (BLANK.test(line.slice(close.index + close[0].length))) scan.fence = null;
        }
      } else if (BLANK.test(line)) {
        if (scan.at > this.#tailStart) scan.boundary = next;
      } else {
        if (scan.boundary !== null && this.#startsBlock(line, scan.list)) {
          this.#blocks.push(this.#markdown(text.slice(this.#tailStart, scan.boundary)));
          this.#tailStart = scan.boundary;
          scan.list = false;
          cut = true;
        }
        scan.boundary = null;
        if (LIST_ITEM.test(line)) scan.list = true;
        const open = FENCE.exec(line);
        if (open && !(open[1][0] === "`" && line.slice(open[0].length).includes("`"))) {
          scan.fence = open[1];
        }
      }
      scan.at = next;
    }
    return cut;
  }

  /** True when `line`, after blank lines, starts a new block rather than continuing the last. */
  #startsBlock(line: string, afterList: boolean): boolean {
    if (/^[ \t]/.test(line)) return false;
    if (afterList && LIST_ITEM.test(line)) return false;
    return true;
  }

  #markdown(text: string): Markdown {
    return new Markdown(text, 1, 0, this.#theme, this.#style);
  }
}
