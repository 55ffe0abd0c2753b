/**
 * The host side of the file-tool Worker: one long-lived Worker per run (starting one costs tens of
 * milliseconds), started with the permissions of the run's FileAccess, restarted after a crash, an
 * abort or a call that ran past its time limit. A crash becomes the failed result of the calls it
 * interrupted, never an exception. Calls are sent one at a time (the tools pin folders through the
 * process's current directory), and each gets the identities of Pixir's own files to refuse.
 */

import type { FileAccess, Tool, ToolError, ToolResult } from "./tool.ts";
import { fail } from "./failure.ts";
import type { PriorState } from "./prior_state.ts";
import { type WorkerPermissions, workerPermissions } from "./worker_permissions.ts";

/** What every call sent to the Worker carries. */
interface RequestBase {
  id: number;
  workspace: string;
  access: FileAccess;
  /** `dev:ino` of Pixir's own files and folders, refused by every tool. */
  pixirFiles: readonly string[];
}

/**
 * What a call asks of the Worker: a tool call, reading a file's state before a change (undo's
 * copy), or undo putting a file back or deleting one the turn created.
 */
type RequestBody =
  | { kind: "tool"; name: string; argumentsJson: string }
  | { kind: "prior_state"; path: string; maxBytes: number }
  | { kind: "restore"; path: string; content: Uint8Array<ArrayBuffer>; mode: number | null }
  | { kind: "remove"; path: string };

/** A call sent to the Worker. */
export type FileToolRequest = RequestBase & RequestBody;

/** The outcome of undo's restore or remove. */
export type FileChange = { ok: true } | { ok: false; error: ToolError };

/** The Worker's answer to the call with the same id. */
export type FileToolReply =
  | { id: number; kind: "tool"; result: ToolResult }
  | { id: number; kind: "prior_state"; prior: PriorState }
  | { id: number; kind: "change"; change: FileChange };

