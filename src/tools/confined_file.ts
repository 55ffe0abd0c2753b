/**
 * Opening, listing and replacing files inside the granted roots so that a folder swapped for a
 * symlink between Pixir's check and its use cannot redirect the operation (verify-after-open).
 *
 * Deno has no `openat`, so the folder is pinned instead: the process's current directory is set to
 * it, and the kernel's answer to "where is the current directory?" must be the confined real path.
 * Deno resolves every path, relative ones too, through the current directory's path, so entering
 * the folder does not anchor later calls: the folder's place is checked again before renaming and
 * after listing. Without bubblewrap this narrows races rather than closing them: a swap timed
 * between a check and Deno's use of the path can leave a write's temp file in, rename it into, or
 * list the names of the swapped-in folder (see README). A file opened by that name is checked by
 * its open handle (`fstat`): it must be a regular file, the very inode the name held when checked
 * (so a symlink swapped in for the name is caught), and none of Pixir's own files (so a hardlink to
 * `auth.json` is refused). A write goes to a temp file in the pinned folder and is renamed there,
 * after checking the folder is still where it was confined.
 *
 * The current directory is shared by the whole process: file tool calls run one at a time, and the
 * rest of Pixir never resolves a path against the current directory (it uses absolute paths).
 */

import { basename, dirname, join } from "node:path";
import type { ToolContext, ToolError } from "./tool.ts";
import { fsError } from "./failure.ts";
import { isWithin, type WorkspacePath } from "./workspace.ts";
import { sha256Hex } from "../util/sha256.ts";

/** A failed confined operation, shaped like a failed ToolResult. */
export interface ConfinedFailure {
  ok: false;
  error: ToolError;
}

/** A file's identity: device and inode, `dev:ino`; null where the OS reports none (Windows). */
export function fileKey(info: Deno.FileInfo): string | null {
  return info.ino === null ? null : `${info.dev}:${info.ino}`;
}

/** What kind of special file `info` is, or null for a regular file, folder or symlink. */
export function specialKind(info: Deno.FileInfo): string | null {
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isSocket) return "a socket";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  return null;
}

/** The refusal of a special file: opening one can block forever or touch hardware. */
export function specialFileError(display: string, kind: string): ConfinedFailure {
  return failure(
    "special_file",
    `${display} is ${kind}, not a regular file; file tools never open FIFOs, sockets or devices`,
    display,
  );
}

/** The refusal of one of Pixir's own files, however it was reached (a hardlink included). */
function pixirFileError(display: string): ConfinedFailure {
  return failure(
    "denied",
    `${display} is one of Pixir's own files (a link to its credentials, rules or logs), which tools never access`,
    display,
  );
}

/** The refusal when a path changed between Pixir's check and its use. */
function changedError(display: string): ConfinedFailure {
  return failure(
    "denied",
    `${display} changed while it was being opened (a folder or file was replaced, e.g. by a symlink); nothing was read or written`,
    display,
  );
}

function failure(kind: ToolError["kind"], message: string, display: string): ConfinedFailure {
  return { ok: false, error: { kind, message, details: { path: display } } };
}

/** True when `info` is one of Pixir's own files or folders. */
function isPixirFile(ctx: ToolContext, info: Deno.FileInfo): boolean {
  const key = fileKey(info);
  return key !== null && (ctx.pixirFiles?.has(key) ?? false);
}

/** A pinned folder: how to name an entry of it, and whether it is still where it was confined. */
interface Pinned {
  ok: true;
  /** The path to use for the entry `name` of the folder. */
  at(name: string): string;
  /** True while the folder is still at its confined path. */
  stillThere(): boolean;
}

/**
 * Pins the folder `dir` (a confined real path): makes it the current directory and checks the
 * kernel places it exactly at `dir`, and (with `identity`) that it is none of Pixir's folders.
 * Pinning happens only where `ctx.pinFolders` says so (the file tools' Worker, which runs one call
 * at a time), because the current directory belongs to the whole process; elsewhere, and for a folder the Worker may not
 * enter (one its grant left out because it holds Pixir's own folder), the folder is checked by its
 * real path and its entries are named by path.
 */
