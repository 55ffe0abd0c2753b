/** The chat's look: pi-tui themes for markdown, the editor and completion lists, from one Style. */

import type { EditorTheme, MarkdownTheme, SelectListTheme } from "@mariozechner/pi-tui";
import type { Style } from "../style.ts";
import { highlightCode } from "./highlight.ts";

/** Everything the chat's components colour, derived from a Style (plain when colour is off). */
export interface ChatTheme {
  style: Style;
  markdown: MarkdownTheme;
  editor: EditorTheme;
}

/** The chat theme for `style`; with colour off every part is plain text. */
export function chatTheme(style: Style): ChatTheme {
  const selectList: SelectListTheme = {
    selectedPrefix: style.cyan,
    selectedText: style.bold,
    description: style.dim,
    scrollInfo: style.dim,
    noMatch: style.dim,
  };
  return {
    style,
    markdown: {
      heading: (text) => style.bold(style.cyan(text)),
      link: style.underline,
      linkUrl: style.dim,
      code: style.yellow,
      codeBlock: style.green,
      codeBlockBorder: style.dim,
      quote: style.italic,
      quoteBorder: style.dim,
      hr: style.dim,
      listBullet: style.cyan,
      bold: style.bold,
      italic: style.italic,
      strikethrough: style.strikethrough,
      underline: style.underline,
      highlightCode: (code, lang) => highlightCode(code, lang, style),
    },
    editor: { borderColor: style.dim, selectList },
  };
}
