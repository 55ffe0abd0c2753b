/**
 * Untrusted text made safe to show on a terminal. Model text, tool output, file names, session
 * titles and commands can hold escape sequences that retitle the terminal, clear the screen, move
 * the cursor over what was shown, or reorder text with bidi overrides. Every renderer passes such
 * text through `terminalText` and applies Pixir's own styling after, so no byte of it reaches the
 * terminal as a control: each control character is shown as visible text instead.
 */

/** Which layout characters stay as they are; every other control is shown visibly. */
export interface TerminalTextOptions {
  /** Keep `\n` as a line break (default true); otherwise it is shown as `^J`. */
  newlines?: boolean;
  /** Keep `\t` (default true); otherwise it is shown as `^I`. */
  tabs?: boolean;
}

// C0 controls and DEL, C1 controls, and the bidi embeddings, overrides, isolates and marks that
// make a terminal show text in an order other than the one it has.
const CONTROLS = String.raw`\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069`;

/**
 * The controls to make visible: all but the layout characters `kept` (a class, e.g. `\n\t`). The
 * kept ones are left out of the pattern rather than put back by the replacer, so text with nothing
 * to change comes back as the same string, not a copy (a long session's transcript holds a lot).
 */
function unsafe(kept: string): RegExp {
  return new RegExp(kept === "" ? `[${CONTROLS}]` : `[[${CONTROLS}]--[${kept}]]`, "gv");
}

const UNSAFE = unsafe("");
const UNSAFE_BUT_NEWLINES = unsafe(String.raw`\n`);
const UNSAFE_BUT_TABS = unsafe(String.raw`\t`);
const UNSAFE_BUT_BOTH = unsafe(String.raw`\n\t`);

/**
 * `text` with every control character made visible: C0 controls in caret notation (ESC `^[`, BEL
 * `^G`, CR `^M`, DEL `^?`), C1 controls and bidi formatting characters as `<U+XXXX>`. A CR is never
 * kept, since it returns the cursor to overwrite what a line showed.
 */
export function terminalText(text: string, options: TerminalTextOptions = {}): string {
  const newlines = options.newlines ?? true;
  const tabs = options.tabs ?? true;
  const unsafe = newlines
    ? (tabs ? UNSAFE_BUT_BOTH : UNSAFE_BUT_NEWLINES)
    : (tabs ? UNSAFE_BUT_TABS : UNSAFE);
  return text.replace(unsafe, visible);
}

/** `text` on one line: like `terminalText`, with line breaks and tabs shown visibly too. */
export function terminalLine(text: string): string {
  return terminalText(text, { newlines: false, tabs: false });
}

/** The visible stand-in of one control character. */
function visible(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return "^?";
  return `<U+${code.toString(16).toUpperCase().padStart(4, "0")}>`;
}

/**
 * `text` as written to `sink`: sanitized when a person looks at it (a terminal), byte-exact when it
 * goes into a file or a pipe, where a script reads it.
 */
export function textFor(sink: { isTerminal: boolean }, text: string): string {
  return sink.isTerminal ? terminalText(text) : text;
}