function pinFolder(
  ctx: ToolContext,
  dir: string,
  display: string,
  identity = true,
): Pinned | ConfinedFailure {
  if (ctx.pinFolders) {
    try {
      Deno.chdir(dir);
      if (!samePath(Deno.cwd(), dir)) return changedError(display);
      if (identity && isPixirFile(ctx, Deno.statSync("."))) return pixirFileError(display);
      return { ok: true, at: (name) => name, stillThere: () => samePath(Deno.cwd(), dir) };
    } catch (error) {
      if (!(error instanceof Deno.errors.NotCapable)) return folderError(error, display);
      // Deno refuses to enter a folder outside the grant: a swapped-in symlink, unless this is a
      // folder around Pixir's own, which the grant covers entry by entry.
      if (!(ctx.access?.hidden ?? []).some((hidden) => isWithin(dir, hidden))) {
        return changedError(display);
      }
    }
  }
  try {
    if (!samePath(Deno.realPathSync(dir), dir)) return changedError(display);
    if (identity && isPixirFile(ctx, Deno.statSync(dir))) return pixirFileError(display);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotCapable)) return folderError(error, display);
  }
  const stillThere = () => {
    try {
      return samePath(Deno.realPathSync(dir), dir);
    } catch (error) {
      return error instanceof Deno.errors.NotCapable;
    }
  };
  return { ok: true, at: (name) => join(dir, name), stillThere };
}

function folderError(error: unknown, display: string): ConfinedFailure {
  if (error instanceof Deno.errors.NotADirectory) {
    return failure("not_directory", `A component of ${display} is not a directory`, display);
  }
  return { ok: false, error: fsError(error, display) };
}

/**
 * True when the kernel's path of the current directory is `expected`. macOS and Windows file
 * systems usually ignore case, and the two may spell a folder differently; a swap still shows.
 */
function samePath(actual: string, expected: string): boolean {
  if (Deno.build.os === "darwin" || Deno.build.os === "windows") {
    return actual.toLowerCase() === expected.toLowerCase();
  }
  return actual === expected;
}

/**
 * Runs `body` and puts the current directory back afterwards (to where it was, or the workspace
 * when this Worker may not even look at where it was).
 */
async function keepingCurrentDirectory<T>(ctx: ToolContext, body: () => Promise<T>): Promise<T> {
  if (!ctx.pinFolders) return await body();
  let before = ctx.workspace;
  try {
    before = Deno.cwd();
  } catch {
    // Outside what this Worker may read: come back to the workspace instead.
  }
  try {
    return await body();
  } finally {
    for (const back of [before, ctx.workspace]) {
      try {
        Deno.chdir(back);
        break;
      } catch {
        // Not enterable by this Worker; the next candidate, else stay (paths are absolute).
      }
    }
  }
}

/** A regular file opened for reading, with the identity checked on its handle. */
export interface OpenedFile {
  ok: true;
  file: Deno.FsFile;
  info: Deno.FileInfo;
}

/**
 * Opens the regular file `target` for reading, race-free: its folder is pinned, special files
 * are refused before opening, and after opening the handle must be the inode the name holds.
 * Fails with `is_directory` for a folder.
 */
export function openConfined(
  ctx: ToolContext,
  target: WorkspacePath,
): Promise<OpenedFile | ConfinedFailure> {
  return keepingCurrentDirectory(ctx, () => {
    const pinned = pinFolder(ctx, dirname(target.path), target.relative);
    return Promise.resolve(
      pinned.ok ? openEntry(ctx, pinned, target.path, target.relative) : pinned,
    );
  });
}

/**
 * Opens the entry of the pinned folder that `path` names. The name is checked before opening
 * (never open a FIFO, which can block forever, or a symlink), and the opened handle must be that
 * very inode: a name swapped between the check and the open shows as another identity. Synchronous:
 * the file tools run on their own thread, and a search opens thousands of files.
 */
