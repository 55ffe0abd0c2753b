/** A session and a workspace where write and edit keep snapshots, as the CLI wires them. */

import { join } from "node:path";
import type { CanonicalEvent, Envelope } from "../../src/agent/event.ts";
import { createSession, type Session } from "../../src/agent/session.ts";
import { fileSnapshots } from "../../src/agent/file_snapshots.ts";
import { undoableTools } from "../../src/agent/undoable_tools.ts";
import { FILE_TOOLS } from "../../src/tools/file_tools.ts";
import { runToolCall } from "../../src/tools/registry.ts";
import type { ToolResult } from "../../src/tools/tool.ts";
import { workspaceOnly } from "../../src/tools/workspace.ts";
import { steppingClock } from "./helpers.ts";
import type { UndoFiles } from "../../src/agent/undo.ts";
import { confinedUndoFiles } from "../../src/app/undo.ts";
import type { PixirPaths } from "../../src/config/paths.ts";

/** A tool call: the tool's name and its arguments. */
export type Call = [name: string, args: Record<string, unknown>];

/** The fixture: its folders, its session, and a way to run a turn of tool calls. */
export interface UndoFixture {
  workspace: string;
  sessionsDir: string;
  session: Session;
  /** Events the tools emitted. */
  emitted: Envelope<CanonicalEvent>[];
  /** Starts the next turn and runs `calls` in it, in order. */
  turn(calls: readonly Call[]): Promise<ToolResult[]>;
  /** The path of `name` in the workspace. */
  at(name: string): string;
  /** Undo's confined access to the workspace (the file tools' Worker), as `pixir undo` uses it. */
  files: UndoFiles;
  /** Pixir's folders for this fixture (beside the workspace). */
  paths: PixirPaths;
}

/** Runs `body` with a fresh fixture; `maxBytes` caps the snapshots. */
export async function withUndoFixture(
  body: (fixture: UndoFixture) => Promise<void>,
  maxBytes?: number,
): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pixir-undo-test-" }));
  try {
    const workspace = join(root, "ws");
    const sessionsDir = join(root, "sessions");
    await Deno.mkdir(workspace);
    const session = await createSession({
      sessionsDir,
      cwd: workspace,
      model: "gpt-test",
      effort: "low",
      version: "0.0.0-test",
      now: steppingClock(Date.UTC(2026, 10, 24, 10)),
      random: () => 0.5,
    });
    const emitted: Envelope<CanonicalEvent>[] = [];
    const snapshots = fileSnapshots({ session, emit: (e) => void emitted.push(e), maxBytes });
    const tools = undoableTools(FILE_TOOLS, snapshots, workspaceOnly(workspace));
    const signal = new AbortController().signal;
    const home = join(root, "home");
    await Deno.mkdir(home);
    const paths = { configDir: home, dataDir: home, sessionsDir };
    const files = await confinedUndoFiles(workspace, session.events, paths);
    await using _stop = { [Symbol.asyncDispose]: () => Promise.resolve(files.close()) };
    await body({
      files,
      paths,
      workspace,
      sessionsDir,
      session,
      emitted,
      at: (name) => join(workspace, name),
      async turn(calls) {
        await session.append({ type: "user_message", data: { text: "change files" } });
        const results: ToolResult[] = [];
        for (const [name, args] of calls) {
          results.push(await runToolCall(tools, name, JSON.stringify(args), { workspace, signal }));
        }
        return results;
      },
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}
