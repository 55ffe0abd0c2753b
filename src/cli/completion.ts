/** `pixir completion bash|zsh|fish`: the shell completion script, printed on stdout. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { COMMAND_ENTRIES } from "./commands.ts";
import { CliFailure, EXIT } from "./failure.ts";
import {
  completionScript,
  type CompletionSpec,
  flagsOfHelp,
  SESSION_IDS_COMMAND,
  type Shell,
  SHELLS,
} from "./completion_script.ts";
import { EFFORTS } from "../provider/request.ts";
import { MODEL_TABLE } from "../provider/models.ts";
import { SEVERITIES } from "../app/review.ts";

/** The `completion` command. */
export const completionCommand: Command = {
  name: "completion",
  summary: "print the shell completion script for bash, zsh or fish",
  help: `Usage: pixir completion bash|zsh|fish

Prints a script that completes pixir's commands, their flags, flag values (efforts, models,
--auth, --format) and session ids (for resume, export, undo and compact) in your shell.

Install:
  bash   echo 'source <(pixir completion bash)' >> ~/.bashrc
  zsh    pixir completion zsh > "\${fpath[1]}/_pixir"   (then start a new shell)
  fish   pixir completion fish > ~/.config/fish/completions/pixir.fish

Flags:
  -h, --help           show this help
`,
  async run(argv, io) {
    const { positionals } = parseFlags(completionCommand, argv, {}, { max: Infinity });
    const shell = SHELLS.find((name) => name === positionals[0]);
    if (positionals.length !== 1 || shell === undefined) {
      throw new CliFailure("usage", `completion: give one shell: ${SHELLS.join(", ")}`, {
        hint: "pixir completion bash   (see `pixir completion --help` to install it)",
      });
    }
    await io.stdout.write(completionScript(shell satisfies Shell, await completionSpec()));
    return EXIT.ok;
  },
};

/** The CLI as the scripts complete it: every listed command with the flags its help names. */
async function completionSpec(): Promise<CompletionSpec> {
  const listed = COMMAND_ENTRIES.filter((entry) => !entry.hidden);
  const commands = await Promise.all(listed.map(async (entry) => ({
    name: entry.name,
    flags: flagsOfHelp((await entry.load()).help),
  })));
  return {
    commands,
    values: {
      effort: EFFORTS,
      model: MODEL_TABLE.map((model) => model.slug),
      auth: ["subscription", "api-key"],
      format: ["md", "json"],
      "fail-on": SEVERITIES,
    },
    folderFlags: ["cwd"],
    fileFlags: ["output-schema", "output-last-message", "image"],
    sessionCommands: ["resume", "export", "undo", "compact"],
    sessionFlags: ["resume"],
    sessionIdsCommand: SESSION_IDS_COMMAND,
  };
}
