/** The chat's input: pi-tui's multi-line editor, where Enter runs a complete slash command as typed. */

import { Editor, matchesKey } from "@mariozechner/pi-tui";
import { isCompleteCommand } from "./slash.ts";

/**
 * The editor of the chat. Enter, Shift+Enter/Alt+Enter (newline), history, paste and completion are
 * pi-tui's; one thing differs: with the completion list open, Enter on a line that already is a
 * complete command (`/model gpt-5.4`) runs that line instead of replacing it with the highlighted
 * completion.
 */
export class PromptEditor extends Editor {
  override handleInput(data: string): void {
    if (
      matchesKey(data, "enter") && this.isShowingAutocomplete() && isCompleteCommand(this.getText())
    ) {
      // Escape closes the list without touching the text; Enter then submits it as typed.
      super.handleInput("\x1b");
    }
    super.handleInput(data);
  }
}
