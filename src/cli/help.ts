/** `pixir help`: the command list, or one command's help. */

import type { Command } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { COMMAND_ENTRIES, loadCommand } from "./commands.ts";

const TOP_HELP = (commands: readonly Command[]) =>
  `Pixir — a terminal coding agent for the OpenAI Responses API.

Usage: pixir <command> [flags]
       pixir                  (on a terminal: opens the chat)

Commands:
${commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join("\n")}

Flags:
  -V, --version   print the version
  -h, --help      show help (also: pixir <command> --help)

Exit codes: 0 answered, 1 runtime or provider error, 2 bad usage or unknown session,
3 permission denied, 4 not authenticated, 5 usage limit reached, 6 answer did not match
--output-schema, 124 timed out, 130 interrupted, 141 stdout closed by its reader.

Example:
  pixir run "find where the config file is parsed and explain it"
`;

/** The `help` command. */
export const helpCommand: Command = {
  name: "help",
  summary: "show help for pixir or for one command",
  help: `Usage: pixir help [command]

Shows the list of commands, or the full help of one command.

Example:
  pixir help run
`,
  async run(argv, io) {
    const [name] = argv;
    if (name === undefined) {
      const listed = COMMAND_ENTRIES.filter((entry) => !entry.hidden);
      const commands = await Promise.all(listed.map((entry) => entry.load()));
      await io.stdout.write(TOP_HELP(commands));
      return EXIT.ok;
    }
    const command = await loadCommand(name);
    if (!command) {
      throw new CliFailure("usage", `help: unknown command "${name}"`, {
        hint: "see `pixir help` for the list of commands",
      });
    }
    await io.stdout.write(command.help);
    return EXIT.ok;
  },
};
