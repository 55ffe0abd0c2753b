/**
 * Pixir's folders and the workspace as a command names them. Kept apart from `inputs.ts` (settings,
 * credentials) so that commands which only read the sessions folder load none of that.
 */

import { resolve } from "node:path";
import type { Io } from "../util/io.ts";
import { CliFailure } from "./failure.ts";
import { NoHomeError, type PixirPaths, pixirPaths } from "../config/paths.ts";

/** Pixir's folders, or a usage failure when no home can be found. */
export function pathsFrom(io: Io): PixirPaths {
  try {
    const paths = pixirPaths({
      env: io.env,
      os: io.os,
      home: io.env("HOME") ?? io.env("USERPROFILE"),
    });
    // Absolute, because the file tools move the process's current directory while they run.
    return {
      configDir: resolve(io.cwd, paths.configDir),
      dataDir: resolve(io.cwd, paths.dataDir),
      sessionsDir: resolve(io.cwd, paths.sessionsDir),
    };
  } catch (error) {
    if (error instanceof NoHomeError) throw new CliFailure("usage", error.message);
    throw error;
  }
}

/** The real path of the workspace directory (`--cwd` or the current directory). */
export async function resolveWorkspace(dir: string, cwd: string): Promise<string> {
  const path = resolve(cwd, dir);
  let real: string;
  try {
    real = await Deno.realPath(path);
  } catch {
    throw new CliFailure("usage", `workspace ${path} does not exist`);
  }
  const info = await Deno.stat(real);
  if (!info.isDirectory) throw new CliFailure("usage", `workspace ${path} is not a directory`);
  return real;
}
