/**
 * Stdout and stderr behind one ordered queue. A streamed answer arrives as thousands of small
 * deltas; writing each one with its own awaited write costs a round trip through the runtime's I/O
 * threads per delta. Here a write is queued and settles at once, and one writer at a time drains
 * everything queued so far in as few writes as there are switches between the two streams: bytes
 * reach each stream, and the two streams interleave, exactly as they were written.
 */

import type { TextSink } from "./io.ts";

/** Stdout and stderr whose writes are queued, and how to wait until they are all written. */
export interface OutputQueue {
  stdout: TextSink;
  stderr: TextSink;
  /** Resolves once everything queued is written; rejects with the first write's failure. */
  flush(): Promise<void>;
  /**
   * Writes what is still queued at once, without waiting (for a process that must end now); a
   * failure is ignored, as the process is ending anyway.
   */
  flushSync(): void;
}

/** Queued text beyond which a write waits for the writer (so a stalled reader bounds memory). */
const DEFAULT_LIMIT = 64 * 1024;

interface Pending {
  target: TextSink;
  parts: string[];
}

/**
 * Queues the writes of `stdout` and `stderr` in one order. A write settles once queued, unless
 * more than `limit` characters wait: then it settles when the writer has caught up. The first
 * failed write (a closed pipe) fails that write's caller if it waits, every later write, and
 * `flush`.
 */
export function outputQueue(
  stdout: TextSink,
  stderr: TextSink,
  limit = DEFAULT_LIMIT,
): OutputQueue {
  const pending: Pending[] = [];
  let queued = 0;
  let draining: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;

  const drain = async () => {
    try {
      // The writer starts after the events already at hand are handled (a network read brings
      // many deltas at once), so they go out in one write.
      await new Promise((resolve) => setTimeout(resolve, 0));
      while (pending.length > 0) {
        const { target, parts } = pending.shift()!;
        const text = parts.length === 1 ? parts[0] : parts.join("");
        queued -= text.length;
        await target.write(text);
      }
    } catch (error) {
      failure = { error };
      pending.length = 0;
      queued = 0;
    } finally {
      draining = null;
    }
  };

  const settled = async () => {
    while (draining !== null) await draining;
    if (failure !== null) throw failure.error;
  };

  const sink = (target: TextSink): TextSink => ({
    isTerminal: target.isTerminal,
    ...(target.columns ? { columns: () => target.columns!() } : {}),
    write(text) {
      if (failure !== null) return Promise.reject(failure.error);
      if (text === "") return Promise.resolve();
      const last = pending.at(-1);
      // The entry the writer is writing has left the queue; later text starts a new one.
      if (last !== undefined && last.target === target) last.parts.push(text);
      else pending.push({ target, parts: [text] });
      queued += text.length;
      draining ??= drain();
      return queued > limit ? settled() : Promise.resolve();
    },
  });

  return {
    stdout: sink(stdout),
    stderr: sink(stderr),
    flush: settled,
    flushSync() {
      try {
        for (const { target, parts } of pending.splice(0)) target.writeSync?.(parts.join(""));
      } catch {
        // The process is ending; a reader that went away misses what it would have missed.
      }
      queued = 0;
    },
  };
}
