/** The `find` tool: paths in the workspace whose names match a glob. */

import type { JsonSchema } from "../provider/request.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { validateArguments } from "./arguments.ts";
import { fail, fsError } from "./failure.ts";
import { pathMatcher } from "./glob.ts";
import { limitOutput } from "./truncation.ts";
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
import { withConfinedTree } from "./confined_file.ts";

interface FindArguments {
  pattern: string;
  path?: string;
  hidden?: boolean;
  no_ignore?: boolean;
}

/** Paths returned before the rest are summarised in a marker. */
const MAX_RESULTS = 1000;

const parameters: JsonSchema = {
  type: "object",
  properties: {
    pattern: {
      type: "string",
      description: "Glob such as `*.ts`, `src/**/*_test.ts` or `{README,CHANGELOG}.md`.",
    },
    path: {
      type: "string",
      description: "Directory to search, relative to the workspace root. Default: the root.",
    },
    hidden: HIDDEN_PARAMETER,
    no_ignore: NO_IGNORE_PARAMETER,
  },
  required: ["pattern"],
  additionalProperties: false,
};

const description = [
  "Find files and directories by name with a glob: `*` and `?` within a name, `**` across",
  "directories, `[abc]`, `{a,b}`. A pattern without `/` matches names at any depth (`*.ts`);",
  "a pattern with `/` matches the whole path relative to `path` (`src/**/*.ts`).",
  "Returns sorted paths relative to the workspace root, directories ending with `/`.",
  WALK_RULES,
  `At most ${MAX_RESULTS} paths are returned. Use grep to search contents.`,
].join(" ");

/** The `find` tool. */
export const findTool: Tool = {
  name: "find",
  description,
  parameters,
  run: find,
};

async function find(args: unknown, ctx: ToolContext): Promise<ToolResult> {
  const validated = validateArguments<FindArguments>(parameters, args);
  if (!validated.ok) return validated;
  const { pattern, path = ".", hidden = false, no_ignore: noIgnore = false } = validated.value;
  const matcher = pathMatcher(pattern);
  if (!matcher.ok) return fail("invalid_arguments", matcher.message, { field: "pattern" });
  const root = await resolveForTool(ctx, path, "read");
  if (!root.ok) return root;

  const found: string[] = [];
  const shownBase = shownPrefix(root.relative);
  let summary: WalkSummary;
  try {
    summary = await withConfinedTree(ctx, (tree) =>
      walkTree(
        root.path,
        { maxEntries: DEFAULT_MAX_ENTRIES, signal: ctx.signal, hidden, noIgnore, list: tree.list },
        (entry) => {
          if (!matcher.matches(entry.relative)) return;
          const shown = shownBase + entry.relative;
          found.push(entry.kind === "directory" ? `${shown}/` : shown);
        },
      ));
  } catch (error) {
    if (error instanceof Deno.errors.NotADirectory) {
      return fail("not_directory", `${root.relative} is not a directory`, { path: root.relative });
    }
    return { ok: false, error: fsError(error, root.relative) };
  }
  if (summary.end === "aborted") return fail("aborted", "find was aborted");

  const notes: string[] = [];
  if (summary.end === "limit") {
    notes.push(
      `[search stopped after ${summary.visited} entries; results are incomplete, narrow the path]`,
    );
  }
  if (summary.unreadable > 0) notes.push(`[${summary.unreadable} directories could not be read]`);
  const details = { path: root.relative, matches: found.length, visited: summary.visited };
  if (found.length === 0) {
    const none = `No paths under ${root.relative} match ${JSON.stringify(pattern)}`;
    return { ok: true, output: [none, ...notes].join("\n"), details };
  }
  found.sort();
  const listing = limitOutput(found.join("\n"), {
    maxLines: MAX_RESULTS,
    marker: (omission) =>
      `[… ${omission.lines} more matches not shown; narrow the pattern or path …]`,
  });
  return { ok: true, output: [listing, ...notes].join("\n"), details };
}
