/**
 * The chat's screen: pi-tui's component contract (components render lines for a width; a
 * container stacks them; the editor and other pi-tui components get a `TUI` to ask for frames),
 * drawn by a renderer whose work per frame depends on what is live, not on how long the session is.
 *
 * pi-tui's own renderer keeps every line of the screen in one array and walks it on every frame
 * (line resets, the change search, image ids): with a long transcript that walk costs more than a
 * frame. Here the transcript's finished items leave the frame: they are written once into the
 * terminal's scrollback, above the live part (the item still streaming or running, the working
 * indicator, the editor, the footer), and kept in an archive as the bytes written at the current
 * width (UTF-8, a fraction of what the lines take as strings, and outside the JavaScript heap), to
 * be written again by a full redraw; the items drop their own copies of their lines. Frames are
 * paced (at most one per `frameMs`), and a component that knows it alone changed (the working
 * indicator) asks for a repaint of itself only.
 *
 * Laying out a long history (a resumed session of a thousand turns, or all of it after a resize)
 * takes longer than a person should wait, so a full redraw lays out only the last few screens of
 * it at once; the rest is laid out while the chat is idle, and then the whole scrollback is
 * written again.
 */

import type { Component, Terminal } from "@mariozechner/pi-tui";
import {
  CURSOR_MARKER,
  isKeyRelease,
  laterPartsIfLoaded,
  ProcessTerminal,
  Spacer,
  Text,
  TruncatedText,
  truncateToWidth,
  TUI,
  visibleWidth,
} from "./pi_tui.ts";
import process from "node:process";
import { fitsWidth } from "./transcript_item.ts";
import { type RowSpan, WrittenRows } from "./written_rows.ts";

/** Where finished items come from: the transcript hands them over once, in order. */
export interface ScrollbackSource {
  /** Items finished since the last call, in order; they never change once handed over. */
  takeFinished(): readonly Component[];
  /** True once after the source was cleared: the scrollback written so far is to be redrawn. */
  takeReset(): boolean;
}

/** What the screen is built from. */
export interface ScreenOptions {
  /** The first lines of the scrollback (name and version), kept across resets. */
  banner?: Component;
  /** The finished items written into the scrollback, above the live part. */
  history?: ScrollbackSource;
  /** Shortest time between two frames, in milliseconds (default 16: about 60 frames a second). */
  frameMs?: number;
  /** The clock (milliseconds); tests pass their own. */
  now?: () => number;
}

/** What the screen did so far, for tests and benchmarks. */
export interface ScreenCounters {
  /** Frames painted. */
  frames: number;
  /** Frames that cleared the terminal and wrote the whole scrollback again (resize, reset). */
  fullRedraws: number;
  /** Live components rendered (a repaint of one component counts one). */
  componentRenders: number;
  /** Finished items laid out (once per item and width). */
  itemLayouts: number;
}

/**
 * A finished item and, once laid out at the current width (the archive's entries from `#laidFrom`
 * on), its number of rows and where the screen's `WrittenRows` keeps them as written (kept in the
 * entry itself: a long session has thousands).
 */
interface Archived extends RowSpan {
  item: Component;
  rows: number;
}

type InputListener = (data: string) => { consume?: boolean; data?: string } | undefined;

/** Ends every written line: no colour, attribute or hyperlink leaks into the next. */
const LINE_RESET = "\x1b[0m\x1b]8;;\x07";
const SYNC_START = "\x1b[?2026h";
const SYNC_END = "\x1b[?2026l";
const encoder = new TextEncoder();
/** Clear the screen, home, clear the scrollback. */
const CLEAR_ALL = "\x1b[2J\x1b[H\x1b[3J";
/** Screens of history laid out at once by a full redraw; the rest waits until the chat is idle. */
const SCREENS_AT_ONCE = 3;
/** More items than this finished at once (a session opened) are laid out like a resize's. */
const LARGE_BATCH = 64;
/** Characters written at once by a full redraw. */
const WRITE_CHUNK = 1 << 16;
/** The chat is idle when nothing asked for a frame for this long. */
const IDLE_MS = 250;
/** The longest the history is laid out in one go while idle, so a key is never held up long. */
const SLICE_MS = 8;

/**
 * The chat's root: `addChild` stacks live components (they render every frame they are asked
 * to, so they should be small and cache their lines); finished transcript items go to the
 * scrollback through `options.history`. It is a `TUI` so pi-tui components that take one (the
 * editor) work unchanged; pi-tui's renderer itself is never run, and overlays are not drawn.
 */
