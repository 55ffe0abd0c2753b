/** The shape of a CLI command and the flag parsing they share. */

import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Io } from "../util/io.ts";
import { CliFailure } from "./failure.ts";

/** A subcommand: its help text and its entry point returning an exit code. */
export interface Command {
  name: string;
  /** One line for `pixir help`. */
  summary: string;
  /** Full help: usage, every flag, an example. */
  help: string;
  run(argv: string[], io: Io): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** What `parseFlags` returns for a set of flag definitions. */
export type ParsedFlags<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** Parses flags strictly; unknown flags and missing values become a usage failure. */
export function parseFlags<O extends Options>(
  command: string,
  argv: string[],
  options: O,
): ParsedFlags<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliFailure("usage", `${command}: ${message.replace(/\.$/, "")}`, {
      hint: `see \`pixir ${command} --help\``,
    });
  }
}
