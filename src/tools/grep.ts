/** The `grep` tool: lines matching a regular expression, across a file or a directory tree. */

import type { JsonSchema } from "../provider/request.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { validateArguments } from "./arguments.ts";
import { fail, fsError } from "./failure.ts";
import { pathMatcher } from "./glob.ts";
import { compileLineMatcher, type ScanEnd } from "./line_matcher.ts";
import { formatBytes, limitOutput } from "./truncation.ts";
import { readConfinedBytes, readOpened } from "./text_file.ts";
import { withConfinedTree } from "./confined_file.ts";
import {
  DEFAULT_MAX_ENTRIES,
  HIDDEN_PARAMETER,
  NO_IGNORE_PARAMETER,
  shownPrefix,
  WALK_RULES,
  type WalkSummary,
  walkTree,
} from "./walk.ts";
import { resolveForTool } from "./workspace.ts";

interface GrepArguments {
  pattern: string;
  path?: string;
  glob?: string;
  ignore_case?: boolean;
  literal?: boolean;
  max_results?: number;
  hidden?: boolean;
  no_ignore?: boolean;
}

/** Matching lines reported when the model does not say. */
const DEFAULT_MAX_RESULTS = 100;

/** Files larger than this are skipped: generated bundles and data, rarely worth a regex scan. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Characters of a matching line shown; longer lines are cut to a window around the match. */
const MAX_LINE_CHARS = 300;

const parameters: JsonSchema = {
  type: "object",
  properties: {
    pattern: {
      type: "string",
      description: "JavaScript regular expression (or plain text with literal: true).",
    },
    path: {
      type: "string",
      description: "File or directory to search, relative to the workspace root. Default: root.",
    },
    glob: {
      type: "string",
      description: "Only search files matching this glob, e.g. `*.ts` or `src/**/*.{js,jsx}`.",
    },
    ignore_case: { type: "boolean", description: "Match case-insensitively. Default: false." },
    literal: {
      type: "boolean",
      description: "Treat pattern as plain text, not a regular expression. Default: false.",
    },
    max_results: {
      type: "integer",
      minimum: 1,
      description: `Stop after this many matching lines. Default: ${DEFAULT_MAX_RESULTS}.`,
    },
    hidden: HIDDEN_PARAMETER,
    no_ignore: NO_IGNORE_PARAMETER,
  },
  required: ["pattern"],
  additionalProperties: false,
};

const description = [
  "Search file contents for a JavaScript regular expression, line by line, and return matches as",
  "`path:line: text` (paths relative to the workspace root). Searches a directory recursively,",
  `in path order. ${WALK_RULES} Skips symlinks, binary files (a NUL byte) and files over`,
  `${formatBytes(MAX_FILE_BYTES)}; narrow it with path and glob. Inline flags like (?i) are not`,
  "supported: use ignore_case. Long lines are shortened around the match.",
].join(" ");

/** The `grep` tool. */
export const grepTool: Tool = {
  name: "grep",
  description,
  parameters,
  run: grep,
};

/** Files left out of a search, by reason. */
interface Skipped {
  binary: number;
  large: number;
  unreadable: number;
}

