/**
 * One `SKILL.md`: YAML front matter between `---` lines, then the instructions. The front matter
 * must name the skill (lowercase letters, digits and single hyphens, at most 64 characters, the
 * same as its folder) and describe it (at most 1024 characters); other keys are allowed and left
 * alone. A file that breaks a rule is refused with the rule it broke.
 */

import { parse } from "yaml";

/** The longest name a skill may have. */
export const MAX_NAME_LENGTH = 64;

/** The longest description a skill may have. */
export const MAX_DESCRIPTION_LENGTH = 1024;

/** A skill's front matter and body, or the problem with its file. */
export type ParsedSkill =
  | { ok: true; name: string; description: string; body: string }
  | { ok: false; problem: string };

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Reads the text of a `SKILL.md` found in folder `folderName`. */
export function parseSkillFile(text: string, folderName: string): ParsedSkill {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!match) {
    return { ok: false, problem: "it does not start with YAML front matter between --- lines" };
  }
  let front: unknown;
  try {
    front = parse(match[1]);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ok: false, problem: `its front matter is not valid YAML (${reason})` };
  }
  if (typeof front !== "object" || front === null || Array.isArray(front)) {
    return { ok: false, problem: "its front matter is not a mapping of keys to values" };
  }
  const { name, description } = front as Record<string, unknown>;
  if (typeof name !== "string" || name === "") {
    return { ok: false, problem: "its front matter has no `name`" };
  }
  if (name.length > MAX_NAME_LENGTH || !NAME.test(name)) {
    return {
      ok: false,
      problem: `its name ${JSON.stringify(name)} must be lowercase letters, digits and single ` +
        `hyphens, at most ${MAX_NAME_LENGTH} characters`,
    };
  }
  if (name !== folderName) {
    return { ok: false, problem: `its name ${name} differs from its folder's (${folderName})` };
  }
  if (typeof description !== "string" || description.trim() === "") {
    return { ok: false, problem: "its front matter has no `description`" };
  }
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    return {
      ok: false,
      problem: `its description is longer than ${MAX_DESCRIPTION_LENGTH} characters`,
    };
  }
  return {
    ok: true,
    name,
    description: description.trim().replace(/\s+/g, " "),
    body: text.slice(match[0].length).trim(),
  };
}
