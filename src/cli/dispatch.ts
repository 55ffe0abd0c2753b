/**
 * Dispatch: argv → command. Every failure leaves as a structured error with a documented exit
 * code; no stack trace reaches the user. Loaded by `main.ts` only once a command is named, so
 * `pixir --version` evaluates none of it.
 */

import { CliFailure, EXIT, storageFailure } from "./failure.ts";
import { Failure } from "../app/failure.ts";
import type { Io } from "../util/io.ts";
import { loadCommand } from "./commands.ts";
import { sweepStaleFiles } from "./stale_files.ts";
import { type Command, withUsageHint } from "./command.ts";
import { terminalText } from "../ui/terminal_text.ts";
import { FILE_TOOLS_COMMAND } from "../tools/file_child_command.ts";
import type * as FileChild from "../tools/file_child.ts";

/** The file tools' child, named by a constant so no other command reads its modules (commands.ts). */
const FILE_CHILD_MODULE = "../tools/file_child.ts";

/** Runs the command `argv` names (anything but `--version`); resolves to the exit code. */
export async function dispatch(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      // A person at a terminal gets the chat; anything else (a pipe, a script) gets the help.
      const interactive = io.stdin.isTerminal && io.stdout.isTerminal;
      return await (await mustLoad(interactive ? "chat" : "help")).run([], io);
    }
    if (name === "--help" || name === "-h") return await (await mustLoad("help")).run(rest, io);
    // The file tools' sandboxed child (see tools/file_child.ts), started by Pixir itself.
    if (name === FILE_TOOLS_COMMAND) {
      return await ((await import(FILE_CHILD_MODULE)) as typeof FileChild).serveFileTools();
    }
    const command = await loadCommand(name);
    if (!command) {
      throw new CliFailure("usage", `unknown command "${name}"`, {
        hint: "see `pixir help` for the list of commands",
      });
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      await io.stdout.write(command.help);
      return EXIT.ok;
    }
    // The sweep runs beside the command rather than before it: it touches only temps no process
    // holds, and the chat paints sooner.
    const sweeping = sweepStaleFiles(io);
    try {
      return await command.run(rest, io);
    } catch (error) {
      throw withUsageHint(error, command);
    } finally {
      await sweeping;
    }
  } catch (error) {
    return await reportFailure(io, error);
  }
}

/** A command that is known to exist. */
async function mustLoad(name: string): Promise<Command> {
  const command = await loadCommand(name);
  if (!command) throw new Error(`the ${name} command is missing`);
  return command;
}

/** Writes a failure that escaped a command to stderr and returns its exit code. */
export async function reportFailure(io: Io, error: unknown): Promise<number> {
  // The reader of stdout went away (`pixir run … | head -1`): stop quietly, as SIGPIPE would.
  if (error instanceof Deno.errors.BrokenPipe) return EXIT.outputClosed;
  const failure = error instanceof Failure
    ? CliFailure.from(error)
    : storageFailure(error) ?? new CliFailure(
      "internal",
      `internal error: ${error instanceof Error ? error.message : String(error)}`,
      { hint: "please report this at https://github.com/pixir/pixir/issues" },
    );
  // A message may quote a file name or a server's words: its controls are shown, not obeyed.
  await io.stderr.write(`pixir: ${terminalText(failure.message)}\n`);
  if (failure.hint) await io.stderr.write(`  ${terminalText(failure.hint)}\n`);
  return failure.exitCode;
}
