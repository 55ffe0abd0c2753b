/**
 * `pixir trust`: lets a workspace's `.pixir/config.toml` be read and its `.pixir/hooks.json` run,
 * or stops it; lists the trusted.
 */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom, resolveWorkspace } from "./inputs.ts";
import { projectRoot } from "../config/project_config.ts";
import { setTrust, trustedWorkspaces } from "../config/trust.ts";
import { setApprovedHooksDigest } from "../config/hooks_trust.ts";
import { currentHooksDigest, projectHooksPath } from "../app/session_hooks.ts";
import { SettingsError } from "../config/settings_error.ts";

const FLAGS = {
  remove: { type: "boolean" },
  list: { type: "boolean" },
  json: { type: "boolean" },
} as const;

/** The `trust` command. */
export const trustCommand: Command = {
  name: "trust",
  summary:
    "trust a workspace so its .pixir/config.toml is read and its hooks run (or --remove, --list)",
  help: `Usage: pixir trust [PATH]
       pixir trust --remove [PATH]
       pixir trust --list [--json]

A repository may carry a .pixir/config.toml at its root. Pixir reads it only in a workspace you
trust, and even then it may set only the model, model_reasoning_effort, profile and limits — never
a provider, its base_url, env_key or headers, an MCP server or a permission. Its .pixir/hooks.json
(commands run at points of a session, inside the OS sandbox) runs only once it is trusted, and only
as it was then: after any change to it, trust the workspace again.
Trust is kept in
Pixir's config folder (trusted_workspaces.json), never in the repository. PATH (default: the
current directory) stands for its repository root.

Flags:
      --remove         stop trusting the workspace
      --list           print the trusted workspaces, one a line
      --json           with --list: print {v, workspaces: [PATH…]}
  -h, --help           show this help

Examples:
  pixir trust
  pixir trust --remove ~/src/someone-elses-repo
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(trustCommand, argv, FLAGS, { max: 1 });
    const { configDir } = pathsFrom(io);
    try {
      if (values.list) {
        if (positionals.length > 0 || values.remove) {
          throw new CliFailure("usage", "trust: --list takes no path and no --remove");
        }
        const workspaces = await trustedWorkspaces(configDir);
        await io.stdout.write(
          values.json
            ? JSON.stringify({ v: 1, workspaces }) + "\n"
            : workspaces.map((path) => `${path}\n`).join(""),
        );
        return EXIT.ok;
      }
      const root = await projectRoot(await resolveWorkspace(positionals[0] ?? ".", io.cwd));
      const changed = await setTrust(configDir, root, values.remove === true);
      // Trust approves the hooks file as it is now; a later change needs trust again.
      const hooks = values.remove ? undefined : await currentHooksDigest(projectHooksPath(root));
      await setApprovedHooksDigest(configDir, root, hooks);
      const message = values.remove
        ? changed ? `no longer trusted: ${root}` : `was not trusted: ${root}`
        : changed
        ? `trusted: ${root} (its .pixir/config.toml is read${
          hooks === undefined ? "" : " and its .pixir/hooks.json, as it is now, runs"
        } from now on)`
        : `already trusted: ${root}${
          hooks === undefined ? "" : " (its .pixir/hooks.json, as it is now, runs from now on)"
        }`;
      await io.stdout.write(`${message}\n`);
      return EXIT.ok;
    } catch (error) {
      if (error instanceof SettingsError) throw new CliFailure("usage", error.message);
      throw error;
    }
  },
};