/** The part of a Worker the host uses; tests pass stand-ins. */
export interface WorkerHandle {
  postMessage(message: FileToolRequest): void;
  onmessage: ((event: MessageEvent<FileToolReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** Starts a Worker (or a child process speaking its protocol) with the given permissions. */
export type StartWorker = (permissions: WorkerPermissions) => WorkerHandle | Promise<WorkerHandle>;

/**
 * Starts the real Worker module with `permissions`. The module is named by a literal
 * `new URL(…, import.meta.url)` right here, so the build finds it and `deno compile --include`s it.
 */
export function startDenoWorker(permissions: WorkerPermissions): WorkerHandle {
  return new Worker(new URL("./worker.ts", import.meta.url), {
    type: "module",
    deno: { permissions },
  });
}

/** The time limit of one file tool call when the host is given none. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** What the host needs to run file tools in a Worker. */
export interface FileWorkerOptions {
  workspace: string;
  access: FileAccess;
  start?: StartWorker;
  /** The identities of Pixir's own files, as of now; asked before every call. */
  pixirFiles?: () => Promise<readonly string[]>;
  /** A call still running after this long is stopped (the Worker is restarted). */
  timeoutMs?: number;
}

interface Pending {
  resolve(reply: FileToolReply | Stopped): void;
}

/** Why a call ended without the Worker's answer. */
type Stopped = { kind: "stopped"; result: ToolResult & { ok: false } };

/** Runs file tool calls in a permission-scoped Worker. */
export class FileToolWorker {
  readonly #options: FileWorkerOptions;
  readonly #start: StartWorker;
  #worker: WorkerHandle | undefined;
  #permissions: Promise<WorkerPermissions> | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #queue: Promise<unknown> = Promise.resolve();
  /** The process's current directory, put back after each call (the Worker moves it). */
  readonly #home: string | undefined;

  constructor(options: FileWorkerOptions) {
    this.#options = options;
    this.#start = options.start ?? startDenoWorker;
    try {
      this.#home = Deno.cwd();
    } catch {
      this.#home = undefined; // Already gone: nothing to put back.
    }
  }

  /** The permissions the Worker runs with (computed once, on first use). */
  permissions(): Promise<WorkerPermissions> {
    this.#permissions ??= workerPermissions(this.#options.access);
    return this.#permissions;
  }

  /** The time limit of one call, in milliseconds. */
  get timeoutMs(): number {
    return this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Runs tool `name` in the Worker. An abort stops the Worker (it restarts on the next call). */
  async call(name: string, argumentsJson: string, signal: AbortSignal): Promise<ToolResult> {
    const reply = await this.#send(name, signal, { kind: "tool", name, argumentsJson });
    if (reply.kind === "stopped") return reply.result;
    return reply.kind === "tool" ? reply.result : protocolError(name);
  }

  /** Reads, in the Worker, what `path` holds before `write` or `edit` changes it. */
  async priorState(path: string, maxBytes: number, signal: AbortSignal): Promise<PriorState> {
    const reply = await this.#send("undo snapshot", signal, {
      kind: "prior_state",
      path,
      maxBytes,
    });
    if (reply.kind === "stopped") return reply.result;
    return reply.kind === "prior_state" ? reply.prior : protocolError("undo snapshot");
  }

  /**
   * Writes `content` (with `mode`, when known) to `path`, confined for writing, the way `write`
   * does: undo putting back a file's previous content.
   */
  async restore(
    path: string,
    content: Uint8Array<ArrayBuffer>,
    mode: number | null,
    signal: AbortSignal,
  ): Promise<FileChange> {
    return changeOf(
      await this.#send("undo restore", signal, { kind: "restore", path, content, mode }),
      "undo restore",
    );
  }

  /** Deletes the regular file `path`, confined for writing: undo removing a file a turn created. */
  async remove(path: string, signal: AbortSignal): Promise<FileChange> {
    return changeOf(
      await this.#send("undo remove", signal, { kind: "remove", path }),
      "undo remove",
    );
  }

  /** Stops the Worker; calls still running fail as aborted. */
  close(): void {
    this.#stop(fail("aborted", "Pixir stopped before the call finished."));
  }

  /** Sends one request once every earlier one has been answered. */
  #send(label: string, signal: AbortSignal, body: RequestBody): Promise<FileToolReply | Stopped> {
    const turn = this.#queue.then(() => this.#sendNow(label, signal, body));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #sendNow(
    label: string,
    signal: AbortSignal,
    body: RequestBody,
  ): Promise<FileToolReply | Stopped> {
    if (signal.aborted) return { kind: "stopped", result: aborted(label) };
    const pixirFiles = await this.#options.pixirFiles?.() ?? [];
    let worker: WorkerHandle;
    try {
      worker = await this.#running();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { kind: "stopped", result: fail("io", `The file tools could not start: ${reason}`) };
    }
    const id = this.#nextId++;
    const { workspace, access } = this.#options;
    const reply = new Promise<FileToolReply | Stopped>((resolve) =>
      this.#pending.set(id, { resolve })
    );
    const onAbort = () => this.#stop(aborted(label));
    signal.addEventListener("abort", onAbort, { once: true });
    const limit = this.timeoutMs;
    const timer = setTimeout(() => this.#stop(timedOut(label, limit)), limit);
    try {
      worker.postMessage({ id, workspace, access, pixirFiles, ...body });
      return await reply;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      this.#goHome();
    }
  }

  /** Puts the process's current directory back where it was when this host was made. */
  #goHome(): void {
    if (this.#home === undefined) return;
    try {
      Deno.chdir(this.#home);
    } catch {
      // Removed meanwhile: Pixir itself only uses absolute paths.
    }
  }

  async #running(): Promise<WorkerHandle> {
    if (this.#worker !== undefined) return this.#worker;
    const worker = await this.#start(await this.permissions());
    worker.onmessage = (event) => {
      const pending = this.#pending.get(event.data.id);
      this.#pending.delete(event.data.id);
      pending?.resolve(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#stop(fail("io", `The file tool crashed: ${event.message}`));
    };
    this.#worker = worker;
    return worker;
  }

  /** Terminates the Worker and settles every pending call with `result`. */
  #stop(result: ToolResult & { ok: false }): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const pending of this.#pending.values()) pending.resolve({ kind: "stopped", result });
    this.#pending.clear();
  }
}

/** `tools` with the same names, descriptions and schemas, run by `worker`. */
export function inWorker(tools: readonly Tool[], worker: FileToolWorker): Tool[] {
  return tools.map(({ name, description, parameters }) => ({
    name,
    description,
    parameters,
    run: (args, ctx) => worker.call(name, JSON.stringify(args), ctx.signal),
  }));
}

function aborted(label: string): ToolResult & { ok: false } {
  return fail("aborted", `The ${label} call was aborted.`);
}

function timedOut(label: string, limitMs: number): ToolResult & { ok: false } {
  return fail(
    "timeout",
    `The ${label} call was stopped after ${formatSeconds(limitMs)}, its time limit ` +
      "(PIXIR_TOOL_TIMEOUT_MS); nothing it was doing was finished. Narrow the call (a smaller " +
      "path, a simpler pattern) or use bash.",
    { limit_ms: limitMs },
  );
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** A restore's or remove's outcome from the Worker's reply. */
function changeOf(reply: FileToolReply | Stopped, label: string): FileChange {
  if (reply.kind === "stopped") return reply.result;
  return reply.kind === "change" ? reply.change : protocolError(label);
}

function protocolError(label: string): ToolResult & { ok: false } {
  return fail("io", `The ${label} call got an answer of the wrong kind from the file tools.`);
}
