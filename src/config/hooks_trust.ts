/**
 * Which project hooks files the person approved. Trusting a workspace approves its
 * `.pixir/hooks.json` as it is at that moment: its SHA-256 is kept beside the trusted workspaces,
 * and a file that differs later (written by the model, a pull, anyone) does not run until the
 * person trusts the workspace again. What is approved is exactly what runs.
 */

import { join } from "node:path";
import { SettingsError } from "./settings_error.ts";
import { readRecordField, writeRecord } from "./trust_record.ts";

/** The file holding the approved hooks files' digests. */
export function hooksTrustFilePath(configDir: string): string {
  return join(configDir, "trusted_hooks.json");
}

/** The approved digest of each repository root's hooks file. */
async function approvedDigests(configDir: string): Promise<Record<string, string>> {
  const file = hooksTrustFilePath(configDir);
  const record = await readRecordField(file, "hooks");
  if (record === null) return {};
  const hooks = record.value;
  if (
    typeof hooks !== "object" || hooks === null || Array.isArray(hooks) ||
    !Object.values(hooks).every((digest) => typeof digest === "string")
  ) {
    throw new SettingsError(
      `${file}: not a list of approved hooks files; delete it and trust again`,
    );
  }
  return hooks as Record<string, string>;
}

/** The digest approved for `root`'s hooks file, if any. */
export async function approvedHooksDigest(
  configDir: string,
  root: string,
): Promise<string | undefined> {
  return (await approvedDigests(configDir))[root];
}

/** Approves `digest` for `root`'s hooks file; undefined forgets the approval. */
export async function setApprovedHooksDigest(
  configDir: string,
  root: string,
  digest: string | undefined,
): Promise<void> {
  const current = await approvedDigests(configDir);
  if (current[root] === digest) return;
  const next = { ...current };
  if (digest === undefined) delete next[root];
  else next[root] = digest;
  await writeRecord(hooksTrustFilePath(configDir), "hooks", next);
}
