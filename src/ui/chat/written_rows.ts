/**
 * The rows finished transcript items wrote into the terminal's scrollback, kept as the bytes
 * written (UTF-8) in one growing buffer, so a full redraw can write them again. A long session's
 * history held as line strings takes several times the memory, and one small buffer per item
 * would cost more in objects than its bytes.
 */

/** Where one item's rows are in the buffer. */
export interface RowSpan {
  start: number;
  end: number;
}

const encoder = new TextEncoder();

/** Bytes of the first buffer. */
const INITIAL_BYTES = 1 << 16;

/** The bytes of written rows, appended and then kept until `clear`. */
export class WrittenRows {
  #bytes = new Uint8Array(INITIAL_BYTES);
  #end = 0;

  /**
   * Keeps `lines` as written: each ended by `ending`, joined by CR LF (no line break after the
   * last). Returns where they are.
   */
  add(lines: readonly string[], ending: string): RowSpan {
    const start = this.#end;
    for (let i = 0; i < lines.length; i++) {
      this.#append(i === 0 ? lines[i] + ending : "\r\n" + lines[i] + ending);
    }
    return { start, end: this.#end };
  }

  /** The bytes of `span` (a view: valid until the next `add` or `clear`). */
  view(span: RowSpan): Uint8Array {
    return this.#bytes.subarray(span.start, span.end);
  }

  /** Forgets every row kept; every span handed out so far is void. */
  clear(): void {
    this.#bytes = new Uint8Array(INITIAL_BYTES);
    this.#end = 0;
  }

  #append(text: string): void {
    // A UTF-16 code unit takes at most three bytes of UTF-8.
    const needed = this.#end + text.length * 3;
    if (needed > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.#bytes.length * 2));
      grown.set(this.#bytes.subarray(0, this.#end));
      this.#bytes = grown;
    }
    this.#end += encoder.encodeInto(text, this.#bytes.subarray(this.#end)).written;
  }
}
