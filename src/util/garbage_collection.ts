/**
 * Asking V8 for a garbage collection. Memory V8 cannot see (a Blob's bytes live in Deno's Rust
 * side) is freed only when a collection finds its small JavaScript handle unreachable, and V8 plans
 * collections by what it can see: a long session's request bodies would pile up, one per request,
 * until some later collection. The binary's V8 options expose `gc` (`--expose-gc`) for this.
 */

/** V8's `gc` as `--expose-gc` defines it. */
type ExposedGc = (options: { type: "major"; execution: "async" }) => Promise<void>;

/**
 * Starts a full collection that runs as a task of its own (the caller is not held up); nothing
 * where `gc` is not exposed (tests, a `deno run` without the option).
 * @example
 * ```ts
 * requestCollection(); // after dropping the last reference to a large Blob
 * ```
 */
export function requestCollection(): void {
  const gc = (globalThis as { gc?: ExposedGc }).gc;
  gc?.({ type: "major", execution: "async" }).catch(() => {});
}