function openEntry(
  ctx: ToolContext,
  pinned: Pinned,
  path: string,
  display: string,
): OpenedFile | ConfinedFailure {
  const name = pinned.at(basename(path));
  try {
    const before = Deno.lstatSync(name);
    const refused = refuseEntry(ctx, before, display);
    if (refused) return refused;
    const file = Deno.openSync(name, { read: true });
    let info: Deno.FileInfo;
    try {
      info = file.statSync();
    } catch (error) {
      file.close();
      throw error;
    }
    if (!info.isFile || !sameFile(info, before)) {
      file.close();
      return changedError(display);
    }
    if (isPixirFile(ctx, info)) {
      file.close();
      return pixirFileError(display);
    }
    return { ok: true, file, info };
  } catch (error) {
    return { ok: false, error: fsError(error, display) };
  }
}

/** Why the entry `info` (from lstat) must not be opened as a file, or null when it may. */
function refuseEntry(
  ctx: ToolContext,
  info: Deno.FileInfo,
  display: string,
): ConfinedFailure | null {
  if (info.isDirectory) {
    return failure("is_directory", `${display} is a directory; use ls to list it`, display);
  }
  // The confined path has no symlink in it: one here was swapped in after the check.
  if (info.isSymlink) return changedError(display);
  const special = specialKind(info);
  if (special) return specialFileError(display, special);
  if (isPixirFile(ctx, info)) return pixirFileError(display);
  return null;
}

function sameFile(a: Deno.FileInfo, b: Deno.FileInfo): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** One entry of a pinned folder listing. */
export interface ListedEntry {
  name: string;
  isDirectory: boolean;
  isFile: boolean;
  isSymlink: boolean;
  /** The link's target text, for symlinks when asked for. */
  target?: string;
}

/** Lists the folder `target` (a confined real path) through its pinned inode. */
export function listConfined(
  ctx: ToolContext,
  target: WorkspacePath,
  withLinkTargets = false,
): Promise<{ ok: true; entries: ListedEntry[] } | ConfinedFailure> {
  return keepingCurrentDirectory(ctx, () => listPinned(ctx, target, withLinkTargets));
}

async function listPinned(
  ctx: ToolContext,
  target: WorkspacePath,
  withLinkTargets: boolean,
): Promise<{ ok: true; entries: ListedEntry[] } | ConfinedFailure> {
  const pinned = pinFolder(ctx, target.path, target.relative);
  if (!pinned.ok) return pinned;
  try {
    const entries: ListedEntry[] = [];
    for await (const entry of Deno.readDir(pinned.at("."))) {
      const listed: ListedEntry = { ...entry };
      if (entry.isSymlink && withLinkTargets) {
        listed.target = await Deno.readLink(pinned.at(entry.name));
      }
      entries.push(listed);
    }
    return { ok: true, entries };
  } catch (error) {
    return { ok: false, error: fsError(error, target.relative) };
  }
}

/**
 * The folders and files of one tree walk (find, grep), confined as `listConfined` and
 * `openConfined` confine one entry, but each folder is pinned once for the entries read in it
 * rather than once per entry: a search opens thousands of files. A folder swapped for a symlink
 * after the walk met it is refused when it is pinned or found moved after it was listed; a file's
 * bytes are shown only after its open handle passed `verify`.
 */
export class ConfinedTree {
  readonly #ctx: ToolContext;
  #dir: string | null = null;
  #pinned: Pinned | ConfinedFailure | null = null;

  constructor(ctx: ToolContext) {
    this.#ctx = ctx;
  }

  /** The entries of the folder `dir` (a path inside the walk's confined root). */
  list = (dir: string): Deno.DirEntry[] => {
    const pinned = this.#pin(dir, dir);
    if (!pinned.ok) {
      // Walks report filesystem exceptions in their own words; keep the kinds they know.
      if (pinned.error.kind === "not_directory") throw new Deno.errors.NotADirectory(dir);
      if (pinned.error.kind === "not_found") throw new Deno.errors.NotFound(dir);
      throw new Error(pinned.error.message);
    }
    const entries = [...Deno.readDirSync(pinned.at("."))];
    // Deno reads a folder by its path, not by the pinned directory: names listed while the
    // folder was swapped away are dropped (without bubblewrap this narrows the race, see README).
    if (!pinned.stillThere() || !Deno.lstatSync(dir).isDirectory) {
      this.#pinned = null;
      throw new Error(`${dir} changed while it was being listed`);
    }
    return entries;
  };

