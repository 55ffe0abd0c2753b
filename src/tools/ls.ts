/** The `ls` tool: the entries of one directory, sorted and marked by kind. */

import type { JsonSchema } from "../provider/request.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { validateArguments } from "./arguments.ts";
import { listConfined } from "./confined_file.ts";
import { fail } from "./failure.ts";
import { limitOutput } from "./truncation.ts";
import { resolveForTool } from "./workspace.ts";

interface LsArguments {
  path?: string;
}

/** Entries listed before the rest are summarised in a marker. */
const MAX_ENTRIES = 500;

const parameters: JsonSchema = {
  type: "object",
  properties: {
    path: {
      type: "string",
      description: "Directory to list, relative to the workspace root. Default: the root.",
    },
  },
  additionalProperties: false,
};

const description = [
  "List one directory of the workspace (not recursive), sorted by name, hidden entries included.",
  "Directories end with `/`; symlinks are shown as `name -> target`.",
  `At most ${MAX_ENTRIES} entries are shown. Use find to search a tree by name.`,
].join(" ");

/** The `ls` tool. */
export const lsTool: Tool = {
  name: "ls",
  description,
  parameters,
  run: ls,
};

async function ls(args: unknown, ctx: ToolContext): Promise<ToolResult> {
  const validated = validateArguments<LsArguments>(parameters, args);
  if (!validated.ok) return validated;
  const resolved = await resolveForTool(ctx, validated.value.path ?? ".", "read");
  if (!resolved.ok) return resolved;
  const display = resolved.relative;
  const listed = await listConfined(ctx, resolved, true);
  if (!listed.ok) {
    if (listed.error.kind !== "not_directory") return listed;
    return fail("not_directory", `${display} is not a directory; use read for files`, {
      path: display,
    });
  }
  const names: string[] = [];
  const links = new Map<string, string>();
  const directories = new Set<string>();
  for (const entry of listed.entries) {
    names.push(entry.name);
    if (entry.isDirectory) directories.add(entry.name);
    if (entry.target !== undefined) links.set(entry.name, entry.target);
  }
  if (names.length === 0) {
    return { ok: true, output: `${display} is empty`, details: { path: display, entries: 0 } };
  }
  names.sort();
  const lines = names.map((name) => {
    const target = links.get(name);
    if (target !== undefined) return `${name} -> ${target}`;
    return directories.has(name) ? `${name}/` : name;
  });
  return {
    ok: true,
    output: limitOutput(lines.join("\n"), {
      maxLines: MAX_ENTRIES,
      marker: (omission) => `[… ${omission.lines} more entries not shown …]`,
    }),
    details: { path: display, entries: names.length },
  };
}
