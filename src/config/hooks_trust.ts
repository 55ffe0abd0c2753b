/**
 * Which project hooks files the person approved. Trusting a workspace approves its
 * `.pixir/hooks.json` as it is at that moment: its SHA-256 is kept beside the trusted workspaces,
 * and a file that differs later (written by the model, a pull, anyone) does not run until the
 * person trusts the workspace again. What is approved is exactly what runs.
 */

import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic_write.ts";
import { SettingsError } from "./settings_error.ts";

/** The file holding the approved hooks files' digests. */
export function hooksTrustFilePath(configDir: string): string {
  return join(configDir, "trusted_hooks.json");
}

/** The approved digest of each repository root's hooks file. */
async function approvedDigests(configDir: string): Promise<Record<string, string>> {
  const file = hooksTrustFilePath(configDir);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new SettingsError(`${file}: cannot be read (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const hooks = typeof value === "object" && value !== null && "hooks" in value
    ? value.hooks
    : undefined;
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
  await Deno.mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(
    hooksTrustFilePath(configDir),
    JSON.stringify({ v: 1, hooks: next }, null, 2) + "\n",
    { mode: 0o600 },
  );
}