  /**
   * Opens `path`, an entry the walk listed as a regular file, by its name in its pinned folder,
   * without checking the name first: a search opens thousands of files and shows lines of few, so
   * the judgement is made on the open handle (`verify`) of a file whose lines are to be shown.
   * The name cannot lead outside the roots meanwhile: a symlink swapped in for it is resolved and
   * checked against the grant by Deno (the Worker's) or by the mounts (the bubblewrap child's).
   */
  open(path: string, display: string): { ok: true; file: Deno.FsFile } | ConfinedFailure {
    const pinned = this.#pin(dirname(path), display);
    if (!pinned.ok) return pinned;
    try {
      return { ok: true, file: Deno.openSync(pinned.at(basename(path)), { read: true }) };
    } catch (error) {
      return { ok: false, error: fsError(error, display) };
    }
  }

  /** Whether the open `file` may be shown: a regular file, and none of Pixir's own. */
  verify(file: Deno.FsFile, display: string): { ok: true } | ConfinedFailure {
    try {
      const info = file.statSync();
      if (!info.isFile) return changedError(display);
      if (isPixirFile(this.#ctx, info)) return pixirFileError(display);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: fsError(error, display) };
    }
  }

  #pin(dir: string, display: string): Pinned | ConfinedFailure {
    if (this.#dir !== dir || this.#pinned === null) {
      this.#dir = dir;
      // No identity check per folder: Pixir's folders are outside the grant (or the mounts), and
      // a file is shown only after `verify` checked its own identity.
      this.#pinned = pinFolder(this.#ctx, dir, display, false);
    }
    return this.#pinned;
  }
}

/** Runs `body` with a ConfinedTree, putting the current directory back afterwards. */
export function withConfinedTree<T>(
  ctx: ToolContext,
  body: (tree: ConfinedTree) => Promise<T>,
): Promise<T> {
  return keepingCurrentDirectory(ctx, () => body(new ConfinedTree(ctx)));
}

/** What a confined write did. */
export interface ConfinedWrite {
  ok: true;
  /** True when no file existed at the path before. */
  created: boolean;
  bytes: number;
  /** SHA-256 of what was written, in hex. */
  sha256: string;
}

/**
 * Replaces (or creates) the file `target` (confined for writing) with `content`, atomically and
 * race-free: missing folders are created one pinned step at a time, the content goes to a temp
 * file in the pinned folder, and it is renamed over the name only if the folder is still at the
 * confined path. The file gets `mode` when given, else an existing file keeps its own; a special
 * file, a folder or one of Pixir's files at the name is refused.
 */
export function writeConfined(
  ctx: ToolContext,
  target: WorkspacePath,
  content: Uint8Array<ArrayBuffer>,
  mode?: number,
): Promise<ConfinedWrite | ConfinedFailure> {
  return keepingCurrentDirectory(ctx, () => writePinned(ctx, target, content, mode));
}

async function writePinned(
  ctx: ToolContext,
  target: WorkspacePath,
  content: Uint8Array<ArrayBuffer>,
  wanted: number | undefined,
): Promise<ConfinedWrite | ConfinedFailure> {
  const display = target.relative;
  const dir = dirname(target.path);
  const made = await makeFolders(ctx, dir, display);
  if (made) return made;
  const pinned = pinFolder(ctx, dir, display);
  if (!pinned.ok) return pinned;
  const name = pinned.at(basename(target.path));
  let mode: number | null | undefined;
  try {
    const existing = await Deno.lstat(name);
    const refused = refuseEntry(ctx, existing, display);
    if (refused) return refused;
    mode = existing.mode === null ? null : existing.mode & 0o7777;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      return { ok: false, error: fsError(error, display) };
    }
  }
  const created = mode === undefined;
  if (wanted !== undefined) mode = wanted & 0o7777;
  const temp = pinned.at(`.${basename(target.path)}.${crypto.randomUUID()}.tmp`);
  try {
    const file = await Deno.open(temp, { write: true, createNew: true, mode: mode ?? 0o666 });
    try {
      for (let offset = 0; offset < content.length;) {
        offset += await file.write(content.subarray(offset));
      }
      await file.syncData();
    } finally {
      file.close();
    }
    // The umask may have narrowed the mode at creation; an existing file's mode is kept exactly.
    if (typeof mode === "number" && Deno.build.os !== "windows") await Deno.chmod(temp, mode);
    // Never rename through a folder that moved since it was confined; the rename follows the
    // check at once (synchronously: an asynchronous call waits for a thread first).
    if (!pinned.stillThere()) {
      await Deno.remove(temp).catch(() => {});
      return changedError(display);
    }
    Deno.renameSync(temp, name);
  } catch (error) {
    await Deno.remove(temp).catch(() => {});
    return { ok: false, error: fsError(error, display) };
  }
  return {
    ok: true,
    created,
    bytes: content.length,
    sha256: await sha256Hex(content),
  };
}

