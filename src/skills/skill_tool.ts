/**
 * The `skill` tool: the model loads a listed skill's instructions by name (the list in the
 * instructions carries only names and descriptions). It returns the text read when the run
 * started; it takes no path, so it reaches nothing but the listed files. What a skill tells the
 * model to run goes through the other tools and their policy like anything else.
 */

import { dirname } from "node:path";
import { validateArguments } from "../tools/arguments.ts";
import { fail } from "../tools/failure.ts";
import type { Tool } from "../tools/tool.ts";
import type { Skill } from "./skills.ts";

/** The name the model calls the tool by. */
export const SKILL_TOOL_NAME = "skill";

/** A skill's instructions as the model reads them, marked with its name and folder. */
export function skillText(skill: Skill): string {
  return `Skill ${skill.name} (folder ${dirname(skill.path)}):\n\n${skill.body}`;
}

/** The `skill` tool over the skills found at start. */
export function createSkillTool(skills: readonly Skill[]): Tool {
  const parameters = {
    type: "object" as const,
    properties: { name: { type: "string" as const } },
    required: ["name"],
    additionalProperties: false,
  };
  return {
    name: SKILL_TOOL_NAME,
    description: "Load the instructions of a listed skill by name.",
    parameters,
    run(args) {
      const checked = validateArguments<{ name: string }>(parameters, args);
      if (!checked.ok) return Promise.resolve({ ok: false, error: checked.error });
      const skill = skills.find((candidate) => candidate.name === checked.value.name);
      if (skill === undefined) {
        return Promise.resolve(
          fail("not_found", `There is no skill named ${JSON.stringify(checked.value.name)}.`, {
            available: skills.map((candidate) => candidate.name),
          }),
        );
      }
      return Promise.resolve({ ok: true, output: skillText(skill) });
    },
  };
}
