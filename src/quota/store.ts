/**
 * The last quota snapshot the backend reported, cached in a file so a command can show the plan's
 * usage without making a request. It is only a cache: a missing or broken file reads as "nothing
 * known", with the reason, and is simply replaced by the next save.
 */

import { dirname, join } from "node:path";
import { parseJson } from "../util/json.ts";
import { checkQuotaSnapshot, type QuotaSnapshot } from "./snapshot.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";

/** What reading the cache found. */
export interface QuotaFileRead {
  /** The cached snapshot, or null when there is none to trust. */
  snapshot: QuotaSnapshot | null;
  /** Why a file that exists was not used (unreadable, not JSON, not a snapshot). */
  problem?: string;
}

/** Where the cache lives: beside the sessions, in Pixir's data folder. */
export function quotaFilePath(paths: { readonly dataDir: string }): string {
  return join(paths.dataDir, "quota.json");
}

/**
 * Replaces the cache with `snapshot`: the folder is created (0700) when missing, the file is
 * written atomically (temp file, rename) and narrowed to 0600. Throws filesystem errors.
 */
export async function saveQuota(path: string, snapshot: QuotaSnapshot): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, `${JSON.stringify(snapshot, null, 2)}\n`, { mode: 0o600 });
}

/** Reads the cache; never throws. A missing file is no snapshot and no problem. */
export async function loadQuota(path: string): Promise<QuotaFileRead> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { snapshot: null };
    const reason = error instanceof Error ? error.message : String(error);
    return { snapshot: null, problem: `cannot read ${path}: ${reason}` };
  }
  const json = parseJson(text);
  if (json === undefined) return { snapshot: null, problem: `${path} is not JSON` };
  const checked = checkQuotaSnapshot(json);
  if (!checked.ok) return { snapshot: null, problem: `${path}: ${checked.problem}` };
  return { snapshot: checked.snapshot };
}
