/**
 * The Deno permissions of the file-tool Worker, computed from a FileAccess: read and write only
 * the granted roots, nothing else (no net, env, run, sys, ffi, imports). Worker permissions have no
 * deny list, so hidden folders are left out by construction: a root that contains one is replaced
 * by its entries, minus the branch leading to the hidden folder, recursively.
 */

import { join } from "node:path";
import type { FileAccess } from "./tool.ts";
import { isWithin } from "./workspace.ts";

/** Deno permissions for a Worker, in the shape of the Worker constructor's `deno.permissions` option. */
export interface WorkerPermissions {
  read: string[];
  write: string[];
  net: false;
  env: false;
  run: false;
  sys: false;
  ffi: false;
  import: false;
}

/** Lists a directory's entry names; injected so tests can describe a tree. */
export type ListDir = (path: string) => Promise<string[]>;

/** Computes the Worker's permissions for `access`. */
export async function workerPermissions(
  access: FileAccess,
  listDir: ListDir = listDirectory,
): Promise<WorkerPermissions> {
  return {
    read: await carveOut(access.read, access.hidden, listDir),
    write: await carveOut(access.write, access.hidden, listDir),
    net: false,
    env: false,
    run: false,
    sys: false,
    ffi: false,
    import: false,
  };
}

/**
 * `roots` as a list of paths that together cover every path below them except the `hidden` ones.
 * A root inside a hidden folder is dropped; a root containing one is split into its entries. The
 * split reflects the tree when the Worker starts: entries created later beside the branch leading
 * to the hidden folder are not covered (only in the rare workspace that contains Pixir's folder).
 */
export async function carveOut(
  roots: readonly string[],
  hidden: readonly string[],
  listDir: ListDir,
): Promise<string[]> {
  const granted: string[] = [];
  for (const root of roots) {
    if (hidden.some((h) => isWithin(h, root))) continue;
    const inside = hidden.filter((h) => isWithin(root, h));
    if (inside.length === 0) {
      granted.push(root);
      continue;
    }
    let names: string[];
    try {
      names = await listDir(root);
    } catch {
      continue; // An unreadable root grants nothing rather than too much.
    }
    const children = names.sort().map((name) => join(root, name));
    granted.push(...await carveOut(children, inside, listDir));
  }
  return granted;
}

async function listDirectory(path: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(path)) names.push(entry.name);
  return names;
}
