/** Line arithmetic on text: splitting into lines and numbering positions, as editors count them. */

/** The lines of `text`, each keeping its `\n`; a final line without one still counts. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const newline = text.indexOf("\n", start);
    if (newline === -1) break;
    lines.push(text.slice(start, newline + 1));
    start = newline + 1;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Maps character offsets of one text to 1-based line numbers. */
export class LineIndex {
  /** Offset where each line starts. */
  readonly #starts: number[] = [0];

  /** Indexes the line starts of `text`. */
  constructor(text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
      this.#starts.push(i + 1);
    }
  }

  /** The 1-based line holding the character at `offset`. */
  lineAt(offset: number): number {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  }
}