/**
 * Deletes the regular file `target` (confined for writing) by its name in its pinned folder, so a
 * folder swapped meanwhile cannot make it delete a file elsewhere. A folder, a special file, a
 * symlink or one of Pixir's files at the name is refused.
 */
export function removeConfined(
  ctx: ToolContext,
  target: WorkspacePath,
): Promise<{ ok: true } | ConfinedFailure> {
  return keepingCurrentDirectory(ctx, async () => {
    const display = target.relative;
    const pinned = pinFolder(ctx, dirname(target.path), display);
    if (!pinned.ok) return pinned;
    const name = pinned.at(basename(target.path));
    try {
      const refused = refuseEntry(ctx, await Deno.lstat(name), display);
      if (refused) return refused;
      // unlink removes a name swapped for a symlink since itself, never what it points at.
      if (!pinned.stillThere()) return changedError(display);
      Deno.removeSync(name);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: fsError(error, display) };
    }
  });
}

/**
 * Creates the missing folders of `dir` from its deepest existing ancestor down, each by a single
 * name inside its pinned parent, so no created folder can land outside the confined path.
 */
async function makeFolders(
  ctx: ToolContext,
  dir: string,
  display: string,
): Promise<ConfinedFailure | null> {
  try {
    const info = await Deno.lstat(dir);
    if (info.isDirectory) return null;
    if (!info.isSymlink) {
      return failure(
        "not_directory",
        `Cannot create ${display}: part of its directory path is a file`,
        display,
      );
    }
    return changedError(display);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      return { ok: false, error: fsError(error, display) };
    }
  }
  const parent = dirname(dir);
  if (parent === dir) return failure("not_found", `No such folder for ${display}`, display);
  const above = await makeFolders(ctx, parent, display);
  if (above) return above;
  const pinned = pinFolder(ctx, parent, display);
  if (!pinned.ok) return pinned;
  try {
    await Deno.mkdir(pinned.at(basename(dir)));
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) {
      return { ok: false, error: fsError(error, display) };
    }
  }
  return null;
}

/** What this machine gives verify-after-open, as `pixir doctor` reports it. */
export interface ConfinementProbe {
  /** A folder swapped for a symlink is caught when pinned. */
  pinning: boolean;
  /** Files have identities (device and inode), so opened files and hardlinks can be checked. */
  identities: boolean;
}

/** Exercises verify-after-open in a scratch folder: a real folder pins, a symlinked one does not. */
export async function probeConfinement(): Promise<ConfinementProbe> {
  const scratch = await Deno.realPath(await Deno.makeTempDir({ prefix: "pixir-probe-" }));
  const ctx: ToolContext = {
    workspace: scratch,
    signal: new AbortController().signal,
    pinFolders: true,
  };
  try {
    const real = join(scratch, "real");
    await Deno.mkdir(real);
    await Deno.writeTextFile(join(real, "f"), "x");
    const target = (dir: string): WorkspacePath => ({
      ok: true,
      path: join(scratch, dir, "f"),
      relative: `${dir}/f`,
    });
    const direct = await openConfined(ctx, target("real"));
    if (direct.ok) direct.file.close();
    let swapped: OpenedFile | ConfinedFailure | null = null;
    try {
      await Deno.symlink(real, join(scratch, "link"));
      swapped = await openConfined(ctx, target("link"));
      if (swapped.ok) swapped.file.close();
    } catch {
      // No symlinks here (Windows without the privilege): nothing to swap in either.
    }
    return {
      pinning: direct.ok && (swapped === null || !swapped.ok),
      identities: direct.ok && fileKey(direct.info) !== null,
    };
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
}
