/**
 * An exclusive lock that holds across processes, taken on a sidecar lock file with the OS's
 * advisory file locks (`flock` on Unix, `LockFileEx` on Windows) through Deno's
 * `FsFile.tryLock(true)`. The lock belongs to the open file, not the process, so two acquisitions
 * in one process exclude each other just as two processes do, and the OS releases it if the
 * holder dies. Deno's blocking `lock()` cannot be cancelled or bounded, so waiting polls
 * `tryLock` with a growing pause until a deadline.
 */

/** How to wait for the lock. */
export interface LockWait {
  /** Give up after this long; default 60 s. */
  timeoutMs?: number;
  /** Stop waiting when this aborts; its reason is thrown. */
  signal?: AbortSignal;
  /** The clock for the deadline, Unix milliseconds; default `Date.now`. */
  now?: () => number;
  /** Pauses between attempts, settling early when `signal` aborts; default a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The lock could not be taken: its file cannot be opened, or the wait ran out. */
export class LockError extends Error {
  /** The lock file. */
  readonly path: string;
  constructor(path: string, problem: string) {
    super(`cannot lock ${path}: ${problem}`);
    this.name = "LockError";
    this.path = path;
  }
}

const DEFAULT_TIMEOUT_MS = 60_000;
const FIRST_PAUSE_MS = 10;
const LONGEST_PAUSE_MS = 250;

/**
 * Runs `fn` while holding the exclusive lock on `path` (created with mode 0600 if missing; its
 * folder must exist) and releases it when `fn` settles, whether it returns or throws. The lock
 * file is left in place: deleting it could let two holders lock two different files.
 */
export async function withLock<T>(
  path: string,
  fn: () => Promise<T>,
  wait: LockWait = {},
): Promise<T> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
  } catch (error) {
    throw new LockError(path, error instanceof Error ? error.message : String(error));
  }
  try {
    await acquire(file, path, wait);
    try {
      return await fn();
    } finally {
      await file.unlock();
    }
  } finally {
    file.close();
  }
}

async function acquire(file: Deno.FsFile, path: string, wait: LockWait): Promise<void> {
  const now = wait.now ?? Date.now;
  const sleep = wait.sleep ?? timerSleep;
  const timeoutMs = wait.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deadline = now() + timeoutMs;
  let pause = FIRST_PAUSE_MS;
  while (true) {
    wait.signal?.throwIfAborted();
    if (await file.tryLock(true)) return;
    const remaining = deadline - now();
    if (remaining <= 0) {
      throw new LockError(path, `another process held it for over ${waited(timeoutMs)}`);
    }
    await sleep(Math.min(pause, remaining), wait.signal);
    pause = Math.min(pause * 2, LONGEST_PAUSE_MS);
  }
}

function waited(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

function timerSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
