/**
 * The folders check of `pixir doctor`: where Pixir keeps its config (credentials) and data
 * (sessions), whether they exist, and with which mode. A folder that does not exist yet is fine
 * (login and the first run create it); one that is not a folder, or in which no file can be
 * created (read-only, full, not writable), is an error; a config folder that others can read is a
 * warning, because it holds the credentials.
 */

import { check, type CheckResult } from "./check.ts";
import type { PixirPaths } from "../config/paths.ts";
import { fileMode } from "../util/file_mode.ts";
import { probeWritable, storageFailureOf } from "../util/storage_error.ts";

/** One check per folder. */
export function pathChecks(paths: PixirPaths): Promise<CheckResult[]> {
  return Promise.all([
    folderCheck("path.config", paths.configDir, true),
    folderCheck("path.data", paths.dataDir, false),
    folderCheck("path.sessions", paths.sessionsDir, false),
  ]);
}

async function folderCheck(
  id: string,
  path: string,
  holdsCredentials: boolean,
): Promise<CheckResult> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return check(id, "paths", "ok", `${path} (not created yet)`, {
        details: { path, exists: false, mode: null },
      });
    }
    return check(
      id,
      "paths",
      "error",
      `${path}: ${error instanceof Error ? error.message : error}`,
      {
        fix: `make ${path} readable by this user, or set PIXIR_HOME to a folder that is`,
        details: { path, exists: null, mode: null },
      },
    );
  }
  const mode = await fileMode(path);
  const details = { path, exists: true, mode };
  if (!info.isDirectory) {
    return check(id, "paths", "error", `${path} is not a folder`, {
      fix: `move ${path} away, or set PIXIR_HOME to another folder`,
      details,
    });
  }
  // Windows reports no mode bits (null); elsewhere the group and others bits must be clear.
  if (holdsCredentials && info.mode !== null && (info.mode & 0o077) !== 0) {
    return check(id, "paths", "warn", `${path} (mode ${mode}: others can read the credentials)`, {
      fix: `chmod 700 ${path}`,
      details,
    });
  }
  const unwritable = await writeProblem(path);
  if (unwritable !== undefined) {
    return check(id, "paths", "error", `${path}: cannot write in it (${unwritable})`, {
      fix: `make ${path} writable by this user, or set PIXIR_HOME to a writable folder`,
      details: { ...details, writable: false },
    });
  }
  return check(id, "paths", "ok", `${path} (mode ${mode})`, { details });
}

/** Why files cannot be created in the folder `path`, or undefined when they can. */
async function writeProblem(path: string): Promise<string | undefined> {
  try {
    await probeWritable(path);
    return undefined;
  } catch (error) {
    const failure = storageFailureOf(error);
    if (failure === null) return error instanceof Error ? error.message : String(error);
    return failure.problem === "read_only"
      ? "read-only file system"
      : failure.problem === "no_space"
      ? "no space left on the device"
      : "permission denied";
  }
}
