/** The chat's input: pi-tui's multi-line editor, where Enter runs a complete slash command as typed. */

import type { AutocompleteProvider } from "@mariozechner/pi-tui";
import { Editor, matchesKey } from "./pi_tui.ts";
import { isCompleteCommand } from "./slash.ts";
import { pastedImageMention } from "./pasted_path.ts";

/** Escape: with the completion list open, it closes the list and leaves the text alone. */
const CLOSE_LIST = "\x1b";

/** Bracketed paste: the terminal wraps pasted text in these. */
const PASTE_START = "\x1b[200~";
const PASTE_END = "\x1b[201~";

/** What an open completion list completes: the line's text before it, and its typed start. */
interface Completing {
  line: number;
  base: string;
  prefix: string;
}

/**
 * The editor of the chat. Enter, Shift+Enter/Alt+Enter (newline), history, paste and completion are
 * pi-tui's; two things differ: with the completion list open, Enter on a line that already is a
 * complete command (`/model gpt-5.4`) runs that line instead of replacing it with the highlighted
 * completion; and the list closes as soon as the text it completes is gone (Ctrl+U, Ctrl+W, a
 * cleared editor), so a later Tab never applies a stale completion to new text. A pasted path to an
 * image (a file dragged onto the terminal) becomes an `@path` mention, so it is attached.
 */
export class PromptEditor extends Editor {
  #completing: Completing | undefined;
  /** The bracketed paste being received, when its end has not arrived yet. */
  #paste: string | undefined;

  override setAutocompleteProvider(provider: AutocompleteProvider): void {
    super.setAutocompleteProvider({
      getSuggestions: async (lines, cursorLine, cursorCol, options) => {
        const found = await provider.getSuggestions(lines, cursorLine, cursorCol, options);
        if (found) {
          const before = (lines[cursorLine] ?? "").slice(0, cursorCol);
          const base = before.endsWith(found.prefix)
            ? before.slice(0, before.length - found.prefix.length)
            : before;
          this.#completing = { line: cursorLine, base, prefix: found.prefix };
        }
        return found;
      },
      applyCompletion: (lines, cursorLine, cursorCol, item, prefix) =>
        provider.applyCompletion(lines, cursorLine, cursorCol, item, prefix),
      shouldTriggerFileCompletion: (lines, cursorLine, cursorCol) =>
        provider.shouldTriggerFileCompletion?.(lines, cursorLine, cursorCol) ?? true,
    });
  }

  override handleInput(data: string): void {
    if (this.#paste === undefined) {
      const start = data.indexOf(PASTE_START);
      if (start === -1) return this.#handleKeys(data);
      if (start > 0) this.#handleKeys(data.slice(0, start));
      this.#paste = "";
      data = data.slice(start + PASTE_START.length);
    }
    this.#paste += data;
    const end = this.#paste.indexOf(PASTE_END);
    if (end === -1) return;
    const pasted = this.#paste.slice(0, end);
    const rest = this.#paste.slice(end + PASTE_END.length);
    this.#paste = undefined;
    this.#handleKeys(`${PASTE_START}${pastedImageMention(pasted) ?? pasted}${PASTE_END}`);
    if (rest !== "") this.handleInput(rest);
  }

  #handleKeys(data: string): void {
    this.#closeStaleList();
    if (
      matchesKey(data, "enter") && this.isShowingAutocomplete() && isCompleteCommand(this.getText())
    ) {
      // Escape closes the list without touching the text; Enter then submits it as typed.
      super.handleInput(CLOSE_LIST);
    }
    super.handleInput(data);
    this.#closeStaleList();
  }

  override setText(text: string): void {
    super.setText(text);
    this.#closeStaleList();
  }

  /**
   * Closes the list when what it completes is gone: the text before the completed word changed,
   * or the word's first character no longer follows it. Typing on or deleting back within the
   * word keeps it open; pi-tui refreshes its items then.
   */
  #closeStaleList(): void {
    const completing = this.#completing;
    if (!completing || !this.isShowingAutocomplete()) return;
    const { line, col } = this.getCursor();
    const before = (this.getLines()[line] ?? "").slice(0, col);
    const intact = line === completing.line &&
      before.startsWith(completing.base + completing.prefix.slice(0, 1));
    if (!intact) super.handleInput(CLOSE_LIST);
  }
}
