/**
 * The real compiler, once per test, with the local deno binary standing in for the target's
 * runtime (`DENORT_BIN`): the result does not run, but it carries the real payload, so its
 * embedded metadata and file list show exactly what a release binary would bake in.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import denoJson from "../../deno.json" with { type: "json" };
import { BUILD, compileArgs, readProject } from "../../scripts/build/plan.ts";
import { sha256Hex } from "../../scripts/build/checksums.ts";
import { binaryName, targetByTriple } from "../../scripts/build/targets.ts";
import { PERMISSION_NAMES, PIXIR_PERMISSIONS } from "../../src/config/permission_set.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import { runBuild } from "./build_run.ts";
import { type CompiledPayload, readCompiledPayload } from "./compiled_payload.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HOST = targetByTriple(Deno.build.target);
const IGNORE = HOST === undefined; // a platform Pixir does not ship has no host build

Deno.test({
  name: "a host build bakes the permission set, no prompts, no env file, and archives the binary",
  ignore: IGNORE,
  async fn() {
    await using out = await tempWorkspace();
    const run = await runBuild(["--target", "host", "--out", out.path], {
      DENORT_BIN: Deno.execPath(),
    });
    assert.equal(run.code, 0, run.stderr);
    const binary = join(out.path, binaryName(HOST!));
    const payload = readCompiledPayload(await Deno.readFile(binary));
    assertBakedPermissions(payload);
    assert.deepEqual(payload.metadata.env_vars_from_env_file, {}, "no environment file embedded");
    assert.deepEqual(
      (payload.metadata.unstable_config as { features: string[] }).features,
      "unstable" in denoJson ? denoJson.unstable : [],
    );
    assert.equal(payload.metadata.app_version, denoJson.version);
    assert.equal(payload.metadata.entrypoint_key, BUILD.entry);
    for (const module of [...BUILD.workerModules, ...BUILD.lazyModules]) {
      assertEmbedded(payload, module);
    }
    for (const name of BUILD.excludedNpmPackages) assertNoNpmPackage(payload, name);

    // The archive holds exactly that binary as `pixir`, and SHA256SUMS vouches for the archive.
    const archive = `pixir-${HOST!.triple}.${HOST!.archive}`;
    const sums = await Deno.readTextFile(join(out.path, "SHA256SUMS"));
    assert.equal(
      sums,
      `${await sha256Hex(await Deno.readFile(join(out.path, archive)))}  ${archive}\n`,
    );
    const unpacked = join(out.path, "unpacked");
    await Deno.mkdir(unpacked);
    const tar = await new Deno.Command("tar", {
      args: ["-xzf", join(out.path, archive), "-C", unpacked],
    }).output();
    assert.ok(tar.success);
    assert.deepEqual([...Deno.readDirSync(unpacked)].map((e) => e.name), ["pixir"]);
    assert.equal(
      await sha256Hex(await Deno.readFile(join(unpacked, "pixir"))),
      await sha256Hex(await Deno.readFile(binary)),
    );
  },
});

Deno.test({
  name: "--include embeds a Worker module and --exclude drops an npm package's files",
  ignore: IGNORE,
  async fn() {
    await using out = await tempWorkspace();
    const worker = "tests/scripts/testdata/worker_fixture.ts";
    const config = {
      ...BUILD,
      workerModules: [...BUILD.workerModules, worker],
      excludedNpmPackages: [...BUILD.excludedNpmPackages, "fast-uri"],
    };
    const project = readProject(
      denoJson,
      JSON.parse(await Deno.readTextFile(join(ROOT, "deno.lock"))),
    );
    const info = JSON.parse(new TextDecoder().decode(
      (await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output()).stdout,
    ));
    const host = {
      deno: Deno.execPath(),
      npmCache: info.npmCache,
      registryDir: "registry.npmjs.org",
    };
    const compile = await new Deno.Command(Deno.execPath(), {
      args: compileArgs(project, config, host, HOST!, out.path),
      cwd: ROOT,
      env: { DENORT_BIN: Deno.execPath() },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.ok(compile.success, new TextDecoder().decode(compile.stderr));
    const payload = readCompiledPayload(await Deno.readFile(join(out.path, binaryName(HOST!))));
    assertEmbedded(payload, worker);
    assertNoNpmPackage(payload, "fast-uri");
    assert.ok(
      payload.files.some((file) => /\/ajv\/[^/]+\/package\.json$/.test(file)),
      "packages not excluded stay embedded",
    );
  },
});

/** The metadata grants exactly deno.json's "pixir" set and never prompts. */
function assertBakedPermissions(payload: CompiledPayload): void {
  const baked = payload.metadata.permissions as Record<string, unknown>;
  assert.equal(baked.prompt, false, "--no-prompt is baked in");
  // `import` is left out: Deno grants its default hosts for it when a set does not name it.
  for (const name of PERMISSION_NAMES.filter((n) => n !== "import")) {
    const grant = PIXIR_PERMISSIONS[name];
    const expected = grant === undefined ? null : grant === true ? [] : grant;
    assert.deepEqual(baked[`allow_${name}`], expected, `allow_${name}`);
    assert.equal(baked[`deny_${name}`], null, `deny_${name}`);
  }
}

/** The file system is rooted at the common folder of what it holds, so match by project path. */
function assertEmbedded(payload: CompiledPayload, module: string): void {
  assert.ok(payload.files.some((file) => file.endsWith(`/${module}`)), `${module} is embedded`);
}

function assertNoNpmPackage(payload: CompiledPayload, name: string): void {
  const found = payload.files.filter((file) => file.includes(`/${name}/`));
  assert.deepEqual(found, [], `npm package ${name} is not embedded`);
}
