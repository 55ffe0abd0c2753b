/**
 * Pixir's own folders must exist before a sandbox can hide them: a folder that does not exist yet
 * cannot be covered, and a sandboxed command could then create it (say `~/.config/pixir` with a
 * `permissions.json` granting itself more) for the next run to obey. So they are created, owner
 * only, before the first sandboxed command.
 */

/**
 * Creates each of `folders` (and missing parents) with mode 0700 when it does not exist yet, and
 * returns those that exist afterwards (one that cannot be created is left out: bubblewrap can only
 * cover an existing folder, and a sandboxed command cannot create what Pixir could not).
 */
export async function createHiddenFolders(folders: readonly string[]): Promise<string[]> {
  const present: string[] = [];
  for (const folder of folders) {
    try {
      await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
      present.push(folder);
    } catch {
      // Not creatable here (a read-only home): nothing for a sandboxed command to create either.
    }
  }
  return present;
}