export class ChatScreen extends TUI {
  readonly counters: ScreenCounters = {
    frames: 0,
    fullRedraws: 0,
    componentRenders: 0,
    itemLayouts: 0,
  };
  readonly #banner: Component | undefined;
  readonly #history: ScrollbackSource | undefined;
  readonly #frameMs: number;
  readonly #now: () => number;
  /** Items written to the scrollback, drawn again after a resize. */
  #archive: Archived[] = [];
  /** The rows of the archive's items laid out at the current width. */
  readonly #rows = new WrittenRows();
  /** The archive's items from this one on are laid out at the current width. */
  #laidFrom = 0;
  #backfill: ReturnType<typeof setTimeout> | undefined;
  /** When a frame or a repaint was last asked for. */
  #lastAsked = -Infinity;
  /** Something was written: a full redraw clears the terminal first. */
  #wroteAny = false;
  readonly #listeners = new Set<InputListener>();
  #focused: Component | null = null;
  #running = false;
  /** The live lines as painted. */
  #painted: string[] = [];
  /** Each live component's lines of the last frame, reused while it has not asked to repaint. */
  #childLines = new Map<Component, string[]>();
  /** Everything is to be rendered again (a component that cannot say which one changed asked). */
  #allDirty = true;
  readonly #dirty = new Set<Component>();
  #redrawAll = true;
  /** Rows are counted from the first row written since the last full redraw. */
  #liveStart = 0;
  /** The row of the cursor: the last row written, or the editor's cursor. */
  #cursor = 0;
  /** Where in the live part the focused editor's cursor is, if it shows one. */
  #marker: { row: number; col: number } | null = null;
  /** Rows written so far (the scrollback and the live part). */
  #written = 0;
  /** The topmost row still on screen, as far as the screen can know (never overestimated). */
  #viewportTop = 0;
  #width = 0;
  #height = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastFrame = -Infinity;
  /** Waiting for the next frame to be painted (see `nextFrame`). */
  #frameWaiters: (() => void)[] = [];

  constructor(terminal: Terminal, options: ScreenOptions = {}) {
    super(terminal);
    this.#banner = options.banner;
    this.#history = options.history;
    this.#frameMs = options.frameMs ?? 16;
    this.#now = options.now ?? (() => performance.now());
  }

