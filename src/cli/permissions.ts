/**
 * `pixir permissions`: what is saved for a workspace — its policy and the command prefixes
 * approved "always" — listed, removed one by one, or the policy replaced.
 */

import { terminalLine } from "../ui/terminal_text.ts";
import type { Command } from "./command.ts";
import { parseFlags, usageHint } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom, resolveWorkspace } from "./inputs.ts";
import type { Io } from "../util/io.ts";
import { POLICY_FLAGS_HELP, splitPolicyFlags } from "./policy_flags.ts";
import {
  loadPermissions,
  type PermissionsFile,
  PermissionsFileError,
  permissionsFilePath,
  permissionsOf,
  removeRule,
  savePolicy,
} from "../config/permissions_file.ts";
import { DEFAULT_POLICY, describePolicy, mergePolicy, type PolicyPatch } from "../policy/policy.ts";
import { parseRule } from "../policy/rule.ts";

const FLAGS = {
  json: { type: "boolean" },
  all: { type: "boolean" },
  cwd: { type: "string", short: "C" },
} as const;

/** The `permissions` command. */
export const permissionsCommand: Command = {
  name: "permissions",
  summary: 'list or remove what this workspace allows (saved policy, "always" commands)',
  help: `Usage: pixir permissions [--all] [--json] [--cwd DIR]
       pixir permissions remove "RULE" [--cwd DIR]
       pixir permissions set [permission flags] [--cwd DIR]

Lists what is saved for the workspace: its policy (applied to every run there, before the flags
of the run) and the rules approved "always" at a prompt. A rule is the whole command a person
approved (\`rm -rf build\`, \`echo done > build/out.log\`); it allows commands whose words start
with its words and whose redirections are exactly its own. \`remove\` forgets one rule (quote it
as one argument); \`set\` replaces the saved policy with the given flags (no flags: clear it).
Everything is kept in permissions.json in Pixir's config folder, which no tool can read or write.

Flags:
      --all            every workspace
      --json           print JSON: {file, workspaces: {PATH: {policy, always}}}
  -C, --cwd DIR        the workspace (default: the current directory)
  -h, --help           show this help
Permission flags of \`set\`:
${POLICY_FLAGS_HELP}
Examples:
  pixir permissions
  pixir permissions remove "rm -rf build"
  pixir permissions set --allow-run=npm,git --deny-net
`,
  async run(argv, io) {
    const [action, ...rest] = argv;
    try {
      if (action === "remove") return await remove(rest, io);
      if (action === "set") return await set(rest, io);
      return await list(argv, io);
    } catch (error) {
      if (error instanceof PermissionsFileError) throw new CliFailure("usage", error.message);
      throw error;
    }
  },
};

async function list(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(permissionsCommand, argv, FLAGS, { max: Infinity });
  if (positionals.length > 0) {
    throw new CliFailure("usage", `permissions: unknown action "${positionals[0]}"`, {
      hint: usageHint(permissionsCommand),
    });
  }
  const file = permissionsFilePath(pathsFrom(io));
  const saved = await loadPermissions(file);
  const workspace = values.all ? undefined : await resolveWorkspace(values.cwd ?? ".", io.cwd);
  const shown: PermissionsFile["workspaces"] = workspace === undefined
    ? saved.workspaces
    : { [workspace]: permissionsOf(saved, workspace) };
  if (values.json) {
    await io.stdout.write(`${JSON.stringify({ file, workspaces: shown })}\n`);
    return EXIT.ok;
  }
  const blocks = Object.entries(shown).map(([path, entry]) => {
    // Nothing saved means the defaults, not a flag someone chose.
    const policy = Object.keys(entry.policy).length === 0
      ? "(none saved: the defaults apply)"
      : describePolicy(mergePolicy(DEFAULT_POLICY, entry.policy)).join(" ");
    const always = entry.always.length === 0
      ? "  always: (none)"
      : `  always:\n${
        entry.always.map((rule) => `    ${terminalLine(rule)}${ruleNote(rule)}`).join("\n")
      }`;
    const retired = (entry.retired ?? []).length === 0
      ? ""
      : `\n  retired, not applied:\n${
        (entry.retired ?? []).map((rule) =>
          `    ${terminalLine(rule)}   (saved by an earlier Pixir; it would allow every ${
            terminalLine(rule)
          } command)`
        ).join("\n")
      }`;
    return `${terminalLine(path)}\n  policy: ${policy}\n${always}${retired}\n`;
  });
  await io.stdout.write(blocks.length === 0 ? "nothing saved\n" : blocks.join("\n"));
  await io.stderr.write(`(saved in ${file})\n`);
  return EXIT.ok;
}

/**
 * A remark after a rule that can never allow anything (not one plain command), or that allows a
 * whole program (a one-word rule, as earlier versions saved them: `rm` allows every `rm …`).
 */
function ruleNote(rule: string): string {
  const parsed = parseRule(rule);
  if (parsed === null) return "   (matches nothing: not one plain command)";
  if (parsed.words.length === 1 && parsed.redirects.length === 0) {
    return `   (allows every ${parsed.words[0]} command)`;
  }
  return "";
}

async function remove(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(permissionsCommand, argv, { cwd: FLAGS.cwd }, {
    max: Infinity,
  });
  const prefix = positionals.join(" ").trim();
  if (prefix === "") throw new CliFailure("usage", "permissions remove: which rule?");
  const workspace = await resolveWorkspace(values.cwd ?? ".", io.cwd);
  const removed = await removeRule(permissionsFilePath(pathsFrom(io)), workspace, prefix);
  if (!removed) {
    throw new CliFailure("usage", `permissions remove: "${prefix}" is not saved for ${workspace}`, {
      hint: "see `pixir permissions` for what is saved",
    });
  }
  await io.stderr.write(`removed "${prefix}" for ${workspace}\n`);
  return EXIT.ok;
}

async function set(argv: string[], io: Io): Promise<number> {
  const { patch, rest } = splitPolicyFlags("permissions set", argv, io.cwd);
  const { values } = parseFlags(permissionsCommand, rest, { cwd: FLAGS.cwd });
  const workspace = await resolveWorkspace(values.cwd ?? ".", io.cwd);
  // -A is saved as what it means, so the file reads the same as the other grants.
  const saved: PolicyPatch = patch.all
    ? { read: "all", write: "all", run: "all", net: true }
    : patch;
  await savePolicy(permissionsFilePath(pathsFrom(io)), workspace, saved);
  const shown = describePolicy(mergePolicy(DEFAULT_POLICY, saved)).join(" ");
  await io.stderr.write(`saved for ${workspace}: ${shown}\n`);
  return EXIT.ok;
}
