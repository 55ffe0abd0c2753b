/**
 * The workspaces the person trusts: only there is a project's `.pixir/config.toml` read. The list
 * lives in Pixir's config folder (never in a repository, which could otherwise trust itself), one
 * real path per entry, written atomically.
 */

import { join } from "node:path";
import { SettingsError } from "./settings_error.ts";
import { readRecordField, writeRecord } from "./trust_record.ts";

/** The file holding the trusted workspaces. */
export function trustFilePath(configDir: string): string {
  return join(configDir, "trusted_workspaces.json");
}

/** The trusted folders (real paths), in the order they were trusted. */
export async function trustedWorkspaces(configDir: string): Promise<string[]> {
  const file = trustFilePath(configDir);
  const record = await readRecordField(file, "workspaces");
  if (record === null) return [];
  const list = record.value;
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === "string")) {
    throw new SettingsError(
      `${file}: not a list of trusted workspaces; fix it or delete it and trust again`,
    );
  }
  return list;
}

/** Whether `folder` (a real path) is trusted. */
export async function isTrusted(configDir: string, folder: string): Promise<boolean> {
  return (await trustedWorkspaces(configDir)).includes(folder);
}

/**
 * Adds (or with `remove`, removes) `folder`; returns whether the list changed. Creates the config
 * folder (0700) when needed.
 */
export async function setTrust(
  configDir: string,
  folder: string,
  remove: boolean,
): Promise<boolean> {
  const current = await trustedWorkspaces(configDir);
  const next = remove ? current.filter((entry) => entry !== folder) : [...current, folder];
  if (remove ? next.length === current.length : current.includes(folder)) return false;
  await writeRecord(trustFilePath(configDir), "workspaces", next);
  return true;
}
