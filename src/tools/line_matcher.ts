/**
 * Grep's matcher: finds the lines of a file's bytes that a pattern matches. Most files of a search
 * hold no match, so the work goes into ruling them out cheaply: a literal every match must contain
 * is searched for in the raw bytes (by its rarest byte, a native scan), and only the lines around a
 * hit are decoded and run through the regular expression. Patterns without such a literal decode
 * the file and look for candidates with one multiline regex pass instead of a split into lines.
 */

/** One matching line. */
export interface LineMatch {
  /** 1-based line number. */
  line: number;
  /** The line without its end (`\n` or `\r\n`). */
  text: string;
  /** Where the match starts in `text`. */
  index: number;
}

/**
 * How a scan ended: every match reported, stopped by the caller, or a binary file (skipped): one
 * with a NUL byte anywhere, as ripgrep judges files it searches recursively.
 */
export type ScanEnd = "done" | "stopped" | "binary";

/** A compiled pattern, or why it is not one. */
export type CompiledMatcher = { ok: true; matcher: LineMatcher } | { ok: false; message: string };

/** What grep asks for. */
export interface MatcherOptions {
  /** Plain text instead of a regular expression. */
  literal: boolean;
  ignoreCase: boolean;
}

/** Literals shorter than this find too many candidates to be worth a prefilter. */
const MIN_LITERAL_BYTES = 3;

/** Compiles `pattern`; an invalid regular expression is a message naming the engine's complaint. */
export function compileLineMatcher(pattern: string, options: MatcherOptions): CompiledMatcher {
  const source = options.literal ? RegExp.escape(pattern) : pattern;
  const flags = options.ignoreCase ? "i" : "";
  let line: RegExp;
  try {
    line = new RegExp(source, flags);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, message: `pattern is not a valid regular expression: ${reason}` };
  }
  const literal = options.literal ? pattern : requiredLiteral(pattern);
  const needle = literal === null ? null : byteNeedle(literal, options.ignoreCase);
  return { ok: true, matcher: new LineMatcher(line, source, flags, needle) };
}

/** Finds matching lines in a file's bytes; see the module comment. */
export class LineMatcher {
  readonly #line: RegExp;
  readonly #candidates: RegExp | null;
  readonly #needle: Needle | null;
  readonly #decoder = new TextDecoder();

  constructor(line: RegExp, source: string, flags: string, needle: Needle | null) {
    this.#line = line;
    this.#needle = needle;
    // A multiline pass finds a match start in every line that matches on its own, except where
    // an assertion looks at the line's end (`$`, lookarounds see `\r\n` or the next line).
    this.#candidates = /\$|\(\?<?[=!]/.test(source) ? null : new RegExp(source, `${flags}gm`);
  }

  /** Reports each matching line of `bytes` in order to `found`, which returns false to stop. */
  scan(bytes: Uint8Array, found: (match: LineMatch) => boolean): ScanEnd {
    return this.#needle === null
      ? this.#scanText(bytes, found)
      : this.#scanBytes(bytes, this.#needle, found);
  }

  /** Decodes only the lines holding the needle. */
  #scanBytes(bytes: Uint8Array, needle: Needle, found: (match: LineMatch) => boolean): ScanEnd {
    let hit = needle.find(bytes, 0);
    // A file without the needle is done, binary or not; only a candidate pays for the NUL scan.
    if (hit < 0) return "done";
    if (bytes.includes(0)) return "binary";
    let line = 1;
    let counted = 0;
    while (hit >= 0) {
      const start = hit === 0 ? 0 : bytes.lastIndexOf(0x0a, hit - 1) + 1;
      let end = bytes.indexOf(0x0a, hit + needle.length);
      if (end < 0) end = bytes.length;
      line += countNewlines(bytes, counted, start);
      counted = start;
      const text = stripCr(this.#decoder.decode(bytes.subarray(start, end)));
      const match = this.#line.exec(text);
      if (match !== null && !found({ line, text, index: match.index })) return "stopped";
      hit = end + 1 < bytes.length ? needle.find(bytes, end + 1) : -1;
    }
    return "done";
  }

  /** Decodes the whole file; candidates from one multiline pass, each line checked on its own. */
  #scanText(bytes: Uint8Array, found: (match: LineMatch) => boolean): ScanEnd {
    if (bytes.includes(0)) return "binary";
    const text = this.#decoder.decode(bytes);
    let line = 1;
    let counted = 0;
    let from = 0;
    while (from <= text.length) {
      let start = from;
      if (this.#candidates !== null) {
        this.#candidates.lastIndex = from;
        const candidate = this.#candidates.exec(text);
        if (candidate === null) break;
        start = candidate.index === 0 ? 0 : text.lastIndexOf("\n", candidate.index - 1) + 1;
        if (start < from) start = from;
      }
      let end = text.indexOf("\n", start);
      if (end < 0) end = text.length;
      if (start === text.length && start > 0) break; // the empty "line" after a final newline
      line += countChar(text, "\n", counted, start);
      counted = start;
      const lineText = stripCr(text.slice(start, end));
      const match = this.#line.exec(lineText);
      if (match !== null && !found({ line, text: lineText, index: match.index })) return "stopped";
      from = end + 1;
    }
    return "done";
  }
}

/** A literal to find in raw bytes, by its rarest byte. */
interface Needle {
  length: number;
  /** The first offset at or after `from` where the literal starts, or -1. */
  find(bytes: Uint8Array, from: number): number;
}

