/** Terminal styling that switches itself off for pipes and for `NO_COLOR`. */

/** Functions that wrap text in ANSI styles, or return it unchanged when colour is off. */
export interface Style {
  dim(text: string): string;
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  italic(text: string): string;
  underline(text: string): string;
  strikethrough(text: string): string;
  magenta(text: string): string;
  /** Inverse video: the chat's highlight for a selected completion. */
  inverse(text: string): string;
}

/** A Style for a stream: colour only on a terminal and when `NO_COLOR` is unset or empty. */
export function styleFor(isTerminal: boolean, noColor: string | undefined): Style {
  const on = isTerminal && (noColor === undefined || noColor === "");
  const wrap = (open: number, close: number) => (text: string) =>
    on ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    dim: wrap(2, 22),
    bold: wrap(1, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    italic: wrap(3, 23),
    underline: wrap(4, 24),
    strikethrough: wrap(9, 29),
    magenta: wrap(35, 39),
    inverse: wrap(7, 27),
  };
}
