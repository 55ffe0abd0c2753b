/**
 * The PATH a safe-list program is looked up on: the user's PATH without the entries a model could
 * have filled. A relative entry (`.`, `bin`, or an empty one) is resolved against the workspace,
 * and an entry inside a writable folder may hold a file the model wrote (`write` keeps an existing
 * file's executable bit), so `ls` could start a planted script instead of the real one.
 */

import { isAbsolute, relative, sep } from "node:path";

/** `searchPath` (a PATH value) without relative entries and entries inside `writable` folders. */
export function trustedSearchPath(searchPath: string, writable: readonly string[]): string {
  return searchPath.split(":").filter((entry) =>
    isAbsolute(entry) && !writable.some((root) => isInside(root, entry))
  ).join(":");
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!isAbsolute(rel) && rel.split(sep)[0] !== "..");
}
