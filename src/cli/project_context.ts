/** The project context of a run as the CLI loads it: skipped with `--no-context`, warnings on stderr. */

import type { Io } from "../util/io.ts";
import { type ContextFile, denoContextFs, loadProjectContext } from "../agent/project_context.ts";

/** The `AGENTS.md` files for `workspace`, or none when `enabled` is false. */
export async function projectContextFor(
  io: Io,
  configDir: string,
  workspace: string,
  enabled: boolean,
): Promise<ContextFile[]> {
  if (!enabled) return [];
  const context = await loadProjectContext({ configDir, workspace, fs: denoContextFs });
  for (const warning of context.warnings) await io.stderr.write(`pixir: warning: ${warning}\n`);
  return context.files;
}
