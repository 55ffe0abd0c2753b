/**
 * The files in Pixir's config folder that record what the person approved (trusted workspaces,
 * approved hooks files): a versioned JSON object with one field, read strictly and written
 * atomically, 0600, in a 0700 folder.
 */

import { dirname } from "node:path";
import { writeFileAtomic } from "../util/atomic_write.ts";
import { SettingsError } from "./settings_error.ts";

/**
 * The `field` of the record in `file`: null when the file does not exist, `{ value: undefined }`
 * when it is not JSON or lacks the field (the caller names what it should hold). A file that
 * exists but cannot be read is a SettingsError naming it.
 */
export async function readRecordField(
  file: string,
  field: string,
): Promise<{ value: unknown } | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new SettingsError(`${file}: cannot be read (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { value: undefined };
  }
  const value = typeof parsed === "object" && parsed !== null && field in parsed
    ? (parsed as Record<string, unknown>)[field]
    : undefined;
  return { value };
}

/** Writes `{v: 1, [field]: value}` to `file`, creating its folder (0700) when needed. */
export async function writeRecord(file: string, field: string, value: unknown): Promise<void> {
  await Deno.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, JSON.stringify({ v: 1, [field]: value }, null, 2) + "\n", {
    mode: 0o600,
  });
}
