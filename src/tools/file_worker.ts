/**
 * The host side of the file-tool Worker: one long-lived Worker per run (starting one costs tens of
 * milliseconds), started with the permissions of the run's FileAccess, restarted after a crash or
 * an abort. A crash becomes the failed result of the calls it interrupted, never an exception.
 */

import type { FileAccess, Tool, ToolResult } from "./tool.ts";
import { fail } from "./failure.ts";
import { type WorkerPermissions, workerPermissions } from "./worker_permissions.ts";

/** A call sent to the Worker. */
export interface FileToolRequest {
  id: number;
  name: string;
  argumentsJson: string;
  workspace: string;
  access: FileAccess;
}

/** The Worker's answer to the call with the same id. */
export interface FileToolReply {
  id: number;
  result: ToolResult;
}

/** The part of a Worker the host uses; tests pass stand-ins. */
export interface WorkerHandle {
  postMessage(message: FileToolRequest): void;
  onmessage: ((event: MessageEvent<FileToolReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** Starts a Worker with the given permissions. */
export type StartWorker = (permissions: WorkerPermissions) => WorkerHandle;

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

/** What the host needs to run file tools in a Worker. */
export interface FileWorkerOptions {
  workspace: string;
  access: FileAccess;
  start?: StartWorker;
}

interface Pending {
  resolve(result: ToolResult): void;
}

/** Runs file tool calls in a permission-scoped Worker. */
export class FileToolWorker {
  readonly #options: FileWorkerOptions;
  readonly #start: StartWorker;
  #worker: WorkerHandle | undefined;
  #permissions: Promise<WorkerPermissions> | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(options: FileWorkerOptions) {
    this.#options = options;
    this.#start = options.start ?? startDenoWorker;
  }

  /** The permissions the Worker runs with (computed once, on first use). */
  permissions(): Promise<WorkerPermissions> {
    this.#permissions ??= workerPermissions(this.#options.access);
    return this.#permissions;
  }

  /** Runs tool `name` in the Worker. An abort stops the Worker (it restarts on the next call). */
  async call(name: string, argumentsJson: string, signal: AbortSignal): Promise<ToolResult> {
    if (signal.aborted) return aborted(name);
    const worker = await this.#running();
    const id = this.#nextId++;
    const { workspace, access } = this.#options;
    const reply = new Promise<ToolResult>((resolve) => this.#pending.set(id, { resolve }));
    const onAbort = () => this.#stop(aborted(name));
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      worker.postMessage({ id, name, argumentsJson, workspace, access });
      return await reply;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Stops the Worker; calls still running fail as aborted. */
  close(): void {
    this.#stop(fail("aborted", "Pixir stopped before the call finished."));
  }

  async #running(): Promise<WorkerHandle> {
    if (this.#worker !== undefined) return this.#worker;
    const worker = this.#start(await this.permissions());
    worker.onmessage = (event) => {
      const pending = this.#pending.get(event.data.id);
      this.#pending.delete(event.data.id);
      pending?.resolve(event.data.result);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#stop(fail("io", `The file tool crashed: ${event.message}`));
    };
    this.#worker = worker;
    return worker;
  }

  /** Terminates the Worker and settles every pending call with `result`. */
  #stop(result: ToolResult): void {
    this.#worker?.terminate();
    this.#worker = undefined;
    for (const pending of this.#pending.values()) pending.resolve(result);
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

function aborted(name: string): ToolResult {
  return fail("aborted", `The ${name} call was aborted.`);
}