/**
 * A byte needle for `literal`, or null when a prefilter would not help: too short, or (ignoring
 * case) not ASCII, since only ASCII letters fold the same way in bytes as in the regex.
 */
function byteNeedle(literal: string, ignoreCase: boolean): Needle | null {
  const bytes = new TextEncoder().encode(ignoreCase ? literal.toLowerCase() : literal);
  if (bytes.length < MIN_LITERAL_BYTES) return null;
  if (ignoreCase && bytes.some((b) => b >= 0x80)) return null;
  let rare = 0;
  for (let i = 1; i < bytes.length; i++) if (rarity(bytes[i]) > rarity(bytes[rare])) rare = i;
  const length = bytes.length;
  const same = ignoreCase
    ? (b: number, want: number) => b === want || (isUpper(b) && b + 32 === want)
    : (b: number, want: number) => b === want;
  const rareByte = bytes[rare];
  const rareUpper = ignoreCase && isLower(rareByte) ? rareByte - 32 : -1;
  const nextRare = (haystack: Uint8Array, from: number): number => {
    const lower = haystack.indexOf(rareByte, from);
    if (rareUpper < 0) return lower;
    const upper = haystack.indexOf(rareUpper, from);
    return lower < 0 ? upper : upper < 0 ? lower : Math.min(lower, upper);
  };
  return {
    length,
    find(haystack, from) {
      for (let at = nextRare(haystack, from + rare); at >= 0; at = nextRare(haystack, at + 1)) {
        const start = at - rare;
        if (start + length > haystack.length) return -1;
        let i = 0;
        while (i < length && same(haystack[start + i], bytes[i])) i++;
        if (i === length) return start;
      }
      return -1;
    },
  };
}

/** Bytes from most to least common in source code and prose; a later one is a better anchor. */
const COMMON_BYTES = " etaoinsrlcdhupmf\n_g.y(),b;w=\"v/x-k'*:TSEA0C1RIN>{}DL";

/** How rare byte `b` is, higher is rarer: a rough rank, good enough to pick an anchor. */
function rarity(b: number): number {
  const rank = COMMON_BYTES.indexOf(String.fromCharCode(b));
  return rank < 0 ? COMMON_BYTES.length : rank;
}

function isUpper(b: number): boolean {
  return b >= 0x41 && b <= 0x5a;
}

function isLower(b: number): boolean {
  return b >= 0x61 && b <= 0x7a;
}

/** Escapes after `\` that stand for a set of characters or an assertion, not for themselves. */
const CLASS_ESCAPES = "dDwWsSbBnrtvf0cxuk123456789pP";

/** A `{n}`, `{n,}` or `{n,m}` quantifier at the start of the text. */
const BRACE_QUANTIFIER = /^\{(\d+)(?:,\d*)?\}/;

/**
 * The longest run of plain characters that every match of the regular expression `source`
 * contains, or null when none is certain. Conservative: an alternation at the top level gives
 * up, and groups, classes, escapes for sets and optional characters end a run.
 */
export function requiredLiteral(source: string): string | null {
  const runs: string[] = [];
  let run = "";
  let depth = 0;
  let afterQuantifier = false;
  const end = () => {
    if (run !== "") runs.push(run);
    run = "";
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    const quantifier = afterQuantifier;
    afterQuantifier = false;
    if (char === "\\") {
      const next = source[++i];
      if (next === undefined) return null;
      if (depth > 0) continue;
      if (CLASS_ESCAPES.includes(next) || /[a-zA-Z]/.test(next)) end();
      else run += next;
    } else if (char === "[") {
      i = classEnd(source, i);
      if (depth === 0) end();
    } else if (char === "(") {
      if (depth === 0) end();
      depth++;
    } else if (char === ")") {
      depth = Math.max(0, depth - 1);
    } else if (depth > 0) {
      continue;
    } else if (char === "|") {
      return null;
    } else if (char === "*" || char === "?") {
      // A lazy `?` after a quantifier changes nothing; otherwise the last character is optional.
      if (!(char === "?" && quantifier)) run = run.slice(0, -1);
      end();
      afterQuantifier = true;
    } else if (char === "+") {
      end();
      afterQuantifier = true;
    } else if (char === "{" && BRACE_QUANTIFIER.test(source.slice(i))) {
      const [quantified, min] = source.slice(i).match(BRACE_QUANTIFIER)!;
      if (Number(min) === 0) run = run.slice(0, -1);
      end();
      i += quantified.length - 1;
      afterQuantifier = true;
    } else if (char === "." || char === "^" || char === "$") {
      end();
    } else {
      run += char;
    }
  }
  end();
  let best: string | null = null;
  for (const candidate of runs) if (candidate.length > (best?.length ?? 0)) best = candidate;
  return best;
}

/** The index of the `]` closing the class that opens at `open` (or the end of the source). */
function classEnd(source: string, open: number): number {
  let i = open + 1;
  if (source[i] === "^") i++;
  for (; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]") return i;
  }
  return source.length;
}

function countNewlines(bytes: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a, from); at >= 0 && at < to; at = bytes.indexOf(0x0a, at + 1)) {
    count++;
  }
  return count;
}

function countChar(text: string, char: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf(char, from); at >= 0 && at < to; at = text.indexOf(char, at + 1)) {
    count++;
  }
  return count;
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
