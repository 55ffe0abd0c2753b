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

/** How many arguments that are not flags a command takes; default none. */
export interface PositionalLimit {
  max: number;
}

/**
 * Parses flags strictly, in Pixir's own words: an unknown flag, a missing value, a value given to a
 * switch, or more arguments than the command takes is a usage failure (exit 2) that names the
 * problem and carries the command's usage line. A value may start with one dash (`--timeout -5`
 * reaches the command's own check); a value that is itself a `--flag` is taken as a missing value.
 */
export function parseFlags<O extends Options>(
  command: Pick<Command, "name" | "help">,
  argv: string[],
  options: O,
  positionals: PositionalLimit = { max: 0 },
): ParsedFlags<O> {
  const fail = (message: string): never => {
    throw new CliFailure("usage", `${command.name}: ${message}`, { hint: usageHint(command) });
  };
  const parsed = parseArgs({
    args: argv,
    options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of parsed.tokens) {
    if (token.kind !== "option") continue;
    const spec = options[token.name];
    if (spec === undefined) fail(`unknown flag ${token.rawName}`);
    else if (spec.type === "boolean" && token.value !== undefined) {
      fail(`${token.rawName} takes no value (got "${token.value}")`);
    } else if (spec.type === "string" && token.value === undefined) {
      fail(`${token.rawName} needs a value`);
    } else if (spec.type === "string" && !token.inlineValue && token.value!.startsWith("--")) {
      fail(`${token.rawName} needs a value (got the flag ${token.value})`);
    }
  }
  if (parsed.positionals.length > positionals.max) {
    const extra = parsed.positionals.slice(positionals.max).map((arg) => `"${arg}"`).join(" ");
    fail(positionals.max === 0 ? `takes no arguments (got ${extra})` : `unexpected ${extra}`);
  }
  return parsed as ParsedFlags<O>;
}

/** The usage lines of a command's help and where to read the rest. */
export function usageHint(command: Pick<Command, "name" | "help">): string {
  const usage = command.help.split("\n\n")[0].trim();
  return `${usage}\n  see \`pixir ${command.name} --help\``;
}

/**
 * A usage failure that says nothing about how to call the command (a bad `--timeout`, a missing
 * prompt) gains the command's usage line; every other error passes through unchanged.
 */
export function withUsageHint(error: unknown, command: Pick<Command, "name" | "help">): unknown {
  if (!(error instanceof CliFailure) || error.kind !== "usage" || error.hint !== undefined) {
    return error;
  }
  return new CliFailure("usage", error.message, {
    details: error.details,
    hint: usageHint(command),
    exitCode: error.exitCode,
  });
}
