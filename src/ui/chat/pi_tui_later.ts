/**
 * The parts of pi-tui the chat needs only once something is shown in its transcript or completed
 * in its editor: the markdown renderer and the autocomplete provider, with what they import
 * (`marked`, `node:child_process`). Loaded through `loadLaterParts` in `pi_tui.ts`, never
 * imported directly by a module loaded before the chat's first frame.
 */

export { Markdown } from "@mariozechner/pi-tui/dist/components/markdown.js";
export { CombinedAutocompleteProvider } from "@mariozechner/pi-tui/dist/autocomplete.js";
