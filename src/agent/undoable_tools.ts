/**
 * The file tools that change files (`write`, `edit`), wrapped so each change is snapshotted before
 * it happens and its result recorded after. Other tools pass through unchanged. Shell commands are
 * not covered: what a command changes cannot be known before it runs.
 */

import type { FileAccess, Tool, ToolContext, ToolResult } from "../tools/tool.ts";
import { fail } from "../tools/failure.ts";
import { type ReadPriorState, readPriorState } from "../tools/prior_state.ts";
import type { FileSnapshots } from "./file_snapshots.ts";

/** The tools whose changes can be undone. */
export const UNDOABLE_TOOLS: ReadonlySet<string> = new Set(["write", "edit"]);

/**
 * `tools` where `write` and `edit` keep the previous state of the file they change. `readPrior`
 * reads that state where the tools run (their Worker); by default, in this process.
 */
export function undoableTools(
  tools: readonly Tool[],
  snapshots: FileSnapshots,
  access: FileAccess,
  readPrior?: ReadPriorState,
): Tool[] {
  return tools.map((tool) =>
    UNDOABLE_TOOLS.has(tool.name)
      ? {
        ...tool,
        run: (args, ctx) => {
          const scoped = { ...ctx, access };
          const read = readPrior ??
            ((path, maxBytes) => readPriorState(scoped, path, maxBytes));
          return runKept(tool, args, scoped, snapshots, read);
        },
      }
      : tool
  );
}

async function runKept(
  tool: Tool,
  args: unknown,
  ctx: ToolContext,
  snapshots: FileSnapshots,
  readPrior: ReadPriorState,
): Promise<ToolResult> {
  const path = pathArgument(args);
  if (path === undefined) return await tool.run(args, ctx);
  // A path the tool would refuse (outside the roots, a FIFO, Pixir's files) is refused here, with
  // the same reason, before anything is kept or changed.
  const prior = await readPrior(path, snapshots.maxBytes);
  if (!prior.ok) return prior;
  try {
    await snapshots.beforeChange(prior.path, prior.state);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(
      "io",
      `Not changed: could not keep a copy of ${prior.relative} for undo: ${reason}`,
    );
  }
  const result = await tool.run(args, ctx);
  const sha256 = result.ok ? result.details?.sha256 : undefined;
  if (typeof sha256 === "string") {
    // The change is made; failing to record it only means undo will not restore this file.
    await snapshots.afterChange(prior.path, sha256).catch(() => undefined);
  }
  return result;
}

function pathArgument(args: unknown): string | undefined {
  if (typeof args !== "object" || args === null || !("path" in args)) return undefined;
  return typeof args.path === "string" ? args.path : undefined;
}
