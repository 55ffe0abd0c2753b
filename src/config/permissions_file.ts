/**
 * `permissions.json` in Pixir's config folder: per workspace, a saved policy (the same grants as
 * the flags) and the command prefixes the user approved "always". It lives in the config folder,
 * not in the repository, so neither a cloned project nor the model (whose tools cannot reach that
 * folder) can grant itself permissions.
 */

import { dirname, join } from "node:path";
import { parseJson } from "../util/json.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import type { Grant, PolicyPatch } from "../policy/policy.ts";
import { sameRule } from "../policy/rule.ts";
import type { PixirPaths } from "./paths.ts";

/** What is saved for one workspace. */
export interface WorkspacePermissions {
  policy: PolicyPatch;
  /**
   * Rules approved "always": each the whole argv (and redirections) of one command, as a shell
   * line such as `rm -rf build`; it covers commands that start with those words.
   */
  always: string[];
}

/** The whole file: workspace real path → its permissions. */
export interface PermissionsFile {
  version: 1;
  workspaces: Record<string, WorkspacePermissions>;
}

/** The file cannot be used: unreadable or not in the documented shape. */
export class PermissionsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermissionsFileError";
  }
}

/** Where the file lives. */
export function permissionsFilePath(paths: PixirPaths): string {
  return join(paths.configDir, "permissions.json");
}

/** Reads the file; a missing file is an empty one. Throws PermissionsFileError otherwise. */
export async function loadPermissions(path: string): Promise<PermissionsFile> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { version: 1, workspaces: {} };
    const reason = error instanceof Error ? error.message : String(error);
    throw new PermissionsFileError(`cannot read ${path}: ${reason}`);
  }
  const json = parseJson(text);
  if (json === undefined) throw new PermissionsFileError(`${path} is not JSON`);
  return checkPermissionsFile(json, path);
}

/** The saved permissions of `workspace` (empty when none). */
export function permissionsOf(file: PermissionsFile, workspace: string): WorkspacePermissions {
  return Object.hasOwn(file.workspaces, workspace)
    ? file.workspaces[workspace]
    : { policy: {}, always: [] };
}

/** Adds "always" prefixes for `workspace` and saves the file. */
export async function addRules(
  path: string,
  workspace: string,
  prefixes: readonly string[],
): Promise<void> {
  const file = await loadPermissions(path);
  const entry = permissionsOf(file, workspace);
  const always = [...new Set([...entry.always, ...prefixes])];
  await savePermissions(path, withEntry(file, workspace, { ...entry, always }));
}

/**
 * Removes a saved rule of `workspace`, matched by meaning (`rm 'build'` is `rm build`); false
 * when it was not saved.
 */
export async function removeRule(
  path: string,
  workspace: string,
  prefix: string,
): Promise<boolean> {
  const file = await loadPermissions(path);
  const entry = permissionsOf(file, workspace);
  const always = entry.always.filter((rule) => !sameRule(rule, prefix));
  if (always.length === entry.always.length) return false;
  await savePermissions(path, withEntry(file, workspace, { ...entry, always }));
  return true;
}

/** Replaces the saved policy of `workspace`. */
export async function savePolicy(
  path: string,
  workspace: string,
  policy: PolicyPatch,
): Promise<void> {
  const file = await loadPermissions(path);
  const entry = permissionsOf(file, workspace);
  await savePermissions(path, withEntry(file, workspace, { ...entry, policy }));
}

function withEntry(
  file: PermissionsFile,
  workspace: string,
  entry: WorkspacePermissions,
): PermissionsFile {
  return { ...file, workspaces: { ...file.workspaces, [workspace]: entry } };
}

/** Writes the file atomically, 0600 in a 0700 folder (it sits beside the credentials). */
async function savePermissions(path: string, file: PermissionsFile): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const workspaces = Object.fromEntries(
    Object.entries(file.workspaces).map(([ws, entry]) => [ws, {
      policy: policyToJson(entry.policy),
      always: entry.always,
    }]),
  );
  await writeFileAtomic(path, `${JSON.stringify({ version: 1, workspaces }, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** The JSON names of a saved policy, mirroring the flags. */
interface PolicyJson {
  allow_read?: true | string[];
  allow_write?: true | string[];
  allow_run?: true | string[];
  net?: boolean;
  read_only?: boolean;
}

function policyToJson(policy: PolicyPatch): PolicyJson {
  const grant = (g: Grant | undefined) => g === undefined ? undefined : g === "all" ? true : [...g];
  return {
    allow_read: grant(policy.read),
    allow_write: grant(policy.write),
    allow_run: grant(policy.run),
    net: policy.net,
    read_only: policy.readOnly,
  };
}

function checkPermissionsFile(json: unknown, path: string): PermissionsFile {
  const bad = (what: string) => new PermissionsFileError(`${path}: ${what}`);
  if (!isRecord(json) || json.version !== 1 || !isRecord(json.workspaces)) {
    throw bad('expected {"version": 1, "workspaces": {…}}');
  }
  const workspaces: Record<string, WorkspacePermissions> = {};
  for (const [workspace, entry] of Object.entries(json.workspaces)) {
    const where = `workspaces[${JSON.stringify(workspace)}]`;
    if (!isRecord(entry)) throw bad(`${where} must be an object`);
    const always = entry.always ?? [];
    if (!isStringArray(always)) throw bad(`${where}.always must be a list of strings`);
    const policy = entry.policy ?? {};
    if (!isRecord(policy)) throw bad(`${where}.policy must be an object`);
    workspaces[workspace] = {
      policy: checkPolicy(policy, (what) => bad(`${where}.policy.${what}`)),
      always,
    };
  }
  return { version: 1, workspaces };
}

function checkPolicy(
  json: Record<string, unknown>,
  bad: (what: string) => PermissionsFileError,
): PolicyPatch {
  const known = ["allow_read", "allow_write", "allow_run", "net", "read_only"];
  const unknown = Object.keys(json).find((key) => !known.includes(key));
  if (unknown !== undefined) throw bad(`${unknown} is not one of ${known.join(", ")}`);
  const grant = (key: string): Grant | undefined => {
    const value = json[key];
    if (value === undefined) return undefined;
    if (value === true) return "all";
    if (isStringArray(value)) return value;
    throw bad(`${key} must be true or a list of strings`);
  };
  const flag = (key: string): boolean | undefined => {
    const value = json[key];
    if (value === undefined || typeof value === "boolean") return value;
    throw bad(`${key} must be true or false`);
  };
  return dropUndefined({
    read: grant("allow_read"),
    write: grant("allow_write"),
    run: grant("allow_run"),
    net: flag("net"),
    readOnly: flag("read_only"),
  });
}

function dropUndefined(patch: PolicyPatch): PolicyPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((item) => typeof item === "string");
}
