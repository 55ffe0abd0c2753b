/**
 * Project context: the `AGENTS.md` files that tell the model how a user and a project like to work.
 * They are gathered from Pixir's config folder (the user's own notes), then from the repository
 * root down to the workspace, so the nearest file comes last and reads as the most specific.
 *
 * - The repository root is the nearest ancestor of the workspace (itself included) holding a
 *   `.git` entry; without one, only the workspace itself is searched.
 * - Each file is capped (`fileCap` bytes) and all of them together too (`totalCap`); the budget goes
 *   to the nearest files first, since they say the most about the task at hand. A cut file ends
 *   with a note saying how much was left out.
 * - A project file that is a symlink resolving outside the repository root is skipped with a
 *   warning: a checkout must not pull arbitrary files of the machine into the prompt. The config
 *   folder is the user's own, so its file is read wherever it points.
 * - A missing file is silence; an unreadable one is skipped with a warning.
 */

import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

/** The name of a project-context file. */
export const CONTEXT_FILE_NAME = "AGENTS.md";

/** Default cap on one file, in bytes. */
export const DEFAULT_FILE_CAP = 32 * 1024;

/** Default cap on all files together, in bytes. */
export const DEFAULT_TOTAL_CAP = 64 * 1024;

/** What kind of entry a path names, without following a final symlink. */
export type EntryKind = "file" | "directory" | "symlink" | "other";

/** The filesystem reads project context needs (injected so tests can fake failures). */
export interface ContextFs {
  /** The kind of the entry at `path` (like lstat), or null when nothing is there. */
  kind(path: string): Promise<EntryKind | null>;
  /** The canonical path of `path`, symlinks resolved; throws when it cannot be resolved. */
  realPath(path: string): Promise<string>;
  /** The bytes of the file at `path`; throws on any failure. */
  readFile(path: string): Promise<Uint8Array>;
}

/** One context file as it goes into the instructions. */
export interface ContextFile {
  /** Where it was found. */
  path: string;
  /** Its text, cut to its share of the caps (with the truncation note when cut). */
  text: string;
  /** True when part of the file was left out. */
  truncated: boolean;
}

/** What was gathered, and what was skipped and why. */
export interface ProjectContext {
  files: ContextFile[];
  warnings: string[];
}

/** Where to look and how much to take. */
export interface ProjectContextOptions {
  /** Pixir's config folder (`PixirPaths.configDir`). */
  configDir: string;
  /** The workspace (a real path). */
  workspace: string;
  fs: ContextFs;
  fileCap?: number;
  totalCap?: number;
}

/** The filesystem through Deno. */
export const denoContextFs: ContextFs = {
  async kind(path) {
    try {
      const info = await Deno.lstat(path);
      if (info.isSymlink) return "symlink";
      if (info.isFile) return "file";
      return info.isDirectory ? "directory" : "other";
    } catch (error) {
      if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
        return null;
      }
      throw error;
    }
  },
  realPath: (path) => Deno.realPath(path),
  readFile: (path) => Deno.readFile(path),
};

/** A candidate file: where it is and the folder a symlink must stay inside (null: anywhere). */
interface Candidate {
  path: string;
  confinedTo: string | null;
}

/** Finds and reads the project-context files for a workspace, in instruction order. */
export async function loadProjectContext(options: ProjectContextOptions): Promise<ProjectContext> {
  const fileCap = options.fileCap ?? DEFAULT_FILE_CAP;
  const totalCap = options.totalCap ?? DEFAULT_TOTAL_CAP;
  const warnings: string[] = [];
  const root = await repositoryRoot(options.workspace, options.fs);
  const candidates: Candidate[] = [
    { path: join(options.configDir, CONTEXT_FILE_NAME), confinedTo: null },
    ...foldersFrom(root, options.workspace).map((dir) => ({
      path: join(dir, CONTEXT_FILE_NAME),
      confinedTo: root,
    })),
  ];

  const found: { path: string; bytes: Uint8Array }[] = [];
  for (const [index, candidate] of candidates.entries()) {
    // With PIXIR_HOME inside the repository, the user's file is also a project file: read it once.
    if (candidates.findIndex((c) => c.path === candidate.path) !== index) continue;
    const bytes = await readCandidate(candidate, options.fs, warnings);
    if (bytes !== null) found.push({ path: candidate.path, bytes });
  }

  // The nearest file is served first, so a deep workspace keeps its own instructions.
  let budget = totalCap;
  const files: (ContextFile | null)[] = new Array(found.length).fill(null);
  for (let i = found.length - 1; i >= 0; i--) {
    const { path, bytes } = found[i];
    const share = Math.min(fileCap, budget);
    if (share <= 0) {
      warnings.push(`${path}: left out, the project context is over ${totalCap} bytes`);
      continue;
    }
    files[i] = cut(path, bytes, share);
    budget -= Math.min(bytes.length, share);
  }
  return { files: files.filter((f): f is ContextFile => f !== null), warnings };
}

/** The nearest folder from `workspace` up holding `.git`, else the workspace itself. */
async function repositoryRoot(workspace: string, fs: ContextFs): Promise<string> {
  for (let dir = resolve(workspace);; dir = dirname(dir)) {
    if (await fs.kind(join(dir, ".git")).catch(() => null)) return dir;
    if (dirname(dir) === dir) return resolve(workspace);
  }
}

/** `root`, then each folder below it on the way to `workspace`, ending with `workspace`. */
function foldersFrom(root: string, workspace: string): string[] {
  const rest = relative(root, workspace);
  const folders = [root];
  if (rest === "") return folders;
  let dir = root;
  for (const part of rest.split(sep)) {
    dir = join(dir, part);
    folders.push(dir);
  }
  return folders;
}

/** The bytes of a candidate, or null (with a warning when that is worth one). */
async function readCandidate(
  candidate: Candidate,
  fs: ContextFs,
  warnings: string[],
): Promise<Uint8Array | null> {
  const { path, confinedTo } = candidate;
  try {
    const kind = await fs.kind(path);
    // Folders and special files (a FIFO would block the read) are not context files.
    if (kind === null || kind === "directory" || kind === "other") return null;
    if (kind === "symlink" && confinedTo !== null) {
      const target = await fs.realPath(path);
      if (!isInside(target, confinedTo)) {
        warnings.push(`${path}: skipped, it links outside the repository (${target})`);
        return null;
      }
    }
    return await fs.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    const reason = error instanceof Error ? error.message : String(error);
    warnings.push(`${path}: skipped, cannot read it (${reason})`);
    return null;
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** The file's text within `limit` bytes, cut on a character boundary, with a note when cut. */
function cut(path: string, bytes: Uint8Array, limit: number): ContextFile {
  if (bytes.length <= limit) {
    return { path, text: new TextDecoder().decode(bytes), truncated: false };
  }
  // A cut inside a multi-byte character decodes to U+FFFD at the end; drop it.
  const text = new TextDecoder().decode(bytes.subarray(0, limit)).replace(/\uFFFD+$/, "");
  const note = `\n\n[${path} was cut to ${limit} of ${bytes.length} bytes]`;
  return { path, text: text + note, truncated: true };
}
