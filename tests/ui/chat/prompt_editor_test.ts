import assert from "node:assert/strict";
import { type AutocompleteProvider, Editor, TUI } from "@mariozechner/pi-tui";
import { PromptEditor } from "../../../src/ui/chat/prompt_editor.ts";
import { chatTheme } from "../../../src/ui/chat/theme.ts";
import { styleFor } from "../../../src/ui/style.ts";
import { FakeTerminal } from "./fake_terminal.ts";

/** A provider whose list is stale: it always offers `gpt-5.5`, whatever was typed. */
const stale: AutocompleteProvider = {
  getSuggestions: (lines) =>
    Promise.resolve(
      lines[0].startsWith("/model ")
        ? { items: [{ value: "gpt-5.5", label: "gpt-5.5" }], prefix: lines[0].slice(7) }
        : null,
    ),
  applyCompletion: (lines, line, col, item, prefix) => {
    const text = lines[line].slice(0, col - prefix.length) + item.value;
    return { lines: [text], cursorLine: line, cursorCol: text.length };
  },
};

/** Types `text` into an editor made by `make`, waits for its list, presses Enter. */
async function submitWithListOpen(
  make: (tui: TUI) => Editor,
  text: string,
): Promise<{ submitted: string | undefined; left: string }> {
  const tui = new TUI(new FakeTerminal());
  const editor = make(tui);
  editor.setAutocompleteProvider(stale);
  let submitted: string | undefined;
  editor.onSubmit = (value) => submitted = value;
  for (const char of text) editor.handleInput(char);
  for (let i = 0; i < 100 && !editor.isShowingAutocomplete(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.ok(editor.isShowingAutocomplete(), "the completion list is open");
  editor.handleInput("\r");
  return { submitted, left: editor.getText() };
}

const theme = chatTheme(styleFor(false, undefined)).editor;

Deno.test("Enter on a complete command runs it as typed, even with the list open", async () => {
  const result = await submitWithListOpen((tui) => new PromptEditor(tui, theme), "/model x");
  assert.deepEqual(result, { submitted: "/model x", left: "" });
});

Deno.test("the plain editor would have replaced the argument with the completion", async () => {
  const result = await submitWithListOpen((tui) => new Editor(tui, theme), "/model x");
  assert.deepEqual(result, { submitted: undefined, left: "/model gpt-5.5" });
});
