/** Throwaway directories for tests that touch the filesystem, removed by `await using`. */

import { dirname, join } from "node:path";

/** A temporary directory, by its real path (symlinks such as macOS's /tmp resolved). */
export interface TempDir extends AsyncDisposable {
  path: string;
}

/** Makes a temporary directory, optionally seeded with `files` (relative path → content). */
export async function tempWorkspace(
  files: Readonly<Record<string, string>> = {},
): Promise<TempDir> {
  const path = await Deno.realPath(await Deno.makeTempDir({ prefix: "pixir-test-" }));
  for (const [name, content] of Object.entries(files)) {
    const file = join(path, name);
    await Deno.mkdir(dirname(file), { recursive: true });
    await Deno.writeTextFile(file, content);
  }
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}