  override start(): void {
    this.#running = true;
    this.terminal.start((data) => this.#input(data), () => this.requestRender(true));
    this.terminal.hideCursor();
    this.requestRender();
  }

  override stop(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    clearTimeout(this.#backfill);
    this.#backfill = undefined;
    // Paint what is pending, then leave the cursor on a fresh line below everything.
    this.#frame();
    for (const painted of this.#frameWaiters.splice(0)) painted();
    if (this.#written > 0) this.terminal.write(up(this.#cursor - (this.#written - 1)) + "\r\n");
    this.terminal.showCursor();
    this.terminal.stop();
  }

  /**
   * Asks for a frame; frames coalesce to at most one per `frameMs`. `redraw` clears the terminal
   * and writes the whole scrollback again (after a resize, or when what it holds is stale).
   */
  override requestRender(redraw = false): void {
    this.#allDirty = true;
    if (redraw) this.#redrawAll = true;
    this.#schedule();
  }

  /** Settles once the next frame is painted (or the screen stops). */
  nextFrame(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    const painted = new Promise<void>((resolve) => this.#frameWaiters.push(resolve));
    this.#schedule();
    return painted;
  }

  /** Asks for a frame in which only `component` (a live child of the screen) is rendered again. */
  repaint(component: Component): void {
    this.#dirty.add(component);
    this.#schedule();
  }

  override setFocus(component: Component | null): void {
    super.setFocus(component);
    this.#focused = component;
  }

  override addInputListener(listener: InputListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  override removeInputListener(listener: InputListener): void {
    this.#listeners.delete(listener);
  }

  override removeChild(component: Component): void {
    super.removeChild(component);
    this.#childLines.delete(component);
  }

  override clear(): void {
    super.clear();
    this.#childLines.clear();
  }

  override showOverlay(): never {
    throw new Error("the chat screen draws no overlays: add the component as a child instead");
  }

  /** Paints a pending frame now (tests; the end of the chat). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#frame();
  }

  #input(data: string): void {
    let current = data;
    for (const listener of this.#listeners) {
      const result = listener(current);
      if (result?.consume) return;
      if (result?.data !== undefined) current = result.data;
    }
    if (current.length === 0) return;
    const focused = this.#focused;
    if (!focused?.handleInput) return;
    if (isKeyRelease(current) && !focused.wantsKeyRelease) return;
    focused.handleInput(current);
    this.requestRender();
  }

  #schedule(): void {
    this.#lastAsked = this.#now();
    if (!this.#running || this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastFrame + this.#frameMs - this.#now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#frame();
      for (const painted of this.#frameWaiters.splice(0)) painted();
    }, wait);
  }

  #frame(): void {
    const width = this.terminal.columns;
    const height = this.terminal.rows;
    this.#lastFrame = this.#now();
    if (this.#history?.takeReset()) {
      this.#archive = [];
      this.#rows.clear();
      this.#laidFrom = 0;
      this.#redrawAll = true;
    }
    if (width !== this.#width) {
      // Every line of the history wraps anew: lay it out again, starting from the end.
      this.#rows.clear();
      this.#laidFrom = this.#archive.length;
      this.#redrawAll = true;
    }
    if (height !== this.#height) this.#redrawAll = true;
    this.#width = width;
    this.#height = height;
    const finished = this.#history?.takeFinished() ?? [];
    const committed: string[] = [];
    if (finished.length > LARGE_BATCH) {
      // A whole session at once: lay out its end now, the rest when idle (see #fullRedraw).
      for (const item of finished) this.#archive.push(unlaid(item));
      this.#laidFrom = this.#archive.length;
      this.#redrawAll = true;
    } else {
      for (const item of finished) {
        const entry = unlaid(item);
        this.#archive.push(entry);
        for (const line of this.#layOut(entry, width)) committed.push(line);
      }
    }
    const live = this.#liveLines(width);
    if (!this.#redrawAll && finished.length === 0 && live === this.#painted) return;
    this.counters.frames++;
    if (this.#redrawAll) {
      this.#fullRedraw(live, width, height);
      return;
    }
    const lines = committed.length === 0 ? live : [...committed, ...live];
    if (!this.#paint(lines, committed.length, height)) {
      this.#fullRedraw(live, width, height);
      return;
    }
    this.#liveStart += committed.length;
    this.#painted = live;
  }

  /**
   * Lays out an entry not laid out at `width` and returns its lines; the entry keeps them as
   * written, and the item is told to drop its own copy.
   */
  #layOut(entry: Archived, width: number): readonly string[] {
    const rendered = entry.item.render(width);
    const lines = trusted(entry.item) ? rendered : fit(rendered, width);
    entry.rows = lines.length;
    const { start, end } = this.#rows.add(lines, LINE_RESET);
    entry.start = start;
    entry.end = end;
    entry.item.invalidate();
    this.counters.itemLayouts++;
    return lines;
  }

  /**
   * Lays out archived items at `width`, from the last one not laid out backwards, until `rows`
   * lines are laid out or `deadline` (a clock reading) passes; true once all are.
   */
  #layOutBackwards(width: number, rows: number, deadline: number): boolean {
    let laidRows = 0;
    for (let i = this.#laidFrom; i < this.#archive.length && laidRows < rows; i++) {
      laidRows += this.#archive[i].rows;
    }
    while (this.#laidFrom > 0 && laidRows < rows && this.#now() < deadline) {
      this.#laidFrom--;
      laidRows += this.#layOut(this.#archive[this.#laidFrom], width).length;
    }
    return this.#laidFrom === 0;
  }

  /** Lays out the rest of the history while the chat is idle, then writes it all again. */
  #scheduleBackfill(): void {
    if (this.#backfill !== undefined || !this.#running) return;
    const step = () => {
      this.#backfill = undefined;
      if (!this.#running) return;
      const quiet = this.#now() - this.#lastAsked;
      if (quiet < IDLE_MS) {
        this.#backfill = setTimeout(step, IDLE_MS - quiet);
        return;
      }
      if (this.#layOutBackwards(this.#width, Infinity, this.#now() + SLICE_MS)) {
        this.requestRender(true);
      } else {
        this.#backfill = setTimeout(step, 0);
      }
    };
    this.#backfill = setTimeout(step, IDLE_MS);
  }

  /** The live part's lines, rendering only the children that asked; the same array when unchanged. */
  #liveLines(width: number): string[] {
    if (!this.#allDirty && this.#dirty.size === 0) return this.#painted;
    // A component nested in a container cannot be rendered alone: render everything.
    for (const component of this.#dirty) {
      if (!this.children.includes(component)) this.#allDirty = true;
    }
    const lines: string[] = [];
    for (const child of this.children) {
      let childLines = this.#childLines.get(child);
      if (this.#allDirty || this.#dirty.has(child) || childLines === undefined) {
        childLines = fit(child.render(width), width);
        this.counters.componentRenders++;
        this.#childLines.set(child, childLines);
      }
      for (const line of childLines) lines.push(line);
    }
    this.#allDirty = false;
    this.#dirty.clear();
    this.#marker = takeCursorMarker(lines);
    return sameLines(lines, this.#painted) ? this.#painted : lines;
  }

  /**
   * Writes what changed between the painted live part and `lines` (the newly finished items'
   * lines, then the live part); false when a change is above what the screen still shows.
   */
  #paint(lines: readonly string[], committedRows: number, height: number): boolean {
    const painted = this.#painted;
    // An empty live part would leave the cursor nowhere to rest: redraw instead.
    if (lines.length === 0) return false;
    const shared = Math.min(lines.length, painted.length);
    let first = 0;
    while (first < shared && lines[first] === painted[first]) first++;
    if (first === lines.length && first === painted.length) return true;
    let last = lines.length - 1;
    if (lines.length === painted.length) {
      while (last > first && lines[last] === painted[last]) last--;
    }
    const firstRow = this.#liveStart + first;
    if (firstRow < this.#viewportTop) return false;
    let out = SYNC_START;
    const end = this.#liveStart + lines.length - 1;
    if (first >= lines.length) {
      // Only rows at the end went away: clear them, and rest on the new last row.
      out += up(this.#cursor - firstRow) + "\r\x1b[J" + up(1);
    } else {
      if (firstRow >= this.#written && this.#written > 0) {
        // Appending below the last row: step down from it, scrolling when at the bottom.
        out += up(this.#cursor - (this.#written - 1)) + "\r\n";
      } else {
        out += up(this.#cursor - firstRow) + "\r";
      }
      for (let i = first; i <= last; i++) {
        if (i > first) out += "\r\n";
        out += "\x1b[2K" + lines[i] + LINE_RESET;
      }
      const at = this.#liveStart + last;
      if (lines.length < painted.length) {
        // The live part shrank: clear the rows below it.
        out += "\r\n\x1b[J" + up(1);
      } else if (at < end) {
        out += `\x1b[${end - at}B`;
      }
    }
    this.#wroteAny = true;
    this.#written = this.#liveStart + lines.length;
    this.#cursor = end;
    this.#viewportTop = Math.max(this.#viewportTop, this.#written - height);
    // The rows of newly finished items come first in `lines`; the marker counts in the live part.
    out += this.#placeCursor(committedRows) + SYNC_END;
    this.terminal.write(out);
    return true;
  }

  /**
   * Clears the terminal and its scrollback and writes the history and `live`: all of it when it
   * is laid out at this width, else its last screens (the rest follows once laid out).
   */
  #fullRedraw(live: string[], width: number, height: number): void {
    this.#redrawAll = false;
    const whole = this.#layOutBackwards(width, SCREENS_AT_ONCE * height, Infinity);
    const head: string[] = [];
    if (whole) {
      if (this.#banner) head.push(...fit(this.#banner.render(width), width));
    } else {
      const notice = ` ⋯ ${this.#laidFrom} earlier items follow when the chat is idle`;
      head.push(truncateToWidth(`\x1b[2m${notice}\x1b[22m`, width, ""));
      this.#scheduleBackfill();
    }
    // The first frame starts where the cursor is, below what the terminal showed before the chat.
    const out = new RedrawOutput(bytesWriter(this.terminal));
    out.text(SYNC_START);
    if (this.#wroteAny) {
      out.text(CLEAR_ALL);
      this.counters.fullRedraws++;
    }
    let rows = 0;
    const line = (text: string) => out.text((rows++ === 0 ? "" : "\r\n") + text + LINE_RESET);
    head.forEach(line);
    for (let i = this.#laidFrom; i < this.#archive.length; i++) {
      const entry = this.#archive[i];
      if (entry.rows === 0) continue;
      if (rows > 0) out.text("\r\n");
      out.bytes(this.#rows.view(entry));
      rows += entry.rows;
    }
    const historyRows = rows;
    live.forEach(line);
    this.#wroteAny = true;
    this.#liveStart = historyRows;
    this.#painted = live;
    this.#written = rows;
    this.#cursor = Math.max(0, rows - 1);
    this.#viewportTop = Math.max(0, rows - height);
    out.text(this.#placeCursor(0) + SYNC_END);
    out.flush();
  }

  /**
   * Moves the cursor to the editor's cursor (where an input method shows what is being typed),
   * `offset` rows below the live part's start as known; nothing when no editor shows one.
   */
  #placeCursor(offset: number): string {
    if (this.#marker === null) return "";
    const row = this.#liveStart + offset + this.#marker.row;
    const move = up(this.#cursor - row) + `\x1b[${this.#marker.col + 1}G`;
    this.#cursor = row;
    return move;
  }
}

/**
 * True for components known never to give a line wider than the width: pi-tui's text components
 * (they wrap and pad to it) and those that say so (`FitsWidth`).
 */
function trusted(component: Component): boolean {
  // Markdown cannot be on screen before pi-tui's later parts are loaded.
  const Markdown = laterPartsIfLoaded()?.Markdown;
  return (Markdown !== undefined && component instanceof Markdown) || component instanceof Text ||
    component instanceof Spacer || component instanceof TruncatedText || fitsWidth(component);
}

/** An archive entry for `item`, not laid out yet. */
function unlaid(item: Component): Archived {
  return { item, rows: 0, start: 0, end: 0 };
}

/** A terminal that also takes bytes (UTF-8), as the process's own does. */
export interface ByteTerminal extends Terminal {
  writeBytes(bytes: Uint8Array): void;
}

/** The process's terminal (pi-tui's, writing to standard output), also taking bytes. */
export class ChatTerminal extends ProcessTerminal implements ByteTerminal {
  writeBytes(bytes: Uint8Array): void {
    process.stdout.write(bytes);
  }
}

function isByteTerminal(terminal: Terminal): terminal is ByteTerminal {
  return "writeBytes" in terminal && typeof terminal.writeBytes === "function";
}

/** How to write bytes to `terminal`: as they are where it takes them, else decoded to text. */
function bytesWriter(terminal: Terminal): (bytes: Uint8Array) => void {
  if (isByteTerminal(terminal)) return (bytes) => terminal.writeBytes(bytes);
  const decoder = new TextDecoder();
  return (bytes) => terminal.write(decoder.decode(bytes, { stream: true }));
}

/**
 * A full redraw's output, written in pieces of `WRITE_CHUNK` bytes: a long history is never held
 * as one huge string, and its rows go out as the bytes kept for them.
 */
class RedrawOutput {
  readonly #buffer = new Uint8Array(WRITE_CHUNK);
  #end = 0;
  readonly #write: (bytes: Uint8Array) => void;

  constructor(write: (bytes: Uint8Array) => void) {
    this.#write = write;
  }

  /** Appends `text` (a row or a control sequence). */
  text(text: string): void {
    if (text !== "") this.bytes(encoder.encode(text));
  }

  /** Appends `bytes`, writing every full piece. */
  bytes(bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length;) {
      const taken = Math.min(bytes.length - at, WRITE_CHUNK - this.#end);
      this.#buffer.set(bytes.subarray(at, at + taken), this.#end);
      this.#end += taken;
      at += taken;
      if (this.#end === WRITE_CHUNK) this.flush();
    }
  }

  /** Writes what is gathered. */
  flush(): void {
    if (this.#end === 0) return;
    this.#write(this.#buffer.slice(0, this.#end));
    this.#end = 0;
  }
}

/** Moves the cursor `n` rows up (nothing for 0). */
function up(n: number): string {
  return n > 0 ? `\x1b[${n}A` : n < 0 ? `\x1b[${-n}B` : "";
}

/** `lines` with any line wider than `width` cut to it: a wider line would wrap and shift every row. */
function fit(lines: readonly string[], width: number): string[] {
  let copy: string[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    if (visibleWidth(lines[i]) > width) {
      copy ??= [...lines];
      copy[i] = truncateToWidth(lines[i], width, "");
    }
  }
  return copy ?? (lines as string[]);
}

/**
 * Removes the focused editor's cursor marker (a zero-width sequence) from `lines`; returns where
 * it was (row, and column in cells), or null.
 */
function takeCursorMarker(lines: string[]): { row: number; col: number } | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const at = lines[i].indexOf(CURSOR_MARKER);
    if (at !== -1) {
      const before = lines[i].slice(0, at);
      lines[i] = before + lines[i].slice(at + CURSOR_MARKER.length);
      return { row: i, col: visibleWidth(before) };
    }
  }
  return null;
}

function sameLines(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
