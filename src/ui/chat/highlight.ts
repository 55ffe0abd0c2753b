/**
 * A small highlighter for code blocks in answers, the same for every language: comments, strings,
 * numbers and common keywords. It works line by line, so a string or comment spanning lines is only
 * coloured on its first line; that is the price of staying small and fast while an answer streams.
 */

import type { Style } from "../style.ts";

/** Languages whose line comments start with `#` rather than `//`. */
const HASH_COMMENTS = new Set([
  "sh",
  "bash",
  "zsh",
  "shell",
  "console",
  "python",
  "py",
  "ruby",
  "rb",
  "yaml",
  "yml",
  "toml",
  "perl",
  "r",
  "make",
  "makefile",
  "dockerfile",
]);

const KEYWORDS = [
  "as",
  "async",
  "await",
  "break",
  "case",
  "class",
  "const",
  "continue",
  "def",
  "default",
  "do",
  "elif",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "fi",
  "fn",
  "for",
  "from",
  "func",
  "function",
  "if",
  "impl",
  "import",
  "in",
  "interface",
  "let",
  "match",
  "mut",
  "new",
  "nil",
  "None",
  "null",
  "pub",
  "return",
  "self",
  "struct",
  "switch",
  "then",
  "this",
  "throw",
  "True",
  "False",
  "true",
  "try",
  "type",
  "undefined",
  "use",
  "var",
  "while",
  "yield",
];

/** The token kinds a line is split into; anything else is left as it is. */
type TokenKind = "comment" | "string" | "number" | "keyword";

function tokenPattern(hashComments: boolean): RegExp {
  const comment = hashComments ? String.raw`#.*$` : String.raw`\/\/.*$|\/\*.*?\*\/`;
  const string = String.raw`"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|\x60(?:[^\x60\\]|\\.)*\x60?`;
  const number = String.raw`\b\d[\d_]*(?:\.\d+)?\b`;
  const keyword = String.raw`\b(?:${KEYWORDS.join("|")})\b`;
  return new RegExp(`(${comment})|(${string})|(${number})|(${keyword})`, "g");
}

/** The code's lines with its comments, strings, numbers and keywords styled. */
export function highlightCode(code: string, lang: string | undefined, style: Style): string[] {
  const pattern = tokenPattern(HASH_COMMENTS.has((lang ?? "").toLowerCase()));
  const paint: Record<TokenKind, (text: string) => string> = {
    comment: style.dim,
    string: style.green,
    number: style.magenta,
    keyword: style.cyan,
  };
  return code.split("\n").map((line) =>
    line.replace(pattern, (match, comment, string, number) => {
      const kind: TokenKind = comment !== undefined
        ? "comment"
        : string !== undefined
        ? "string"
        : number !== undefined
        ? "number"
        : "keyword";
      return paint[kind](match);
    })
  );
}
