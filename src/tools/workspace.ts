/**
 * Workspace confinement: every path a tool touches is resolved to a real path (symlinks followed,
 * including dangling ones) and must be the workspace root or lie below it.
 */

import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { FileAccess, ToolContext, ToolError } from "./tool.ts";
import { fsError } from "./failure.ts";
import { gitConfigRefusal } from "./git_guard.ts";

/** A path confined to the workspace: the real path to operate on, and how to show it. */
export interface WorkspacePath {
  ok: true;
  /** Absolute real path (symlinks resolved); safe to pass to filesystem calls. */
  path: string;
  /** The path relative to the workspace root, `.` for the root itself. */
  relative: string;
}

/** Symlink hops followed before giving up, the same bound most kernels use. */
const MAX_SYMLINK_HOPS = 40;

/**
 * Resolves `userPath` (relative to the workspace, or absolute) to a real path inside `workspace`
 * (itself a real path), or fails with `outside_workspace`. Components that do not exist yet are
 * appended to the real path of their deepest existing ancestor, so a path can be confined before
 * the file is created.
 */
export function resolveInWorkspace(
  workspace: string,
  userPath: string,
): Promise<WorkspacePath | { ok: false; error: ToolError }> {
  return confine(workspace, userPath, workspaceOnly(workspace), "read");
}

/** What a tool does with a path: only look at it, or change it. */
export type AccessNeed = "read" | "write";

/**
 * Resolves `userPath` like `resolveInWorkspace`, but against the roots `ctx.access` grants for
 * `need` (the workspace alone by default), and refuses Pixir's hidden folders whatever the roots.
 */
export function resolveForTool(
  ctx: ToolContext,
  userPath: string,
  need: AccessNeed,
): Promise<WorkspacePath | { ok: false; error: ToolError }> {
  return confine(ctx.workspace, userPath, ctx.access ?? workspaceOnly(ctx.workspace), need);
}

/** The default grant: read and write the workspace, nothing hidden. */
export function workspaceOnly(workspace: string): FileAccess {
  return { read: [workspace], write: [workspace], hidden: [] };
}

async function confine(
  workspace: string,
  userPath: string,
  access: FileAccess,
  need: AccessNeed,
): Promise<WorkspacePath | { ok: false; error: ToolError }> {
  const details = { path: userPath };
  const roots = access[need];
  const outside = {
    ok: false as const,
    error: {
      kind: "outside_workspace" as const,
      message: outsideMessage(userPath, roots, need),
      details,
    },
  };
  const absolute = resolve(workspace, userPath);
  let real: string;
  try {
    real = await realPathAllowingMissing(absolute, 0);
  } catch (error) {
    // In the Worker, the runtime refuses to even resolve paths beyond its grant: say why.
    if (error instanceof Deno.errors.NotCapable && !roots.some((r) => isWithin(r, absolute))) {
      return outside;
    }
    return { ok: false, error: fsError(error, userPath) };
  }
  // A path above a hidden folder is refused too: listing or searching it would reach inside.
  if (access.hidden.some((hidden) => isWithin(hidden, real) || isWithin(real, hidden))) {
    const message = `${userPath} is or contains Pixir's private folder, which tools never access`;
    return { ok: false, error: { kind: "denied", message, details } };
  }
  const root = roots.find((candidate) => isWithin(candidate, real));
  if (root === undefined) return outside;
  // Git's config can name programs that read-only git commands run (fsmonitor, diff drivers):
  // letting file tools edit it would turn a file write into running code without approval.
  const steersGit = need === "write" ? gitConfigRefusal(workspace, root, real) : null;
  if (steersGit !== null) {
    const message = `${userPath} ${steersGit}, which file tools never change`;
    return { ok: false, error: { kind: "denied", message, details } };
  }
  return { ok: true, path: real, relative: displayPath(workspace, real) };
}

/** Why a path outside every root is refused, in terms of what the policy allows. */
function outsideMessage(userPath: string, roots: readonly string[], need: AccessNeed): string {
  if (roots.length === 0) return `${userPath} cannot be written: Pixir runs read-only`;
  const verb = need === "read" ? "read" : "written";
  return `${userPath} resolves outside the workspace; only paths inside it (or in a folder ` +
    `granted with --allow-${need}) may be ${verb}`;
}

/** True when `candidate` is `root` or below it, compared segment by segment. */
export function isWithin(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  if (rel === "") return true;
  if (isAbsolute(rel)) return false; // another drive on Windows
  return rel.split(sep)[0] !== "..";
}

/** How to show `absolutePath` to the model: relative to the workspace when inside it. */
export function displayPath(workspace: string, absolutePath: string): string {
  return isWithin(workspace, absolutePath)
    ? relative(workspace, absolutePath) || "."
    : absolutePath;
}

/**
 * The real path of `absolute`, where a missing tail is kept as written. A dangling symlink is
 * followed to its target, because creating the file would create the target.
 */
async function realPathAllowingMissing(absolute: string, hops: number): Promise<string> {
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      return join(await Deno.realPath(existing), ...missing);
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    const target = await danglingLinkTarget(existing);
    if (target !== null) {
      if (hops >= MAX_SYMLINK_HOPS) throw new Deno.errors.FilesystemLoop();
      const linkDir = await Deno.realPath(dirname(existing));
      return realPathAllowingMissing(resolve(linkDir, target, ...missing), hops + 1);
    }
    const parent = dirname(existing);
    if (parent === existing) return join(existing, ...missing);
    missing.unshift(basename(existing));
    existing = parent;
  }
}

/** The target of `path` when it is a symlink (whose target does not resolve), else null. */
async function danglingLinkTarget(path: string): Promise<string | null> {
  try {
    const info = await Deno.lstat(path);
    return info.isSymlink ? await Deno.readLink(path) : null;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** Errors meaning "this path does not exist (yet)": a missing entry or a file used as a directory. */
function isMissing(error: unknown): boolean {
  return error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory;
}
