/** The `read` tool: a text file's content, whole or a range of lines, bounded. */

import type { JsonSchema } from "../provider/request.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { validateArguments } from "./arguments.ts";
import { fail } from "./failure.ts";
import { splitLines } from "./lines.ts";
import { DEFAULT_OUTPUT_LIMITS, formatBytes, limitText } from "./truncation.ts";
import { MAX_TEXT_FILE_BYTES, readConfinedText } from "./text_file.ts";
import { resolveForTool } from "./workspace.ts";

interface ReadArguments {
  path: string;
  offset?: number;
  limit?: number;
}

const parameters: JsonSchema = {
  type: "object",
  properties: {
    path: { type: "string", description: "File path, relative to the workspace root." },
    offset: {
      type: "integer",
      minimum: 1,
      description: "1-based number of the first line to return. Default: 1.",
    },
    limit: {
      type: "integer",
      minimum: 1,
      description:
        "Maximum number of lines to return. Default: as many as the output limit allows.",
    },
  },
  required: ["path"],
  additionalProperties: false,
};

const description = [
  "Read a UTF-8 text file in the workspace and return its exact content (no line numbers added).",
  "Use it before editing a file, to copy exact text for `edit`.",
  `At most ${DEFAULT_OUTPUT_LIMITS.maxLines} lines or ${
    formatBytes(DEFAULT_OUTPUT_LIMITS.maxBytes)
  } are returned per call; a footer like "[lines 1–2000 of 5200; use offset=2001 to continue]"`,
  "says when there is more. Use offset and limit to read a range of a large file.",
  `Directories (use ls), binary files and files over ${
    formatBytes(MAX_TEXT_FILE_BYTES)
  } are refused (use bash for those).`,
].join(" ");

/** The `read` tool. */
export const readTool: Tool = {
  name: "read",
  description,
  parameters,
  run: read,
};

async function read(args: unknown, ctx: ToolContext): Promise<ToolResult> {
  const validated = validateArguments<ReadArguments>(parameters, args);
  if (!validated.ok) return validated;
  const { path, offset = 1, limit } = validated.value;
  const resolved = await resolveForTool(ctx, path, "read");
  if (!resolved.ok) return resolved;
  const file = await readConfinedText(ctx, resolved);
  if (!file.ok) return file;

  const lines = splitLines(file.text);
  const total = lines.length;
  const details = { path: resolved.relative, total_lines: total, size: file.size };
  if (total === 0) return { ok: true, output: "[empty file]", details };
  if (offset > total) {
    return fail(
      "invalid_arguments",
      `offset ${offset} is past the end of ${resolved.relative}, which has ${total} lines`,
      { field: "offset", ...details },
    );
  }

  const last = limit === undefined ? total : Math.min(total, offset - 1 + limit);
  const selected = lines.slice(offset - 1, last).join("");
  const limited = limitText(selected, {
    keep: "head",
    marker: (omission) => rangeFooter(offset, offset - 1 + omission.afterLine, total),
  });
  const shownLast = limited.omission ? offset - 1 + limited.omission.afterLine : last;
  const range = { ...details, first_line: offset, last_line: shownLast };
  if (limited.omission || (offset === 1 && last === total)) {
    return { ok: true, output: limited.text, details: range };
  }
  const separator = selected.endsWith("\n") ? "" : "\n";
  return {
    ok: true,
    output: selected + separator + rangeFooter(offset, last, total),
    details: range,
  };
}

/** Tells the model which lines it got and how to get the rest. */
function rangeFooter(first: number, last: number, total: number): string {
  const continuation = last < total ? `use offset=${last + 1} to continue` : "end of file";
  return `[lines ${first}–${last} of ${total}; ${continuation}]`;
}
