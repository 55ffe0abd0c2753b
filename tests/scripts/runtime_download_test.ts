/** Turning the compiler's failed runtime download into the fix. */

import assert from "node:assert/strict";
import {
  cachedRuntimePath,
  isRuntimeDownloadFailure,
  runtimeDownloadMessage,
} from "../../scripts/build/runtime_download.ts";

// What Deno 2.9 prints when it cannot reach dl.deno.land (captured on a machine without access).
const DNS_FAILURE = `error: Writing deno compile executable to temporary file '/w/dist/pixir.tmp'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-aarch64-apple-darwin.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
    2: client error (Connect)`;

const TYPE_ERROR = `TS2305 [ERROR]: Module '"node:path"' has no exported member 'x'.
error: Type checking failed.`;

const CACHE = { denoDir: "/home/u/.cache/deno", denoVersion: "2.9.6" };

Deno.test("a failed runtime download is recognised, other compile errors are not", () => {
  assert.equal(isRuntimeDownloadFailure(DNS_FAILURE), true);
  assert.equal(isRuntimeDownloadFailure(TYPE_ERROR), false);
});

Deno.test("Deno looks for a cached runtime by version and target", () => {
  assert.equal(
    cachedRuntimePath(CACHE, "x86_64-pc-windows-msvc"),
    "/home/u/.cache/deno/dl/release/v2.9.6/denort-x86_64-pc-windows-msvc.zip",
  );
});

Deno.test("the message names every fix: network, the cached zip, DENORT_BIN", () => {
  const message = runtimeDownloadMessage(CACHE, "aarch64-apple-darwin");
  assert.match(
    message,
    /https:\/\/dl\.deno\.land\/release\/v2\.9\.6\/denort-aarch64-apple-darwin\.zip/,
  );
  assert.match(message, /network access to dl\.deno\.land/);
  assert.match(
    message,
    /\/home\/u\/\.cache\/deno\/dl\/release\/v2\.9\.6\/denort-aarch64-apple-darwin\.zip/,
  );
  assert.match(message, /DENORT_BIN/);
});
