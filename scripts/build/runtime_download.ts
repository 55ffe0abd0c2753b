/**
 * `deno compile` builds a binary on top of Deno's `denort` runtime for the target, which it
 * downloads from dl.deno.land unless it is cached or `DENORT_BIN` names one. Machines without that
 * access fail deep inside the compiler; this turns that failure into the fix.
 */

import { join } from "node:path";

/** What the fix needs to name: where Deno caches runtimes, and for which version. */
export interface RuntimeCache {
  /** `deno info --json` → denoDir. */
  denoDir: string;
  /** The compiling Deno's version, e.g. "2.9.6". */
  denoVersion: string;
}

/** Whether the compiler's stderr says it could not fetch the runtime. */
export function isRuntimeDownloadFailure(stderr: string): boolean {
  return /dl\.deno\.land|denort-[\w-]+\.zip/.test(stderr) &&
    /error sending request|dns error|Connect|timed out|status code/i.test(stderr);
}

/** Where Deno looks for a runtime before it downloads one. */
export function cachedRuntimePath(cache: RuntimeCache, triple: string): string {
  return join(cache.denoDir, "dl", "release", `v${cache.denoVersion}`, `denort-${triple}.zip`);
}

/** The message for a runtime that could not be downloaded, naming every way to fix it. */
export function runtimeDownloadMessage(cache: RuntimeCache, triple: string): string {
  const url = `https://dl.deno.land/release/v${cache.denoVersion}/denort-${triple}.zip`;
  return [
    `deno compile could not download the Deno runtime for ${triple} (${url}).`,
    "Fix it in one of these ways:",
    "  - build on a machine with network access to dl.deno.land (the release workflow does);",
    `  - put that zip into Deno's cache: ${cachedRuntimePath(cache, triple)};`,
    `  - set DENORT_BIN to a denort ${cache.denoVersion} binary built for ${triple}.`,
  ].join("\n");
}