async function grep(args: unknown, ctx: ToolContext): Promise<ToolResult> {
  const validated = validateArguments<GrepArguments>(parameters, args);
  if (!validated.ok) return validated;
  const {
    pattern,
    path = ".",
    glob,
    max_results: maxResults = DEFAULT_MAX_RESULTS,
    hidden = false,
    no_ignore: noIgnore = false,
  } = validated.value;
  const compiled = compileLineMatcher(pattern, {
    literal: validated.value.literal ?? false,
    ignoreCase: validated.value.ignore_case ?? false,
  });
  if (!compiled.ok) return fail("invalid_arguments", compiled.message, { field: "pattern" });
  const { matcher } = compiled;
  const fileFilter = glob === undefined ? null : pathMatcher(glob);
  if (fileFilter && !fileFilter.ok) {
    return fail("invalid_arguments", fileFilter.message, { field: "glob" });
  }
  const root = await resolveForTool(ctx, path, "read");
  if (!root.ok) return root;

  const matches: string[] = [];
  /** Adds the matching lines of one file's bytes to `matches`. */
  const scan = (bytes: Uint8Array, shown: string): ScanEnd =>
    matcher.scan(bytes, (match) => {
      matches.push(`${shown}:${match.line}: ${clipAround(match.text, match.index)}`);
      return matches.length < maxResults;
    });
  const shownBase = shownPrefix(root.relative);

  const skipped: Skipped = { binary: 0, large: 0, unreadable: 0 };
  let summary: WalkSummary | null = null;
  try {
    if ((await Deno.stat(root.path)).isDirectory) {
      /** One buffer for every file of the search, grown to the largest file read. */
      let buffer = new Uint8Array(64 * 1024);
      summary = await withConfinedTree(ctx, (tree) =>
        walkTree(
          root.path,
          {
            maxEntries: DEFAULT_MAX_ENTRIES,
            signal: ctx.signal,
            hidden,
            noIgnore,
            list: tree.list,
          },
          (entry) => {
            if (entry.kind !== "file") return;
            if (fileFilter && !fileFilter.matches(entry.relative)) return;
            const shown = shownBase + entry.relative;
            const opened = tree.open(entry.path, shown);
            if (!opened.ok) {
              skipped.unreadable++;
              return;
            }
            const { file } = opened;
            try {
              const read = readOpened(file, null, shown, MAX_FILE_BYTES, buffer);
              if (!read.ok) {
                skipped[read.error.kind === "too_large" ? "large" : "unreadable"]++;
                return;
              }
              // A file larger than the buffer came in a new one: keep that for the next files.
              if (read.bytes.buffer !== buffer.buffer) buffer = new Uint8Array(read.bytes.buffer);
              const before = matches.length;
              const end = scan(read.bytes, shown);
              if (end === "binary") skipped.binary++;
              // Lines are shown only from a file that passes the checks on its open handle.
              if (matches.length > before && !tree.verify(file, shown).ok) {
                matches.length = before;
                skipped.unreadable++;
                return;
              }
              return end !== "stopped";
            } finally {
              file.close();
            }
          },
        ));
      if (summary.end === "aborted") return fail("aborted", "grep was aborted");
    } else {
      // A file named explicitly is searched even if the glob would leave it out.
      const read = await readConfinedBytes(ctx, root, MAX_FILE_BYTES);
      if (!read.ok) return read;
      const end = scan(read.bytes, root.relative);
      if (end === "binary") {
        return fail("binary", `${root.relative} is a binary file (it holds a NUL byte)`, {
          path: root.relative,
        });
      }
    }
  } catch (error) {
    return { ok: false, error: fsError(error, root.relative) };
  }

  const notes = footnotes(matches.length >= maxResults, maxResults, skipped, summary);
  const details = { path: root.relative, matches: matches.length, ...skipped };
  if (matches.length === 0) {
    const none = `No matches for ${JSON.stringify(pattern)} in ${root.relative}`;
    return { ok: true, output: [none, ...notes].join("\n"), details };
  }
  return { ok: true, output: [limitOutput(matches.join("\n")), ...notes].join("\n"), details };
}

/** Lines under the matches that say what the search left out. */
function footnotes(
  capped: boolean,
  maxResults: number,
  skipped: Skipped,
  summary: WalkSummary | null,
): string[] {
  const notes: string[] = [];
  if (capped) {
    notes.push(
      `[… stopped at ${maxResults} matches; more may exist: narrow path or glob, or raise max_results]`,
    );
  }
  if (summary?.end === "limit") {
    notes.push(`[search stopped after ${summary.visited} entries; narrow the path]`);
  }
  const left: string[] = [];
  if (skipped.binary > 0) left.push(`${skipped.binary} binary`);
  if (skipped.large > 0) left.push(`${skipped.large} over ${formatBytes(MAX_FILE_BYTES)}`);
  if (skipped.unreadable > 0) left.push(`${skipped.unreadable} unreadable`);
  if (left.length > 0) notes.push(`[skipped files: ${left.join(", ")}]`);
  return notes;
}

/** The line, or for a long one a window of it around the match, with ellipses where cut. */
function clipAround(line: string, index: number): string {
  if (line.length <= MAX_LINE_CHARS) return line;
  const start = Math.max(0, Math.min(index - MAX_LINE_CHARS / 4, line.length - MAX_LINE_CHARS));
  const end = start + MAX_LINE_CHARS;
  return `${start > 0 ? "…" : ""}${line.slice(start, end)}${end < line.length ? "…" : ""}`;
}
