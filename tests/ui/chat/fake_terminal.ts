/** A pi-tui Terminal that records what is written instead of driving a real terminal. */

import type { Terminal } from "@mariozechner/pi-tui";

/** A terminal of a fixed size whose output is kept in `written`; `input` types into it. */
export class FakeTerminal implements Terminal {
  written = "";
  started = false;
  #onInput: ((data: string) => void) | undefined;
  columns: number;
  rows: number;

  constructor(columns = 80, rows = 24) {
    this.columns = columns;
    this.rows = rows;
  }

  get kittyProtocolActive(): boolean {
    return false;
  }
  start(onInput: (data: string) => void): void {
    this.started = true;
    this.#onInput = onInput;
  }
  stop(): void {
    this.started = false;
    this.#onInput = undefined;
  }
  /** Sends keys or text as if typed; ignored once the terminal is stopped. */
  input(data: string): void {
    this.#onInput?.(data);
  }
  drainInput(): Promise<void> {
    return Promise.resolve();
  }
  write(data: string): void {
    this.written += data;
  }
  moveBy(): void {}
  hideCursor(): void {}
  showCursor(): void {}
  clearLine(): void {}
  clearFromCursor(): void {}
  clearScreen(): void {}
  setTitle(): void {}
  setProgress(): void {}
}
