/** Fixtures for tool tests: a workspace with a sibling directory outside it, and result checks. */

import assert from "node:assert/strict";
import { join } from "node:path";
import type { ToolContext, ToolError, ToolErrorKind, ToolResult } from "../../src/tools/tool.ts";
import { tempWorkspace } from "../harness/workspace.ts";

/** A temporary tree: `ws` is the workspace, `outside` a sibling it must not reach. */
export interface Sandbox extends AsyncDisposable {
  /** Real path of the parent of `ws` and `outside`. */
  root: string;
  ws: string;
  outside: string;
  /** A tool context for the workspace, with a signal that is never aborted unless given. */
  ctx(signal?: AbortSignal): ToolContext;
}

/**
 * Makes `ws/` and `outside/` in a fresh temporary directory, seeded with `files` whose paths
 * start with `ws/` or `outside/`.
 */
export async function sandbox(files: Readonly<Record<string, string>> = {}): Promise<Sandbox> {
  const dir = await tempWorkspace(files);
  const ws = join(dir.path, "ws");
  const outside = join(dir.path, "outside");
  await Deno.mkdir(ws, { recursive: true });
  await Deno.mkdir(outside, { recursive: true });
  return {
    root: dir.path,
    ws,
    outside,
    ctx: (signal = new AbortController().signal) => ({ workspace: ws, signal }),
    [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose](),
  };
}

/** The output of a successful result; fails the test with the error otherwise. */
export function okOutput(result: ToolResult): string {
  if (!result.ok) assert.fail(`expected success, got ${JSON.stringify(result.error)}`);
  return result.output;
}

/** The error of a failed result, checked to be of `kind`. */
export function failure(result: ToolResult, kind: ToolErrorKind): ToolError {
  if (result.ok) assert.fail(`expected ${kind}, got success: ${result.output}`);
  assert.equal(result.error.kind, kind, result.error.message);
  return result.error;
}

/** True when something exists at `path` (a dangling symlink counts). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}
