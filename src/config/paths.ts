/** Where Pixir keeps its files on each OS, with `PIXIR_HOME` putting everything in one folder. */

import { join } from "node:path";

/** The facts about the machine that decide Pixir's folders. */
export interface PathEnv {
  /** Reads an environment variable (injected so tests need no real environment). */
  env(name: string): string | undefined;
  /** `Deno.build.os`. */
  os: typeof Deno.build.os;
  /** The user's home directory, when known. */
  home: string | undefined;
}

/** Pixir's folders: config (credentials, settings) and data (sessions). */
export interface PixirPaths {
  configDir: string;
  dataDir: string;
  sessionsDir: string;
}

/** Raised when no folder can be derived (no PIXIR_HOME and no home directory). */
export class NoHomeError extends Error {
  constructor() {
    super("cannot find a home directory for Pixir's files; set PIXIR_HOME");
    this.name = "NoHomeError";
  }
}

/** Computes Pixir's folders from the environment and the OS conventions. */
export function pixirPaths(pe: PathEnv): PixirPaths {
  const pixirHome = nonEmpty(pe.env("PIXIR_HOME"));
  if (pixirHome) {
    return { configDir: pixirHome, dataDir: pixirHome, sessionsDir: join(pixirHome, "sessions") };
  }
  const configDir = join(configBase(pe), "pixir");
  const dataDir = join(dataBase(pe), "pixir");
  return { configDir, dataDir, sessionsDir: join(dataDir, "sessions") };
}

function configBase(pe: PathEnv): string {
  if (pe.os === "windows") {
    return nonEmpty(pe.env("APPDATA")) ?? join(home(pe), "AppData", "Roaming");
  }
  if (pe.os === "darwin") return join(home(pe), "Library", "Application Support");
  return nonEmpty(pe.env("XDG_CONFIG_HOME")) ?? join(home(pe), ".config");
}

function dataBase(pe: PathEnv): string {
  if (pe.os === "windows") {
    return nonEmpty(pe.env("LOCALAPPDATA")) ?? join(home(pe), "AppData", "Local");
  }
  if (pe.os === "darwin") return join(home(pe), "Library", "Application Support");
  return nonEmpty(pe.env("XDG_DATA_HOME")) ?? join(home(pe), ".local", "share");
}

function home(pe: PathEnv): string {
  const h = nonEmpty(pe.home);
  if (!h) throw new NoHomeError();
  return h;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Pixir's config folder for `env` on `os`; undefined when none can be derived (no home). */
export function configDirIfAny(
  env: (name: string) => string | undefined,
  os: typeof Deno.build.os,
): string | undefined {
  try {
    return pixirPaths({ env, os, home: env("HOME") ?? env("USERPROFILE") }).configDir;
  } catch (error) {
    if (error instanceof NoHomeError) return undefined;
    throw error;
  }
}
