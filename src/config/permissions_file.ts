/**
 * `permissions.json` in Pixir's config folder: per workspace, a saved policy (the same grants as
 * the flags) and the command prefixes the user approved "always". It lives in the config folder,
 * not in the repository, so neither a cloned project nor the model (whose tools cannot reach that
 * folder) can grant itself permissions.
 *
 * Version 2 is version 1 with one-word rules retired: earlier versions saved the program word
 * alone (`rm` for `rm -rf build`), which allows every command of that program, more than the
 * person saw. So a version-1 file's one-word rules are read as `retired` — kept to be shown, never
 * applied — and the file is written back as version 2.
 */

import { dirname, join } from "node:path";
import { parseJson } from "../util/json.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import type { Grant, PolicyPatch } from "../policy/policy.ts";
import { parseRule, sameRule } from "../policy/rule.ts";
import type { PixirPaths } from "./paths.ts";

/** What is saved for one workspace. */
export interface WorkspacePermissions {
  policy: PolicyPatch;
  /**
   * Rules approved "always": each the whole argv (and redirections) of one command, as a shell
   * line such as `rm -rf build`; it covers commands that start with those words.
   */
  always: string[];
  /** MCP tools approved "always", `SERVER/TOOL` each (saved as `always_mcp`). */
  alwaysMcp?: string[];
  /**
   * One-word rules from a version-1 file (saved as `retired_always`): shown, never applied, since
   * the person may have approved far less than every command of the program.
   */
  retired?: string[];
}

/** The whole file: workspace real path → its permissions. */
export interface PermissionsFile {
  version: 2;
  workspaces: Record<string, WorkspacePermissions>;
  /** True when it was read from a version-1 file (and not saved since). */
  fromVersion1?: boolean;
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
    if (error instanceof Deno.errors.NotFound) return { version: 2, workspaces: {} };
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

/**
 * Writes a version-1 file back as version 2 (its one-word rules retired) and returns what to tell
 * the person, naming the file, the retired rules and the fix; null when there was nothing to do.
 */
export async function migratePermissions(path: string): Promise<string | null> {
  const file = await loadPermissions(path);
  if (!file.fromVersion1) return null;
  let unsaved = "";
  try {
    await savePermissions(path, file);
  } catch (error) {
    // Not applied either way; the file is rewritten once it can be.
    unsaved = ` (${path} could not be rewritten: ${
      error instanceof Error ? error.message : String(error)
    })`;
  }
  const retired = Object.entries(file.workspaces).flatMap(([workspace, entry]) =>
    (entry.retired ?? []).map((rule) => `"${rule}" (${workspace})`)
  );
  if (retired.length === 0) return null;
  return `${path} was saved by an earlier Pixir, whose one-word "always" rules allow every ` +
    `command of the program: ${retired.join(", ")}. They are no longer applied (kept under ` +
    `"retired_always", listed by \`pixir permissions --all\`). Approve the commands again when ` +
    "asked, or allow a program for a workspace with `pixir permissions set --allow-run=NAME`; " +
    `\`pixir permissions remove NAME\` forgets a retired rule.${unsaved}`;
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

/** Adds an "always" MCP rule (`SERVER/TOOL`) for `workspace` and saves the file. */
export async function addMcpRule(path: string, workspace: string, rule: string): Promise<void> {
  const file = await loadPermissions(path);
  const entry = permissionsOf(file, workspace);
  const alwaysMcp = [...new Set([...entry.alwaysMcp ?? [], rule])];
  await savePermissions(path, withEntry(file, workspace, { ...entry, alwaysMcp }));
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
  const retired = (entry.retired ?? []).filter((rule) => !sameRule(rule, prefix));
  if (always.length === entry.always.length && retired.length === (entry.retired ?? []).length) {
    return false;
  }
  await savePermissions(path, withEntry(file, workspace, { ...entry, always, retired }));
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
      ...(entry.alwaysMcp?.length ? { always_mcp: entry.alwaysMcp } : {}),
      ...(entry.retired?.length ? { retired_always: entry.retired } : {}),
    }]),
  );
  await writeFileAtomic(path, `${JSON.stringify({ version: 2, workspaces }, null, 2)}\n`, {
    mode: 0o600,
  });
}

/** The JSON names of a saved policy, mirroring the flags. */
interface PolicyJson {
  allow_read?: true | string[];
  allow_write?: true | string[];
  allow_run?: true | string[];
  allow_mcp?: true | string[];
  net?: boolean;
  read_only?: boolean;
}

function policyToJson(policy: PolicyPatch): PolicyJson {
  const grant = (g: Grant | undefined) => g === undefined ? undefined : g === "all" ? true : [...g];
  return {
    allow_read: grant(policy.read),
    allow_write: grant(policy.write),
    allow_run: grant(policy.run),
    allow_mcp: grant(policy.mcp),
    net: policy.net,
    read_only: policy.readOnly,
  };
}

function checkPermissionsFile(json: unknown, path: string): PermissionsFile {
  const bad = (what: string) => new PermissionsFileError(`${path}: ${what}`);
  if (!isRecord(json) || (json.version !== 1 && json.version !== 2) || !isRecord(json.workspaces)) {
    throw bad('expected {"version": 2, "workspaces": {…}}');
  }
  const fromVersion1 = json.version === 1;
  const workspaces: Record<string, WorkspacePermissions> = {};
  for (const [workspace, entry] of Object.entries(json.workspaces)) {
    const where = `workspaces[${JSON.stringify(workspace)}]`;
    if (!isRecord(entry)) throw bad(`${where} must be an object`);
    const always = entry.always ?? [];
    if (!isStringArray(always)) throw bad(`${where}.always must be a list of strings`);
    const alwaysMcp = entry.always_mcp ?? [];
    if (!isStringArray(alwaysMcp)) throw bad(`${where}.always_mcp must be a list of strings`);
    const retired = entry.retired_always ?? [];
    if (!isStringArray(retired)) throw bad(`${where}.retired_always must be a list of strings`);
    // Version 1 saved a program's word alone for what the person approved: retire those.
    const retire = fromVersion1 ? always.filter(isOneWord) : [];
    const policy = entry.policy ?? {};
    if (!isRecord(policy)) throw bad(`${where}.policy must be an object`);
    workspaces[workspace] = {
      policy: checkPolicy(policy, (what) => bad(`${where}.policy.${what}`)),
      always: always.filter((rule) => !retire.includes(rule)),
      ...(alwaysMcp.length > 0 ? { alwaysMcp } : {}),
      ...(retired.length + retire.length > 0 ? { retired: [...retired, ...retire] } : {}),
    };
  }
  return { version: 2, workspaces, ...(fromVersion1 ? { fromVersion1 } : {}) };
}

/** True for a rule that is one plain word and nothing else (`rm`): it covers every such command. */
function isOneWord(rule: string): boolean {
  const parsed = parseRule(rule);
  return parsed !== null && parsed.words.length === 1 && parsed.redirects.length === 0;
}

function checkPolicy(
  json: Record<string, unknown>,
  bad: (what: string) => PermissionsFileError,
): PolicyPatch {
  const known = ["allow_read", "allow_write", "allow_run", "allow_mcp", "net", "read_only"];
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
    mcp: grant("allow_mcp"),
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
