/** `deno task compile` end to end, short of producing binaries: dry runs and clear failures. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { TARGETS } from "../../scripts/build/targets.ts";
import { cachedRuntimePath } from "../../scripts/build/runtime_download.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import { runBuild } from "./build_run.ts";

Deno.test("--dry-run prints every target's commands and runs none of them", async () => {
  await using out = await tempWorkspace();
  const { code, stdout, stderr } = await runBuild(["--dry-run", "--out", out.path]);
  assert.equal(code, 0, stderr);
  const lines = stdout.trimEnd().split("\n");
  const compiles = lines.filter((line) => / compile /.test(line));
  assert.equal(compiles.length, TARGETS.length);
  for (const target of TARGETS) {
    const line = compiles.find((l) => l.includes(`--target ${target.triple} `));
    assert.ok(line, `no compile line for ${target.triple}`);
    assert.match(
      line,
      / compile --frozen --config deno\.json --permission-set=pixir --no-prompt --v8-flags=\S+ /,
    );
    assert.ok(line.endsWith(" src/main.ts"), line);
  }
  assert.equal(lines.filter((l) => l.startsWith("tar -czf ")).length, 4);
  assert.equal(lines.filter((l) => l.startsWith("zip ")).length, 2);
  assert.match(lines.at(-1)!, /sha256sum .* > SHA256SUMS\)$/);
  assert.deepEqual([...Deno.readDirSync(out.path)], [], "a dry run writes nothing");
});

Deno.test("an unknown target is bad usage listing the real ones", async () => {
  const { code, stderr } = await runBuild(["--dry-run", "--target", "sparc-sun-solaris"]);
  assert.equal(code, 2);
  assert.match(
    stderr,
    /unknown target "sparc-sun-solaris"; one of: host, x86_64-unknown-linux-gnu/,
  );
});

const RUNTIME_TRIPLE = "aarch64-apple-darwin";
const RUNTIME_CACHE = await runtimeCache();

Deno.test({
  name: "a runtime that cannot be downloaded fails with the fixes, not a backtrace",
  // With that runtime already in Deno's cache there is no download to fail.
  ignore: await exists(cachedRuntimePath(RUNTIME_CACHE, RUNTIME_TRIPLE)),
  async fn() {
    await using out = await tempWorkspace();
    // A proxy nobody listens on makes the download fail at once, with or without internet.
    const { code, stderr } = await runBuild(["--target", RUNTIME_TRIPLE, "--out", out.path], {
      HTTPS_PROXY: "http://127.0.0.1:1",
      https_proxy: "http://127.0.0.1:1",
      DENORT_BIN: null,
    });
    assert.equal(code, 1);
    assert.match(stderr, /could not download the Deno runtime for aarch64-apple-darwin/);
    assert.ok(stderr.includes(cachedRuntimePath(RUNTIME_CACHE, RUNTIME_TRIPLE)), stderr);
    assert.match(stderr, /DENORT_BIN/);
    assert.doesNotMatch(stderr, /Stack backtrace|Caused by/);
    assert.equal(await exists(join(out.path, "SHA256SUMS")), false);
  },
});

async function runtimeCache(): Promise<{ denoDir: string; denoVersion: string }> {
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const { denoDir } = JSON.parse(new TextDecoder().decode(info.stdout));
  assert.equal(typeof denoDir, "string");
  return { denoDir, denoVersion: Deno.version.deno };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
