/**
 * Glob patterns for find and grep: `**` (any number of directories), `*`, `?`, `[abc]`/`[!abc]`,
 * `{a,b}` (nestable), and `\` to escape. Paths use `/` between segments; wildcards never match `/`.
 */

/** A compiled glob, or why the pattern is not one. */
export type CompiledGlob = { ok: true; regex: RegExp } | { ok: false; message: string };

/** A predicate over `/`-separated relative paths, or why the pattern is not one. */
export type PathMatcher =
  | { ok: true; matches: (relativePath: string) => boolean }
  | { ok: false; message: string };

/** Compiles `pattern` to a RegExp that must match a whole `/`-separated path. */
export function compileGlob(pattern: string): CompiledGlob {
  const source = new GlobParser(pattern).parse();
  try {
    return { ok: true, regex: new RegExp(`^${source}$`, "u") };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `invalid glob ${JSON.stringify(pattern)}: ${reason}` };
  }
}

/**
 * How find and grep apply a glob: a pattern containing `/` must match the whole path relative to
 * the search root (a leading `./` or `/` anchors it there); a pattern without `/` matches the last
 * segment at any depth, so `*.ts` finds TypeScript files everywhere.
 */
export function pathMatcher(pattern: string): PathMatcher {
  const anchored = pattern.replace(/^(?:\.\/|\/)+/, "");
  const compiled = compileGlob(anchored);
  if (!compiled.ok) return compiled;
  const { regex } = compiled;
  if (anchored.includes("/")) return { ok: true, matches: (path) => regex.test(path) };
  return { ok: true, matches: (path) => regex.test(path.slice(path.lastIndexOf("/") + 1)) };
}

/** Characters with a meaning in a `u`-mode RegExp outside a class. */
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/;

/** Characters escaped inside a RegExp class. */
const CLASS_SYNTAX = /[\\\]^[-]/;

/** Recursive-descent translation of a glob into RegExp source. */
class GlobParser {
  readonly #src: string;
  #pos = 0;
  /** Positions of `{` known to have no matching `}`, so a failed brace is never re-parsed. */
  readonly #unclosed = new Set<number>();

  constructor(src: string) {
    this.#src = src;
  }

  parse(): string {
    return this.#sequence(false);
  }

  /** Translates until the end, or inside braces until a top-level `,` or `}`. */
  #sequence(inBraces: boolean): string {
    let out = "";
    while (this.#pos < this.#src.length) {
      const char = this.#src[this.#pos];
      if (inBraces && (char === "," || char === "}")) break;
      if (char === "\\" && this.#pos + 1 < this.#src.length) {
        out += escapeChar(this.#src[this.#pos + 1], REGEX_SYNTAX);
        this.#pos += 2;
      } else if (char === "*") {
        out += this.#star();
      } else if (char === "?") {
        out += "[^/]";
        this.#pos++;
      } else if (char === "[") {
        out += this.#charClass() ?? this.#literal();
      } else if (char === "{") {
        out += this.#braces() ?? this.#literal();
      } else {
        out += this.#literal();
      }
    }
    return out;
  }

  #literal(): string {
    return escapeChar(this.#src[this.#pos++], REGEX_SYNTAX);
  }

  /** `*` within a segment; `**` as a whole segment crosses directories (`**\/` may match none). */
  #star(): string {
    const src = this.#src;
    const start = this.#pos;
    if (src[start + 1] !== "*") {
      this.#pos++;
      return "[^/]*";
    }
    let end = start;
    while (src[end] === "*") end++;
    this.#pos = end;
    const atSegmentStart = start === 0 || "/{,".includes(src[start - 1]);
    const next = src[end];
    if (!atSegmentStart || (next !== undefined && !"/},".includes(next))) return "[^/]*";
    if (next === "/") {
      this.#pos++;
      return "(?:.*/)?";
    }
    return ".*";
  }

  /** `[abc]`, `[a-z]`, `[!abc]` or `[^abc]`; null when there is no closing `]`. */
  #charClass(): string | null {
    const src = this.#src;
    let j = this.#pos + 1;
    const negate = src[j] === "!" || src[j] === "^";
    if (negate) j++;
    let body = "";
    for (let first = true; j < src.length && (src[j] !== "]" || first); j++, first = false) {
      let char = src[j];
      if (char === "\\" && j + 1 < src.length) char = src[++j];
      else if (char === "-" && !first && j + 1 < src.length && src[j + 1] !== "]") {
        body += "-";
        continue;
      }
      body += escapeChar(char, CLASS_SYNTAX);
    }
    if (j >= src.length) return null;
    this.#pos = j + 1;
    return negate ? `[^/${body}]` : `(?!/)[${body}]`;
  }

  /** `{a,b,…}` as an alternation; null when the brace is never closed. */
  #braces(): string | null {
    const start = this.#pos;
    if (this.#unclosed.has(start)) return null;
    this.#pos++;
    const alternatives: string[] = [];
    for (;;) {
      alternatives.push(this.#sequence(true));
      const char = this.#src[this.#pos];
      if (char === "}") {
        this.#pos++;
        return `(?:${alternatives.join("|")})`;
      }
      if (char === ",") {
        this.#pos++;
        continue;
      }
      this.#unclosed.add(start);
      this.#pos = start;
      return null;
    }
  }
}

function escapeChar(char: string, syntax: RegExp): string {
  return syntax.test(char) ? `\\${char}` : char;
}
