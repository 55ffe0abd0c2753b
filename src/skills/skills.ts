/**
 * Skills: folders holding a `SKILL.md` (the Agent Skills format), found in `.agents/skills/` from
 * the workspace up to its repository root, then in the person's `~/.agents/skills` and in Pixir's
 * own `skills` folder. The nearest skill of a name wins; the others are named in a warning. Each
 * file is read whole when the run or chat starts, so what the model later loads is exactly what
 * was listed (a file changed or swapped afterwards cannot slip in). A project's skill that links
 * outside the repository, a file over the size cap, a special file and a bad front matter are
 * skipped with a warning naming the file and the problem; nothing here throws for a bad skill.
 */

import { basename, dirname, isAbsolute, join, relative, sep } from "node:path";
import type { ParsedSkill } from "./skill_file.ts";
import { readSmallFile } from "../util/small_file.ts";

/** Where a skill was found. */
export type SkillScope = "project" | "user" | "pixir";

/** A skill as it was read at start. */
export interface Skill {
  name: string;
  description: string;
  /** The `SKILL.md` file. */
  path: string;
  scope: SkillScope;
  /** The instructions after the front matter. */
  body: string;
}

/** The skills found, and what was skipped and why. */
export interface SkillCatalog {
  skills: Skill[];
  warnings: string[];
}

/** Where to look. */
export interface SkillRoots {
  /** The workspace (a real path). */
  workspace: string;
  /** Its repository root (the workspace itself outside a repository). */
  repoRoot: string;
  /** The person's home folder, when known. */
  home?: string;
  /** Pixir's config folder. */
  configDir: string;
}

/** The largest `SKILL.md` read, in bytes. */
export const MAX_SKILL_BYTES = 256 * 1024;

/** The most skills listed; the instructions carry every one of them. */
export const MAX_SKILLS = 200;

/** The folders searched, nearest first, with the scope of what they hold. */
export function skillFolders(roots: SkillRoots): { folder: string; scope: SkillScope }[] {
  const folders: { folder: string; scope: SkillScope }[] = [];
  for (let dir = roots.workspace;; dir = dirname(dir)) {
    folders.push({ folder: join(dir, ".agents", "skills"), scope: "project" });
    if (dir === roots.repoRoot || dirname(dir) === dir) break;
  }
  if (roots.home !== undefined) {
    folders.push({ folder: join(roots.home, ".agents", "skills"), scope: "user" });
  }
  folders.push({ folder: join(roots.configDir, "skills"), scope: "pixir" });
  return folders;
}

/** Finds and reads every skill under `roots`. */
export async function discoverSkills(roots: SkillRoots): Promise<SkillCatalog> {
  const skills: Skill[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  const repoReal = await realPathOf(roots.repoRoot) ?? roots.repoRoot;
  for (const { folder, scope } of skillFolders(roots)) {
    if (seen.has(folder)) continue;
    seen.add(folder);
    for (const name of await folderNames(folder, warnings)) {
      const path = join(folder, name, "SKILL.md");
      const read = await readSkill(path, scope === "project" ? repoReal : null);
      if (read.kind === "absent") continue;
      if (read.kind === "skipped") {
        warnings.push(`${path}: skipped, ${read.problem}`);
        continue;
      }
      const parsed = await parseSkill(read.text, basename(dirname(path)));
      if (!parsed.ok) {
        warnings.push(`${path}: skipped, ${parsed.problem}`);
        continue;
      }
      const winner = skills.find((skill) => skill.name === parsed.name);
      if (winner) {
        warnings.push(`${path}: skipped, the skill ${parsed.name} of ${winner.path} comes first`);
        continue;
      }
      if (skills.length === MAX_SKILLS) {
        warnings.push(`${path}: skipped, more than ${MAX_SKILLS} skills were found`);
        continue;
      }
      skills.push({
        name: parsed.name,
        description: parsed.description,
        path,
        scope,
        body: parsed.body,
      });
    }
  }
  return { skills, warnings };
}

/**
 * Reads a skill's front matter. The YAML parser is loaded with the first skill found, so a run in
 * a workspace without skills does not pay for it at start.
 */
async function parseSkill(text: string, folderName: string): Promise<ParsedSkill> {
  const { parseSkillFile } = await import("./skill_file.ts");
  return parseSkillFile(text, folderName);
}

/** The names of the entries of `folder`, sorted; none when it is missing or not a folder. */
async function folderNames(folder: string, warnings: string[]): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      if (!entry.name.startsWith(".")) names.push(entry.name);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory)) {
      warnings.push(`${folder}: skipped, cannot list it (${messageOf(error)})`);
    }
  }
  return names.sort();
}

type SkillRead =
  | { kind: "absent" }
  | { kind: "skipped"; problem: string }
  | { kind: "read"; text: string };

/** The text of `path`; `confinedTo`: the real folder a project's skill must stay inside. */
async function readSkill(path: string, confinedTo: string | null): Promise<SkillRead> {
  try {
    const real = await Deno.realPath(path);
    if (confinedTo !== null && !isInside(real, confinedTo)) {
      return { kind: "skipped", problem: `it links outside the repository (${real})` };
    }
    const found = await readSmallFile(real, MAX_SKILL_BYTES);
    if (found.kind === "not_file") return { kind: "skipped", problem: "it is not a regular file" };
    if (found.kind === "too_large") {
      return { kind: "skipped", problem: `it is larger than ${MAX_SKILL_BYTES} bytes` };
    }
    return { kind: "read", text: found.text };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return { kind: "absent" };
    }
    return { kind: "skipped", problem: `cannot read it (${messageOf(error)})` };
  }
}

async function realPathOf(path: string): Promise<string | undefined> {
  try {
    return await Deno.realPath(path);
  } catch {
    return undefined;
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The skills a prompt names: `/name` at its very start, or `$name` anywhere after a space or at
 * the start. Only names of known skills count; each skill once, in the order first named.
 */
export function mentionedSkills(prompt: string, skills: readonly Skill[]): Skill[] {
  const names: string[] = [];
  const slash = /^\s*\/([a-z0-9-]+)(?=\s|$)/.exec(prompt);
  if (slash) names.push(slash[1]);
  for (const match of prompt.matchAll(/(?:^|\s)\$([a-z0-9-]+)(?=[\s.,;:!?)]|$)/g)) {
    names.push(match[1]);
  }
  const found: Skill[] = [];
  for (const name of names) {
    const skill = skills.find((candidate) => candidate.name === name);
    if (skill && !found.includes(skill)) found.push(skill);
  }
  return found;
}

/** The instructions' list of skills: name, description and file of each; "" without skills. */
export function skillsSection(skills: readonly Skill[]): string {
  if (skills.length === 0) return "";
  const lines = skills.map((skill) => `- ${skill.name}: ${skill.description} (${skill.path})`);
  return `Skills (load one with the skill tool when a task matches it; paths in it are relative to \
its folder):
${lines.join("\n")}`;
}
