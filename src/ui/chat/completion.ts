/**
 * What the editor completes: slash commands and their arguments (models, efforts, session ids),
 * and `@path` mentions of workspace files, listed one folder at a time.
 */

import type {
  AutocompleteItem,
  AutocompleteProvider,
  AutocompleteSuggestions,
  CombinedAutocompleteProvider,
  SlashCommand,
} from "@mariozechner/pi-tui";
import { SLASH_COMMANDS, type SlashName } from "./slash.ts";
import { laterParts, loadLaterParts } from "./pi_tui.ts";
import type * as Later from "./pi_tui_later.ts";
import { terminalLine } from "../terminal_text.ts";

/** One entry of a workspace folder. */
export interface FolderEntry {
  name: string;
  isDirectory: boolean;
}

/** Lists a workspace folder given relative to the workspace (`""` is its root); null if none. */
export type ListWorkspaceFolder = (relativeDir: string) => Promise<FolderEntry[] | null>;

/** Where the completions come from. */
export interface CompletionSources {
  listFolder: ListWorkspaceFolder;
  /** Argument values a command offers (e.g. model names for `/model`), before filtering. */
  argumentValues(command: SlashName): Promise<readonly AutocompleteItem[]>;
}

/** Most `@path` suggestions listed at once. */
const MAX_PATH_ITEMS = 30;

/** The `@…` mention being typed at the end of `textBeforeCursor`, if any. */
export function mentionPrefix(textBeforeCursor: string): string | undefined {
  return /(?:^|\s)(@[^\s@]*)$/.exec(textBeforeCursor)?.[1];
}

/**
 * The suggestions for a typed mention (`@src/ma`): entries of its folder whose names start with
 * the typed part, folders first; hidden entries only when the typed part starts with a dot.
 */
export async function pathSuggestions(
  prefix: string,
  listFolder: ListWorkspaceFolder,
): Promise<AutocompleteItem[]> {
  const typed = prefix.slice(1);
  const slash = typed.lastIndexOf("/");
  const dir = slash < 0 ? "" : typed.slice(0, slash + 1);
  const start = typed.slice(slash + 1).toLowerCase();
  const entries = await listFolder(dir);
  if (!entries) return [];
  return entries
    .filter((e) => e.name.toLowerCase().startsWith(start))
    .filter((e) => start.startsWith(".") || !e.name.startsWith("."))
    .sort((a, b) => Number(b.isDirectory) - Number(a.isDirectory) || a.name.localeCompare(b.name))
    .slice(0, MAX_PATH_ITEMS)
    .map((e) => {
      const path = `${dir}${e.name}${e.isDirectory ? "/" : ""}`;
      return { value: `@${path}`, label: e.isDirectory ? `${e.name}/` : e.name };
    });
}

/** The editor's completion provider over `sources`. */
export function chatCompletion(sources: CompletionSources): AutocompleteProvider {
  const commands: SlashCommand[] = SLASH_COMMANDS.map((spec) => ({
    name: spec.name,
    description: spec.description,
    argumentHint: spec.argument?.hint,
    ...(spec.argument
      ? {
        getArgumentCompletions: async (typed: string) => {
          const values = await sources.argumentValues(spec.name);
          const matching = values.filter((item) => item.value.startsWith(typed.trim()));
          return matching.length > 0 ? matching : null;
        },
      }
      : {}),
  }));
  // Slash commands and their arguments; its `@` search needs an external finder, so `@` is ours.
  // pi-tui's provider is loaded with the first completion asked for (see pi_tui.ts): a completion
  // is applied only once it was suggested, so by then it is there.
  let made: CombinedAutocompleteProvider | undefined;
  const provider = (parts: typeof Later) =>
    made ??= new parts.CombinedAutocompleteProvider(commands, ".", null);
  return {
    async getSuggestions(lines, cursorLine, cursorCol, options) {
      const slash = provider(await loadLaterParts());
      const before = (lines[cursorLine] ?? "").slice(0, cursorCol);
      const mention = mentionPrefix(before);
      if (mention !== undefined) {
        const items = await pathSuggestions(mention, sources.listFolder);
        return items.length > 0
          ? { items: items.map(shown), prefix: mention } satisfies AutocompleteSuggestions
          : null;
      }
      // Only slash commands: plain words are never completed as paths.
      if (!before.startsWith("/")) return null;
      const found = await slash.getSuggestions(lines, cursorLine, cursorCol, options);
      return found && { ...found, items: found.items.map(shown) };
    },
    applyCompletion: (lines, cursorLine, cursorCol, item, prefix) =>
      provider(laterParts()).applyCompletion(lines, cursorLine, cursorCol, item, prefix),
    // Tab forces a completion only for a mention (so a fast Tab after `@hel` completes it).
    shouldTriggerFileCompletion: (lines, cursorLine, cursorCol) =>
      mentionPrefix((lines[cursorLine] ?? "").slice(0, cursorCol)) !== undefined,
  };
}

/** The item with what the list shows (a file name, a session title) safe for the terminal. */
function shown(item: AutocompleteItem): AutocompleteItem {
  return {
    ...item,
    label: terminalLine(item.label),
    ...(item.description === undefined ? {} : { description: terminalLine(item.description) }),
  };
}
