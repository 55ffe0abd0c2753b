/**
 * Pixir's entry point. It imports only what `pixir --version` needs. Everything else (the
 * dispatcher, failure reporting, `node:` built-ins, the commands) is loaded once a command is named,
 * through a specifier that is not a literal: Deno builds the module graph of every literal
 * `import()` before the first line runs, which would make printing the version read and hash all
 * of Pixir's sources. The build includes the dispatcher by name (`BUILD.lazyModules`).
 */

import { type Io, processIo } from "./util/io.ts";
import { VERSION } from "./version.ts";
import type * as Dispatcher from "./cli/dispatch.ts";

/** The dispatcher's module, as `import()` takes it (see above for why it is not a literal). */
export const DISPATCHER_MODULE: string = "./cli/dispatch.ts";

/** Runs Pixir with the given arguments and effects; resolves to the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const name = argv[0];
  if (name === "--version" || name === "-V" || name === "version") {
    try {
      await io.stdout.write(`pixir ${VERSION}\n`);
      return 0;
    } catch (error) {
      return await (await dispatcher()).reportFailure(io, error);
    }
  }
  return await (await dispatcher()).dispatch(argv, io);
}

async function dispatcher(): Promise<typeof Dispatcher> {
  return await import(DISPATCHER_MODULE);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, processIo()));
}
