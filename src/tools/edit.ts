/** The `edit` tool: replace an exact snippet of a file, once or everywhere, atomically. */

import type { JsonSchema } from "../provider/request.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { validateArguments } from "./arguments.ts";
import { writeConfined } from "./confined_file.ts";
import { fail } from "./failure.ts";
import { LineIndex } from "./lines.ts";
import { readConfinedText } from "./text_file.ts";
import { findNearMiss, occurrences } from "./text_match.ts";
import { resolveForTool } from "./workspace.ts";

interface EditArguments {
  path: string;
  old_text: string;
  new_text: string;
  replace_all?: boolean;
}

const parameters: JsonSchema = {
  type: "object",
  properties: {
    path: { type: "string", description: "File path, relative to the workspace root." },
    old_text: {
      type: "string",
      description:
        "Exact text to replace, including whitespace and indentation, copied from the file.",
    },
    new_text: { type: "string", description: "The text to put in its place (may be empty)." },
    replace_all: {
      type: "boolean",
      description: "Replace every occurrence instead of requiring exactly one. Default: false.",
    },
  },
  required: ["path", "old_text", "new_text"],
  additionalProperties: false,
};

const description = [
  "Replace an exact snippet of an existing text file with new text.",
  "old_text must match the file exactly (read the file first and copy it) and, unless replace_all",
  "is true, occur exactly once: include a few surrounding lines to make it unique.",
  "Fails without changing the file when old_text is missing or ambiguous, with a hint",
  "showing where a near match is. Use `write` to create a file or replace all of it.",
].join(" ");

/** The `edit` tool. */
export const editTool: Tool = {
  name: "edit",
  description,
  parameters,
  run: edit,
};

/** Line numbers listed in a summary or error before the rest are elided. */
const MAX_LISTED_LINES = 20;

async function edit(args: unknown, ctx: ToolContext): Promise<ToolResult> {
  const validated = validateArguments<EditArguments>(parameters, args);
  if (!validated.ok) return validated;
  const { path, old_text: wantedOld, new_text: wantedNew, replace_all: replaceAll } =
    validated.value;
  if (wantedOld === "") {
    return fail("invalid_arguments", "old_text must not be empty; use write to create a file", {
      field: "old_text",
    });
  }
  if (wantedOld === wantedNew) {
    return fail("invalid_arguments", "old_text and new_text are identical; nothing would change", {
      field: "new_text",
    });
  }
  const resolved = await resolveForTool(ctx, path, "write");
  if (!resolved.ok) return resolved;
  const display = resolved.relative;
  const file = await readConfinedText(ctx, resolved);
  if (!file.ok) return file;
  const { text } = file;

  const { oldText, newText, positions } = locate(text, wantedOld, wantedNew);
  if (positions.length === 0) {
    const hint = notFoundHint(text, oldText);
    return fail("not_found", `old_text was not found in ${display}. ${hint.text}`, {
      path: display,
      ...(hint.line === undefined ? {} : { line: hint.line }),
    });
  }
  if (positions.length > 1 && !replaceAll) {
    const lines = new LineIndex(text);
    const at = positions.map((offset) => lines.lineAt(offset));
    return fail(
      "not_unique",
      `old_text occurs ${positions.length} times in ${display} (lines ${listLines(at)}); ` +
        "include more surrounding lines to make it unique, or set replace_all to true",
      { path: display, count: positions.length, lines: at },
    );
  }

  const updated = splice(text, positions, oldText.length, newText);
  const written = await writeConfined(ctx, resolved, new TextEncoder().encode(updated));
  if (!written.ok) return written;
  const changed = changedRanges(updated, positions, oldText.length, newText);
  const count = positions.length === 1 ? "1 occurrence" : `${positions.length} occurrences`;
  return {
    ok: true,
    output: `Edited ${display}: replaced ${count}; ${describeRanges(changed, newText === "")}`,
    details: {
      path: display,
      replacements: positions.length,
      lines: changed,
      sha256: written.sha256,
    },
  };
}

/**
 * Finds old_text as given; if it is absent from a CRLF file and was written with bare `\n`, tries
 * it with CRLF line endings (and gives new_text the same endings), since models write `\n`.
 */
function locate(
  text: string,
  oldText: string,
  newText: string,
): { oldText: string; newText: string; positions: number[] } {
  const positions = occurrences(text, oldText);
  if (positions.length > 0 || !text.includes("\r\n") || !oldText.includes("\n")) {
    return { oldText, newText, positions };
  }
  const crlf = (s: string) => s.replace(/\r?\n/g, "\r\n");
  const crlfPositions = occurrences(text, crlf(oldText));
  if (crlfPositions.length === 0) return { oldText, newText, positions };
  return { oldText: crlf(oldText), newText: crlf(newText), positions: crlfPositions };
}

/** A sentence telling the model how close old_text came, and the line to look at. */
function notFoundHint(text: string, oldText: string): { text: string; line?: number } {
  const miss = findNearMiss(text, oldText);
  if (miss === null) {
    return { text: "No line of the file matches its first line; read the file and copy the text." };
  }
  if (miss.kind === "whitespace") {
    return {
      text: `It matches near line ${miss.line} if whitespace is ignored: indentation, spacing or ` +
        "line breaks differ. Read that part of the file and copy it exactly.",
      line: miss.line,
    };
  }
  const differs = miss.line + miss.matchingLines;
  return {
    text: `Its first ${miss.matchingLines} of ${miss.snippetLines} lines match from line ` +
      `${miss.line} (ignoring indentation), but line ${differs} differs. Read that part of the ` +
      "file and copy it exactly.",
    line: differs,
  };
}

/** `text` with the `length` characters at each of `positions` replaced by `replacement`. */
function splice(text: string, positions: number[], length: number, replacement: string): string {
  let out = "";
  let copied = 0;
  for (const position of positions) {
    out += text.slice(copied, position) + replacement;
    copied = position + length;
  }
  return out + text.slice(copied);
}

/** The 1-based line ranges that the replacement text occupies in the updated file. */
function changedRanges(
  updated: string,
  positions: number[],
  oldLength: number,
  newText: string,
): Array<[number, number]> {
  const lines = new LineIndex(updated);
  const newlines = newText.split("\n").length - 1;
  const spanned = newText.endsWith("\n") ? Math.max(0, newlines - 1) : newlines;
  return positions.map((offset, index) => {
    const first = lines.lineAt(offset + index * (newText.length - oldLength));
    return [first, first + spanned];
  });
}

/** "now lines 3–5, 9–11", or for a deletion "removed at line 3". */
function describeRanges(ranges: Array<[number, number]>, deleted: boolean): string {
  // Several replacements on one line name it once.
  const labels = [
    ...new Set(ranges.map(([first, last]) => (first === last ? `${first}` : `${first}–${last}`))),
  ];
  const shown = labels.slice(0, MAX_LISTED_LINES);
  const more = labels.length > shown.length ? `, … (${labels.length - shown.length} more)` : "";
  const noun = labels.length === 1 && !labels[0].includes("–") ? "line" : "lines";
  return `${deleted ? "removed at" : "now"} ${noun} ${shown.join(", ")}${more}`;
}

function listLines(lines: number[]): string {
  const shown = lines.slice(0, MAX_LISTED_LINES).join(", ");
  return lines.length > MAX_LISTED_LINES ? `${shown}, …` : shown;
}
