/**
 * Running one shell command to completion: stdout and stderr combined in arrival order, output
 * kept bounded while it streams, a timeout, abort, and a kill that reaches the command's whole
 * process group, so background children cannot keep Pixir waiting.
 */

import { type LimitedOutput, OutputLimiter, type OutputLimits } from "./truncation.ts";

/**
 * What runs: the command line through `bash -c`, as typed; or a program with its arguments and
 * no shell at all (the judged words of a safe-list command, so nothing is expanded after judging).
 */
export type Invocation =
  | { kind: "shell" }
  | { kind: "argv"; argv: readonly string[]; env: Readonly<Record<string, string>> };

/** How to run a command. */
export interface ShellOptions {
  /** The bash executable (a name on PATH or a path). */
  shell: string;
  /** A program and arguments that run the command, such as an OS sandbox; none by default. */
  launcher?: readonly string[];
  /** Working directory. */
  cwd: string;
  timeoutMs: number;
  /** Aborting it kills the command. */
  signal: AbortSignal;
  /**
   * Start the command as its own process group (session) and signal the whole group. Off where
   * the OS has none (Windows); then only the shell itself is signalled.
   */
  processGroup: boolean;
  /** After SIGTERM, how long the command gets to exit before SIGKILL. */
  killGraceMs: number;
  /** After the shell is gone, how long to wait for the output pipe to close. */
  drainMs: number;
  limits?: Partial<OutputLimits>;
}

/** How a command ended. */
export type ShellEnd =
  /** It exited by itself: with a code, or by a signal it did not get from Pixir. */
  | { kind: "exited"; code: number; signal: Deno.Signal | null }
  | { kind: "timeout" }
  | { kind: "aborted" }
  /** The shell could not be started at all. */
  | { kind: "spawn_failed"; message: string };

/** The end of a command and its bounded, combined output. */
export interface ShellOutcome {
  end: ShellEnd;
  output: LimitedOutput;
  /** True when processes it left running in the background held the output open and were killed. */
  stoppedBackground: boolean;
}

/**
 * Environment variables removed before the command runs: credentials Pixir uses itself. (A command
 * of the same user can still read them from Pixir's own /proc entry; the README says so.)
 */
export const HIDDEN_VARIABLES: readonly string[] = ["OPENAI_API_KEY"];

/** Runs `command` with `bash -c` and waits for it, within the limits of `options`. */
export function runShell(command: string, options: ShellOptions): Promise<ShellOutcome> {
  return runCommand(command, { kind: "shell" }, options);
}

/**
 * Runs `command` as `invocation` says and waits for it, within the limits of `options`: through
 * `bash -c` as typed, or as a bare argv (no shell) with its environment additions.
 */
export async function runCommand(
  command: string,
  invocation: Invocation,
  options: ShellOptions,
): Promise<ShellOutcome> {
  const limiter = new OutputLimiter({ ...options.limits, keep: "head_and_tail" });
  if (options.signal.aborted) {
    return { end: { kind: "aborted" }, output: limiter.finish(), stoppedBackground: false };
  }
  let child: Deno.ChildProcess;
  // `exec 2>&1` on a line of its own: the shell's stderr (its own errors included, such as a
  // syntax error in the command) joins stdout, so the two interleave in true arrival order.
  // Pixir's own secrets are not handed to the model's commands.
  const prelude = `exec 2>&1\nunset ${HIDDEN_VARIABLES.join(" ")}\n`;
  const shell = invocation.kind === "shell";
  const argv = [
    ...options.launcher ?? [],
    ...(shell ? [options.shell, "-c", `${prelude}${command}`] : invocation.argv),
  ];
  // Without a shell there is no `unset`: the variables are emptied instead (Deno can only add).
  const env = shell ? undefined : {
    ...Object.fromEntries(HIDDEN_VARIABLES.map((name) => [name, ""])),
    ...invocation.env,
  };
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: options.cwd,
      ...(env === undefined ? {} : { env }),
      stdin: "null",
      stdout: "piped",
      // Without a shell to join them, stderr is read beside stdout, chunk by chunk as it comes.
      stderr: shell ? "null" : "piped",
      detached: options.processGroup,
    }).spawn();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      end: { kind: "spawn_failed", message: `could not start ${argv[0]}: ${reason}` },
      output: limiter.finish(),
      stoppedBackground: false,
    };
  }

  const pump = invocation.kind === "shell"
    ? new OutputPump(child.stdout, limiter)
    : new MergedPump([child.stdout, child.stderr], limiter);
  const timers = new AbortController();
  try {
    const first = await Promise.race([
      child.status.then((status) => ({ kind: "exited" as const, status })),
      delay(options.timeoutMs, timers.signal).then(() => ({ kind: "timeout" as const })),
      whenAborted(options.signal, timers.signal).then(() => ({ kind: "aborted" as const })),
    ]);
    if (first.kind !== "exited") {
      await terminate(child, options);
    }
    let stoppedBackground = false;
    if (!(await within(pump.done, options.drainMs))) {
      // The shell is gone but something it started still holds the pipe: stop the group.
      signalTree(child, "SIGKILL", options.processGroup);
      stoppedBackground = first.kind === "exited";
      if (!(await within(pump.done, options.drainMs))) await pump.cancel();
    }
    const end: ShellEnd = first.kind === "exited"
      ? { kind: "exited", code: first.status.code, signal: first.status.signal }
      : { kind: first.kind };
    return { end, output: limiter.finish(), stoppedBackground };
  } finally {
    timers.abort();
  }
}

