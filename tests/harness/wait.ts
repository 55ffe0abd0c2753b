/** Bounded waiting for a condition that another task makes true: a hang fails, never stalls. */

/** How long `waitUntil` waits by default before it fails. */
export const WAIT_LIMIT_MS = 10_000;

/**
 * Resolves once `condition()` is true, checking every `everyMs`; rejects naming `what` when it is
 * still false after `limitMs`.
 */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  { limitMs = WAIT_LIMIT_MS, everyMs = 5 }: { limitMs?: number; everyMs?: number } = {},
): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!condition()) {
    if (performance.now() > deadline) {
      throw new Error(`waited ${limitMs} ms for ${what}, in vain`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
