/**
 * A loopback stand-in of a GitHub release: archives holding a `pixir` script, and a SHA256SUMS that
 * matches them (or, to test the refusal, does not).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { checksumsFile, sha256Hex } from "../../scripts/build/checksums.ts";

/** A release directory served over loopback; `paths` records every request. */
export interface FakeRelease extends AsyncDisposable {
  baseUrl: string;
  paths: string[];
}

export function serveRelease(files: ReadonlyMap<string, Uint8Array<ArrayBuffer>>): FakeRelease {
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    const path = new URL(request.url).pathname;
    paths.push(path);
    const body = files.get(path);
    return body ? new Response(body) : new Response("not found", { status: 404 });
  });
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/releases`,
    paths,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** A tar.gz holding a `pixir` script that prints `pixir <version>`. */
export async function fakeArchive(dir: string, version: string): Promise<Uint8Array<ArrayBuffer>> {
  const stage = join(dir, `stage-${version}`);
  await Deno.mkdir(stage, { recursive: true });
  await Deno.writeTextFile(join(stage, "pixir"), `#!/bin/sh\necho "pixir ${version}"\n`, {
    mode: 0o755,
  });
  const archive = join(dir, `pixir-${version}.tar.gz`);
  const tar = await new Deno.Command("tar", { args: ["-czf", archive, "-C", stage, "pixir"] })
    .output();
  assert.ok(tar.success, "tar made the fake archive");
  return await Deno.readFile(archive);
}

/** Release files for `asset` at `prefix`, with a SHA256SUMS that matches (or names `sha256`). */
export async function releaseFiles(
  prefix: string,
  asset: string,
  archive: Uint8Array<ArrayBuffer>,
  sha256?: string,
): Promise<[string, Uint8Array<ArrayBuffer>][]> {
  const sums = checksumsFile([
    { name: "pixir-x86_64-pc-windows-msvc.zip", sha256: "0".repeat(64) },
    { name: asset, sha256: sha256 ?? await sha256Hex(archive) },
  ]);
  return [
    [`/releases/${prefix}/${asset}`, archive],
    [`/releases/${prefix}/SHA256SUMS`, new TextEncoder().encode(sums)],
  ];
}