/** SIGTERM to the command, then SIGKILL if it has not exited after the grace period. */
async function terminate(child: Deno.ChildProcess, options: ShellOptions): Promise<void> {
  signalTree(child, "SIGTERM", options.processGroup);
  if (await within(child.status, options.killGraceMs)) return;
  signalTree(child, "SIGKILL", options.processGroup);
  await within(child.status, options.killGraceMs);
}

/** Sends `signal` to the child's process group, or to the child alone if there is no group. */
function signalTree(child: Deno.ChildProcess, signal: Deno.Signal, processGroup: boolean): void {
  if (processGroup) {
    try {
      // A negative pid addresses the process group the detached child leads.
      Deno.kill(-child.pid, signal);
      return;
    } catch {
      // The group is already gone, or cannot be signalled: fall back to the child itself.
    }
  }
  try {
    child.kill(signal);
  } catch {
    // Already exited.
  }
}

/** Reads a byte stream into a limiter as text until it ends or is cancelled. */
class OutputPump {
  /** Settles when the stream has ended (or was cancelled) and all text is in the limiter. */
  readonly done: Promise<void>;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(stream: ReadableStream<Uint8Array>, limiter: OutputLimiter) {
    this.#reader = stream.getReader();
    this.done = this.#run(limiter);
  }

  /** Stops reading; what arrived so far stays in the limiter. */
  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
    await this.done;
  }

  async #run(limiter: OutputLimiter): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done) break;
        limiter.push(decoder.decode(value, { stream: true }));
      }
    } catch {
      // A read error ends the output like end-of-file; the exit status still tells the story.
    } finally {
      this.#reader.releaseLock();
    }
    limiter.push(decoder.decode());
  }
}

/** Several output pumps into one limiter, seen as one: done when all are, cancelled together. */
class MergedPump {
  readonly done: Promise<void>;
  readonly #pumps: OutputPump[];

  constructor(streams: readonly ReadableStream<Uint8Array>[], limiter: OutputLimiter) {
    this.#pumps = streams.map((stream) => new OutputPump(stream, limiter));
    this.done = Promise.all(this.#pumps.map((pump) => pump.done)).then(() => {});
  }

  async cancel(): Promise<void> {
    await Promise.all(this.#pumps.map((pump) => pump.cancel()));
  }
}

/** Resolves after `ms`, or as soon as `cancel` aborts; true only when the time ran out. */
function delay(ms: number, cancel: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (cancel.aborted) return resolve(false);
    const timer = setTimeout(() => resolve(true), ms);
    cancel.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve(false);
    }, { once: true });
  });
}

/** Resolves when `signal` aborts; never when `cancel` aborts first. */
function whenAborted(signal: AbortSignal, cancel: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true, signal: cancel });
  });
}

/** True when `promise` settles within `ms`; the timer is cleared either way. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise.then(() => true, () => true),
      delay(ms, timer.signal).then(() => false),
    ]);
  } finally {
    timer.abort();
  }
}
