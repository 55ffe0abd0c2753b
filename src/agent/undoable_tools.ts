/**
 * The file tools that change files (`write`, `edit`), wrapped so each change is snapshotted before
 * it happens and its result recorded after. Other tools pass through unchanged. Shell commands are
 * not covered: what a command changes cannot be known before it runs.
 */

import type { FileAccess, Tool, ToolContext, ToolResult } from "../tools/tool.ts";
import { fail } from "../tools/failure.ts";
import { resolveForTool } from "../tools/workspace.ts";
import type { FileSnapshots } from "./file_snapshots.ts";

/** The tools whose changes can be undone. */
export const UNDOABLE_TOOLS: ReadonlySet<string> = new Set(["write", "edit"]);

/** `tools` where `write` and `edit` keep the previous state of the file they change. */
export function undoableTools(
  tools: readonly Tool[],
  snapshots: FileSnapshots,
  access: FileAccess,
): Tool[] {
  return tools.map((tool) =>
    UNDOABLE_TOOLS.has(tool.name)
      ? { ...tool, run: (args, ctx) => runKept(tool, args, { ...ctx, access }, snapshots) }
      : tool
  );
}

async function runKept(
  tool: Tool,
  args: unknown,
  ctx: ToolContext,
  snapshots: FileSnapshots,
): Promise<ToolResult> {
  const path = pathArgument(args);
  // A path that does not resolve is refused by the tool itself, with its own message.
  const resolved = path === undefined ? undefined : await resolveForTool(ctx, path, "write");
  if (resolved === undefined || !resolved.ok) return await tool.run(args, ctx);
  try {
    await snapshots.beforeChange(resolved.path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(
      "io",
      `Not changed: could not keep a copy of ${resolved.relative} for undo: ${reason}`,
    );
  }
  const result = await tool.run(args, ctx);
  if (result.ok) {
    // The change is made; failing to record it only means undo will not restore this file.
    await snapshots.afterChange(resolved.path).catch(() => undefined);
  }
  return result;
}

function pathArgument(args: unknown): string | undefined {
  if (typeof args !== "object" || args === null || !("path" in args)) return undefined;
  return typeof args.path === "string" ? args.path : undefined;
}
