/**
 * Locating a snippet in a text for `edit`: its exact occurrences, and when there are none, the
 * nearest miss, so the model learns why its snippet did not match.
 */

import { LineIndex, splitLines } from "./lines.ts";

/** Start offsets of the non-overlapping occurrences of `snippet` in `text` (snippet non-empty). */
export function occurrences(text: string, snippet: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(snippet); i !== -1; i = text.indexOf(snippet, i + snippet.length)) {
    found.push(i);
  }
  return found;
}

/** Why a snippet that does not occur exactly comes close. */
export type NearMiss =
  /** It occurs when all whitespace is ignored (indentation, spacing or line breaks differ). */
  | { kind: "whitespace"; line: number }
  /** Its first `matchingLines` lines occur from `line` on (ignoring indentation), then differ. */
  | { kind: "prefix"; line: number; matchingLines: number; snippetLines: number };

/** The nearest miss of `snippet` in `text`, or null when not even its first line occurs. */
export function findNearMiss(text: string, snippet: string): NearMiss | null {
  const squeezedSnippet = snippet.replace(/\s+/g, "");
  if (squeezedSnippet !== "") {
    const { squeezed, offsets } = squeezeWhitespace(text);
    const at = squeezed.indexOf(squeezedSnippet);
    if (at !== -1) return { kind: "whitespace", line: new LineIndex(text).lineAt(offsets[at]) };
  }
  return longestLinePrefix(text, snippet);
}

/** `text` without whitespace, and for each kept character its offset in `text`. */
function squeezeWhitespace(text: string): { squeezed: string; offsets: Uint32Array } {
  const offsets = new Uint32Array(text.length);
  let squeezed = "";
  let count = 0;
  for (const match of text.matchAll(/\S+/g)) {
    squeezed += match[0];
    for (let i = 0; i < match[0].length; i++) offsets[count++] = match.index + i;
  }
  return { squeezed, offsets };
}

/** Where the most leading lines of `snippet` occur in a row, compared without indentation. */
function longestLinePrefix(text: string, snippet: string): NearMiss | null {
  const wanted = splitLines(snippet).map((line) => line.trim());
  if (wanted.length === 0 || wanted[0] === "") return null;
  const lines = splitLines(text).map((line) => line.trim());
  let best = { line: 0, count: 0 };
  for (let start = 0; start < lines.length; start++) {
    let count = 0;
    while (
      count < wanted.length && start + count < lines.length &&
      lines[start + count] === wanted[count]
    ) count++;
    if (count > best.count) best = { line: start + 1, count };
  }
  if (best.count === 0) return null;
  return {
    kind: "prefix",
    line: best.line,
    matchingLines: best.count,
    snippetLines: wanted.length,
  };
}
