/**
 * scripts/install.sh against a loopback stand-in of a GitHub release: a fake `uname` on PATH picks
 * the platform, the server serves archives and SHA256SUMS, and each test checks what got installed.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  fakeArchive,
  type FakeRelease,
  releaseFiles,
  serveRelease,
} from "../fakes/release_server.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const INSTALL_SH = fileURLToPath(new URL("../../scripts/install.sh", import.meta.url));

/** Runs install.sh with a fake `uname` reporting `os` and `arch` (and a musl `ldd` if asked). */
async function install(
  root: string,
  release: FakeRelease,
  options: { os?: string; arch?: string; args?: string[]; musl?: boolean } = {},
): Promise<{ code: number; stderr: string; installDir: string }> {
  const bin = join(root, "fake-bin");
  await Deno.mkdir(bin, { recursive: true });
  await Deno.writeTextFile(
    join(bin, "uname"),
    `#!/bin/sh\ncase "$1" in -s) echo ${options.os ?? "Linux"} ;; -m) echo ${
      options.arch ?? "x86_64"
    } ;; esac\n`,
    { mode: 0o755 },
  );
  if (options.musl) {
    await Deno.writeTextFile(join(bin, "ldd"), "#!/bin/sh\necho 'musl libc (x86_64)' >&2\n", {
      mode: 0o755,
    });
  }
  const installDir = join(root, "install", "bin");
  const { code, stderr } = await new Deno.Command("sh", {
    args: [INSTALL_SH, ...(options.args ?? [])],
    env: {
      PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`,
      HOME: root,
      PIXIR_RELEASE_BASE_URL: release.baseUrl,
      PIXIR_INSTALL_DIR: installDir,
    },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr), installDir };
}

async function installedVersion(installDir: string): Promise<string> {
  const { stdout } = await new Deno.Command(join(installDir, "pixir")).output();
  return new TextDecoder().decode(stdout).trim();
}

const LINUX_ASSET = "pixir-x86_64-unknown-linux-gnu.tar.gz";

Deno.test("install.sh installs the latest release's binary for the platform, verified", async () => {
  await using dir = await tempWorkspace();
  const archive = await fakeArchive(dir.path, "0.3.0");
  await using release = serveRelease(
    new Map(await releaseFiles("latest/download", LINUX_ASSET, archive)),
  );
  const result = await install(dir.path, release);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await installedVersion(result.installDir), "pixir 0.3.0");
  const { mode } = await Deno.stat(join(result.installDir, "pixir"));
  assert.equal(mode! & 0o777, 0o755);
  assert.deepEqual(release.paths, [
    `/releases/latest/download/${LINUX_ASSET}`,
    "/releases/latest/download/SHA256SUMS",
  ]);
  assert.match(result.stderr, /is not on your PATH/);
});

Deno.test("install.sh run twice leaves the same binary and says so", async () => {
  await using dir = await tempWorkspace();
  const archive = await fakeArchive(dir.path, "0.3.0");
  await using release = serveRelease(
    new Map(await releaseFiles("latest/download", LINUX_ASSET, archive)),
  );
  assert.equal((await install(dir.path, release)).code, 0);
  const again = await install(dir.path, release);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /already this version; nothing to do/);
  assert.equal(await installedVersion(again.installDir), "pixir 0.3.0");
  assert.deepEqual([...Deno.readDirSync(again.installDir)].map((e) => e.name), ["pixir"]);
});

Deno.test("install.sh --version installs that release and upgrades over an older one", async () => {
  await using dir = await tempWorkspace();
  const older = await fakeArchive(dir.path, "0.1.0");
  const newer = await fakeArchive(dir.path, "0.2.0");
  await using release = serveRelease(
    new Map([
      ...await releaseFiles("download/v0.1.0", LINUX_ASSET, older),
      ...await releaseFiles("download/v0.2.0", LINUX_ASSET, newer),
    ]),
  );
  const first = await install(dir.path, release, { args: ["--version", "0.1.0"] });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(await installedVersion(first.installDir), "pixir 0.1.0");
  const upgrade = await install(dir.path, release, { args: ["--version", "v0.2.0"] });
  assert.equal(upgrade.code, 0, upgrade.stderr);
  assert.equal(await installedVersion(upgrade.installDir), "pixir 0.2.0");
});

Deno.test("install.sh refuses an archive whose checksum does not match", async () => {
  await using dir = await tempWorkspace();
  const archive = await fakeArchive(dir.path, "0.3.0");
  await using release = serveRelease(
    new Map(await releaseFiles("latest/download", LINUX_ASSET, archive, "ab".repeat(32))),
  );
  const result = await install(dir.path, release);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /error: checksum mismatch for pixir-x86_64-unknown-linux-gnu/);
  assert.match(result.stderr, /nothing was installed/);
  await assert.rejects(Deno.stat(join(result.installDir, "pixir")), Deno.errors.NotFound);
});

Deno.test("install.sh names the URL when the release or its asset does not exist", async () => {
  await using dir = await tempWorkspace();
  await using release = serveRelease(new Map());
  const result = await install(dir.path, release, { args: ["--version", "9.9.9"] });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /could not download .*\/releases\/download\/v9\.9\.9\/pixir-x86_64/);
  assert.match(result.stderr, /check the version \(9\.9\.9\)/);
});

Deno.test("install.sh picks the macOS arm64 binary from uname", async () => {
  await using dir = await tempWorkspace();
  const asset = "pixir-aarch64-apple-darwin.tar.gz";
  const archive = await fakeArchive(dir.path, "0.3.0");
  await using release = serveRelease(
    new Map(await releaseFiles("latest/download", asset, archive)),
  );
  const result = await install(dir.path, release, { os: "Darwin", arch: "arm64" });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(release.paths[0], `/releases/latest/download/${asset}`);
});

Deno.test("install.sh explains an unsupported platform without downloading", async () => {
  await using dir = await tempWorkspace();
  await using release = serveRelease(new Map());
  const arch = await install(dir.path, release, { arch: "riscv64" });
  assert.equal(arch.code, 1);
  assert.match(arch.stderr, /error: no Pixir binary for the riscv64 architecture/);
  const windows = await install(dir.path, release, { os: "MINGW64_NT-10.0" });
  assert.equal(windows.code, 1);
  assert.match(windows.stderr, /pixir-x86_64-pc-windows-msvc\.zip/);
  assert.deepEqual(release.paths, []);
});

Deno.test("install.sh sends musl Linux to the container instead of a glibc binary", async () => {
  await using dir = await tempWorkspace();
  await using release = serveRelease(new Map());
  const result = await install(dir.path, release, { musl: true });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /error: this Linux uses musl libc/);
  assert.match(result.stderr, /container image/);
  assert.deepEqual(release.paths, []);
});
