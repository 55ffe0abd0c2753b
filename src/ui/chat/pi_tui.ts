/**
 * The parts of pi-tui the chat paints its first frame with, each imported from its own file.
 * pi-tui's index loads every component it has, among them the markdown renderer (with `marked`)
 * and the autocomplete provider (with `node:child_process`): more than a tenth of the time to the
 * first frame, for parts a new chat uses only later. Those are in `pi_tui_later.ts`, loaded by
 * `loadLaterParts` (the chat does it before opening its runtime, or before its first frame when
 * that frame shows a session). pi-tui's types are imported from the package as usual: a type
 * import loads nothing.
 */

import type * as Later from "./pi_tui_later.ts";

export { Container, CURSOR_MARKER, TUI } from "@mariozechner/pi-tui/dist/tui.js";
export { isKeyRelease, matchesKey } from "@mariozechner/pi-tui/dist/keys.js";
export { Editor } from "@mariozechner/pi-tui/dist/components/editor.js";
export { Spacer } from "@mariozechner/pi-tui/dist/components/spacer.js";
export { Text } from "@mariozechner/pi-tui/dist/components/text.js";
export { TruncatedText } from "@mariozechner/pi-tui/dist/components/truncated-text.js";
export { ProcessTerminal } from "@mariozechner/pi-tui/dist/terminal.js";
export {
  truncateToWidth,
  visibleWidth,
  wrapTextWithAnsi,
} from "@mariozechner/pi-tui/dist/utils.js";

/**
 * The later parts' module, named by a constant: Deno reads the module graph of a literal
 * `import()` with the module that holds it. The build includes it by name (`BUILD.lazyModules`).
 */
const LATER_MODULE = "./pi_tui_later.ts";

let later: typeof Later | undefined;
let loading: Promise<typeof Later> | undefined;

/** Loads pi-tui's later parts (once); `laterParts` returns them from then on. */
export function loadLaterParts(): Promise<typeof Later> {
  loading ??= import(LATER_MODULE).then((parts: typeof Later) => later = parts);
  return loading;
}

/** pi-tui's later parts; `loadLaterParts` must have settled (a bug otherwise). */
export function laterParts(): typeof Later {
  if (later === undefined) throw new Error("pi-tui's later parts used before they were loaded");
  return later;
}

/** pi-tui's later parts if they are loaded yet. */
export function laterPartsIfLoaded(): typeof Later | undefined {
  return later;
}
