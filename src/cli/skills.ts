/** `pixir skills`: the skills a run in this workspace would list, with where each came from. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { EXIT } from "./failure.ts";
import { pathsFrom, resolveWorkspace } from "./inputs.ts";
import { skillsFor } from "../app/skill_catalog.ts";
import { skillsReport } from "../ui/skills_report.ts";

const FLAGS = { json: { type: "boolean" } } as const;

/** The `skills` command. */
export const skillsCommand: Command = {
  name: "skills",
  summary: "list the skills the model can load here, and where each came from",
  help: `Usage: pixir skills [--json] [PATH]

A skill is a folder holding a SKILL.md (YAML front matter with name and description, then
instructions). Pixir looks in .agents/skills/ from the workspace (PATH, default: the current
directory) up to its repository root, then in ~/.agents/skills and in the skills folder of Pixir's
config folder; the nearest skill of a name wins. The model sees each skill's name, description and
path, and loads one when a task matches; a prompt loads one up front by naming it as $name (or
/name at its start). A file that cannot be used is skipped with a warning on stderr.

Flags:
      --json           print {v, skills: [{name, description, path, scope}], warnings: [...]}
  -h, --help           show this help

Examples:
  pixir skills
  pixir run '$release-notes for v2.1'
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(skillsCommand, argv, FLAGS, { max: 1 });
    const workspace = await resolveWorkspace(positionals[0] ?? ".", io.cwd);
    const { skills, warnings } = await skillsFor(io, pathsFrom(io), workspace);
    if (values.json) {
      const listed = skills.map(({ name, description, path, scope }) => ({
        name,
        description,
        path,
        scope,
      }));
      await io.stdout.write(JSON.stringify({ v: 1, skills: listed, warnings }) + "\n");
      return EXIT.ok;
    }
    for (const warning of warnings) await io.stderr.write(`pixir: warning: ${warning}\n`);
    await io.stdout.write(skillsReport(skills));
    return EXIT.ok;
  },
};
