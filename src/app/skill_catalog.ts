/** The skills of a workspace, found where `discoverSkills` looks from its repository root. */

import type { Io } from "../util/io.ts";
import type { PixirPaths } from "../config/paths.ts";
import { projectRoot } from "../config/project_config.ts";
import { discoverSkills, type SkillCatalog } from "../skills/skills.ts";

/** The skills for `workspace` (a real path), with the warnings about files skipped. */
export async function skillsFor(
  io: Io,
  paths: PixirPaths,
  workspace: string,
): Promise<SkillCatalog> {
  const home = io.env("HOME") ?? io.env("USERPROFILE");
  return await discoverSkills({
    workspace,
    repoRoot: await projectRoot(workspace),
    ...(home === undefined || home === "" ? {} : { home }),
    configDir: paths.configDir,
  });
}
