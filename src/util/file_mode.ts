/** A file's permission bits as people write them ("0600"), for status and doctor reports. */

/** The octal mode of `path` ("0600"), "unknown" where the OS has none (Windows), null if absent. */
export async function fileMode(path: string): Promise<string | null> {
  try {
    const { mode } = await Deno.stat(path);
    return mode === null ? "unknown" : `0${(mode & 0o777).toString(8)}`;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}
