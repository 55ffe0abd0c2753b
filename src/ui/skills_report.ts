/** The skills as lines of text, for `pixir skills` and the chat's `/skills`. */

import type { Skill } from "../skills/skills.ts";
import { terminalLine } from "./terminal_text.ts";

/** Where each scope of skill comes from, as the listing names it. */
const SCOPE_LABEL: Record<Skill["scope"], string> = {
  project: "project",
  user: "~/.agents",
  pixir: "pixir home",
};

/** One block per skill: its name and origin, its description, its file; a line when none. */
export function skillsReport(skills: readonly Skill[]): string {
  if (skills.length === 0) {
    return "no skills found (add .agents/skills/NAME/SKILL.md, or ~/.agents/skills/NAME/SKILL.md)\n";
  }
  return skills.map((skill) =>
    `${terminalLine(skill.name)} (${SCOPE_LABEL[skill.scope]})\n  ${
      terminalLine(skill.description)
    }\n  ${terminalLine(skill.path)}\n`
  ).join("");
}
