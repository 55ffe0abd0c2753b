/**
 * Markdown that grows as a model streams it, parsed incrementally: the text is cut into blocks at
 * blank lines where the next block cannot continue the one before (outside code fences, not an
 * indented continuation, not the next item of a list), each finished block is parsed and laid out
 * once per width, and a frame parses only the last, unfinished block. A delta only appends text;
 * nothing is parsed until a frame asks for lines.
 */

import type { DefaultTextStyle, Markdown, MarkdownTheme } from "@mariozechner/pi-tui";
import { laterParts } from "./pi_tui.ts";
import { terminalText } from "../terminal_text.ts";
import type { FitsWidth, LiveItem } from "./transcript_item.ts";

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

/**
 * A finished block. Laid out alone it lacks the blank line the block after it may call for
 * (markdown spaces a heading, paragraph or code block from a following block), so whether it
 * gets one is found once, when the block is cut off.
 */
interface Block {
  markdown: Markdown;
  spaced: boolean;
}

/** Streaming markdown (an answer or a reasoning summary) as one transcript item. */
export class StreamingMarkdown implements LiveItem, FitsWidth {
  /** pi-tui's markdown wraps and pads every line to the width. */
  readonly fitsWidth = true;
  readonly #theme: MarkdownTheme;
  readonly #style: DefaultTextStyle | undefined;
  /** The text so far, already made safe for the terminal. */
  #text = "";
  /** The finished blocks, each laid out once per width. */
  #blocks: Block[] = [];
  /** Where the unfinished block starts in the text. */
  #tailStart = 0;
  readonly #tail: Markdown;
  #tailText = "";
  #scan: Scan = { at: 0, fence: null, boundary: null, list: false };
  /** The finished blocks' lines, at `#blocksWidth`. */
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
    if (this.#blocksWidth !== width) {
      this.#blockLines = [];
      for (const block of this.#blocks) this.#addLines(block, width);
      this.#blocksWidth = width;
    }
    for (const block of this.#cut(width)) this.#addLines(block, width);
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
    for (const block of this.#blocks) block.markdown.invalidate();
    this.#tail.invalidate();
    this.#blocksWidth = -1;
  }

  #addLines(block: Block, width: number): void {
    for (const line of block.markdown.render(width)) this.#blockLines.push(line);
    if (block.spaced) this.#blockLines.push(" ".repeat(width));
  }

  /** Moves the blocks finished since the last scan out of the tail; returns them. */
  #cut(width: number): Block[] {
    const text = this.#text;
    const scan = this.#scan;
    const cut: Block[] = [];
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
        const block = scan.boundary !== null && this.#startsBlock(line, scan.list)
          ? this.#block(text.slice(this.#tailStart, scan.boundary), line, width)
          : null;
        if (block && scan.boundary !== null) {
          this.#blocks.push(block);
          cut.push(block);
          this.#tailStart = scan.boundary;
          scan.list = false;
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

  /**
   * The finished block `text`, followed by a block starting with `next`; null when laid out alone
   * it would not be the start of what the two lay out as together (then it is not cut there).
   */
  #block(text: string, next: string, width: number): Block | null {
    const markdown = this.#markdown(text);
    const alone = markdown.render(width);
    const together = this.#markdown(text + next).render(width);
    for (let i = 0; i < alone.length; i++) if (alone[i] !== together[i]) return null;
    const spaced = together.length > alone.length && together[alone.length].trim() === "";
    return { markdown, spaced };
  }

  #markdown(text: string): Markdown {
    return new (laterParts().Markdown)(text, 1, 0, this.#theme, this.#style);
  }
}
