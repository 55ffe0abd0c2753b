/** The project context of a session: skipped with `--no-context`, problems reported as warnings. */

import { type ContextFile, denoContextFs, loadProjectContext } from "../agent/project_context.ts";

/** The `AGENTS.md` files for `workspace`, or none when `enabled` is false. */
export async function projectContextFor(
  configDir: string,
  workspace: string,
  enabled: boolean,
  warn: (message: string) => void | Promise<void>,
): Promise<ContextFile[]> {
  if (!enabled) return [];
  const context = await loadProjectContext({ configDir, workspace, fs: denoContextFs });
  for (const warning of context.warnings) await warn(warning);
  return context.files;
}
