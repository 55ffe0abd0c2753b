/**
 * A small terminal emulator for tests of what the chat's screen writes: a grid of rows with a
 * scrollback above it, driven by the sequences the screen uses (CR, LF, cursor up/down/column,
 * erase line / below / screen / scrollback). Colours, synchronized output and hyperlinks are
 * accepted and ignored. Text is ASCII in these tests; a line longer than the width is an error.
 */

import type { Terminal } from "@mariozechner/pi-tui";

/** An emulated terminal; `written` keeps the raw output too. */
export class EmulatedTerminal implements Terminal {
  written = "";
  readonly scrollback: string[] = [];
  #screen: string[];
  #row = 0;
  #col = 0;

  constructor(public columns: number, public rows: number) {
    this.#screen = Array.from({ length: rows }, () => "");
  }

  /** The scrollback and the screen, trailing blank rows left out. */
  all(): string[] {
    const lines = [...this.scrollback, ...this.#screen].map((line) => line.trimEnd());
    while (lines.length > 0 && lines.at(-1) === "") lines.pop();
    return lines;
  }

  /** The cursor's row on screen and column. */
  get cursor(): { row: number; col: number } {
    return { row: this.#row, col: this.#col };
  }

  get kittyProtocolActive(): boolean {
    return false;
  }
  start(): void {}
  stop(): void {}
  drainInput(): Promise<void> {
    return Promise.resolve();
  }
  moveBy(): void {}
  hideCursor(): void {}
  showCursor(): void {}
  clearLine(): void {}
  clearFromCursor(): void {}
  clearScreen(): void {}
  setTitle(): void {}
  setProgress(): void {}

  write(data: string): void {
    this.written += data;
    let i = 0;
    while (i < data.length) {
      const char = data[i];
      if (char === "\x1b") {
        i = this.#escape(data, i);
        continue;
      }
      if (char === "\r") this.#col = 0;
      else if (char === "\n") this.#lineFeed();
      else this.#put(char);
      i++;
    }
  }

  #put(char: string): void {
    if (this.#col >= this.columns) throw new Error(`a line wider than ${this.columns} columns`);
    const line = this.#screen[this.#row].padEnd(this.#col, " ");
    this.#screen[this.#row] = line.slice(0, this.#col) + char + line.slice(this.#col + 1);
    this.#col++;
  }

  #lineFeed(): void {
    if (this.#row < this.rows - 1) {
      this.#row++;
      return;
    }
    this.scrollback.push(this.#screen.shift() ?? "");
    this.#screen.push("");
  }

  /** Applies the escape sequence at `at`; returns where the text goes on. */
  #escape(data: string, at: number): number {
    const kind = data[at + 1];
    if (kind === "]") {
      const end = data.indexOf("\x07", at);
      return end === -1 ? data.length : end + 1;
    }
    if (kind !== "[") return at + 2;
    const match = /^\[(\??)([\d;]*)([A-Za-z])/.exec(data.slice(at + 1, at + 24));
    if (!match) {
      throw new Error(`an escape sequence the emulator does not know: ${data.slice(at, at + 12)}`);
    }
    const [whole, private_, digits, final] = match;
    const n = digits === "" ? undefined : Number(digits);
    if (private_ === "") this.#csi(final, n);
    return at + 1 + whole.length;
  }

  #csi(final: string, n: number | undefined): void {
    switch (final) {
      case "A":
        this.#row = Math.max(0, this.#row - (n ?? 1));
        return;
      case "B":
        this.#row = Math.min(this.rows - 1, this.#row + (n ?? 1));
        return;
      case "G":
        this.#col = (n ?? 1) - 1;
        return;
      case "H":
        this.#row = 0;
        this.#col = 0;
        return;
      case "K":
        if (n === 2) this.#screen[this.#row] = "";
        return;
      case "J":
        if (n === 2) this.#screen = this.#screen.map(() => "");
        else if (n === 3) this.scrollback.length = 0;
        else {
          this.#screen[this.#row] = this.#screen[this.#row].slice(0, this.#col);
          for (let r = this.#row + 1; r < this.rows; r++) this.#screen[r] = "";
        }
        return;
      default:
        // Colours and attributes (m) do not move anything.
        return;
    }
  }
}
