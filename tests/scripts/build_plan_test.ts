/** The build as data: compile arguments, exclusions, steps, and the list of Worker modules. */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BUILD,
  type BuildConfig,
  buildSteps,
  compileArgs,
  describeStep,
  excludedNpmPaths,
  ProjectError,
  readProject,
  shellQuote,
} from "../../scripts/build/plan.ts";
import { archiveName, targetByTriple, TARGETS } from "../../scripts/build/targets.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HOST = { deno: "/opt/deno", npmCache: "/cache/npm", registryDir: "registry.npmjs.org" };
const CONFIG: BuildConfig = {
  entry: "src/main.ts",
  permissionSet: "pixir",
  workerModules: ["src/tools/worker.ts"],
  lazyModules: ["src/cli/dispatch.ts"],
  excludedNpmPackages: ["koffi", "@scope/native"],
  v8Flags: ["--max-semi-space-size=1", "--no-opt"],
};
const PROJECT = readProject(
  { version: "1.2.3", unstable: ["worker-options"], permissions: { pixir: {}, test: {} } },
  {
    npm: {
      "koffi@2.9.0": {},
      "koffi@2.10.1_peer@1.0.0": {},
      "koffi-helper@1.0.0": {},
      "@scope/native@0.4.0": {},
      "jose@6.2.18": {},
    },
  },
);
const LINUX = targetByTriple("x86_64-unknown-linux-gnu")!;
const WINDOWS = targetByTriple("x86_64-pc-windows-msvc")!;

Deno.test("compile bakes the named permission set, no prompts, unstable features and includes", () => {
  const args = compileArgs(PROJECT, CONFIG, HOST, LINUX, "/out");
  assert.deepEqual(args, [
    "compile",
    "--frozen",
    "--config",
    "deno.json",
    "--permission-set=pixir",
    "--no-prompt",
    "--v8-flags=--max-semi-space-size=1,--no-opt",
    "--unstable-worker-options",
    "--target",
    "x86_64-unknown-linux-gnu",
    "--include",
    "src/tools/worker.ts",
    "--include",
    "src/cli/dispatch.ts",
    "--exclude",
    "/cache/npm/registry.npmjs.org/koffi/2.9.0",
    "--exclude",
    "/cache/npm/registry.npmjs.org/koffi/2.10.1",
    "--exclude",
    "/cache/npm/registry.npmjs.org/@scope/native/0.4.0",
    "--output",
    "/out/pixir-x86_64-unknown-linux-gnu",
    "src/main.ts",
  ]);
});

Deno.test("excluded npm packages match by exact name, every locked version", () => {
  const paths = excludedNpmPaths(PROJECT, { ...CONFIG, excludedNpmPackages: ["koffi"] }, HOST);
  assert.deepEqual(paths, [
    join("/cache/npm/registry.npmjs.org/koffi/2.9.0"),
    join("/cache/npm/registry.npmjs.org/koffi/2.10.1"),
  ]);
});

Deno.test("a permission set deno.json does not declare is refused", () => {
  assert.throws(
    () => compileArgs(PROJECT, { ...CONFIG, permissionSet: "nope" }, HOST, LINUX, "/out"),
    (error) => error instanceof ProjectError && /no permission set "nope"/.test(error.message),
  );
});

Deno.test("deno.json without a version or with a bad unstable list is refused", () => {
  assert.throws(() => readProject({ permissions: {} }, {}), ProjectError);
  assert.throws(() => readProject({ version: "1.0.0", unstable: "ffi" }, {}), ProjectError);
});

Deno.test("Windows builds a .exe and zips it as pixir.exe; others tar pixir", () => {
  const steps = buildSteps(PROJECT, CONFIG, HOST, [LINUX, WINDOWS], "/out");
  assert.deepEqual(steps.slice(1, 3), [
    {
      kind: "copy",
      from: "/out/pixir-x86_64-unknown-linux-gnu",
      to: "/out/x86_64-unknown-linux-gnu/pixir",
    },
    {
      kind: "run",
      program: "tar",
      args: [
        "-czf",
        "/out/pixir-x86_64-unknown-linux-gnu.tar.gz",
        "-C",
        "/out/x86_64-unknown-linux-gnu",
        "pixir",
      ],
    },
  ]);
  assert.deepEqual(steps.slice(4, 6), [
    {
      kind: "copy",
      from: "/out/pixir-x86_64-pc-windows-msvc.exe",
      to: "/out/x86_64-pc-windows-msvc/pixir.exe",
    },
    {
      kind: "run",
      program: "zip",
      args: [
        "-q",
        "-j",
        "-X",
        "/out/pixir-x86_64-pc-windows-msvc.zip",
        "/out/x86_64-pc-windows-msvc/pixir.exe",
      ],
    },
  ]);
  assert.deepEqual(steps.at(-1), {
    kind: "checksums",
    dir: "/out",
    files: ["pixir-x86_64-unknown-linux-gnu.tar.gz", "pixir-x86_64-pc-windows-msvc.zip"],
  });
});

Deno.test("every target is built once, for all five platforms", () => {
  const steps = buildSteps(PROJECT, CONFIG, HOST, TARGETS, "/out");
  const compiled = steps.flatMap((s) =>
    s.kind === "run" && s.args[0] === "compile" ? [s.args[s.args.indexOf("--target") + 1]] : []
  );
  assert.deepEqual(compiled, [
    "x86_64-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "aarch64-pc-windows-msvc",
  ]);
  assert.deepEqual(steps.at(-1), {
    kind: "checksums",
    dir: "/out",
    files: TARGETS.map(archiveName),
  });
});

Deno.test("dry-run lines quote what a shell would split", () => {
  assert.equal(shellQuote("src/main.ts"), "src/main.ts");
  assert.equal(shellQuote("/a b/it's"), `'/a b/it'\\''s'`);
  assert.equal(
    describeStep({ kind: "copy", from: "/o/p x", to: "/o/t/pixir" }),
    "mkdir -p /o/t && cp '/o/p x' /o/t/pixir",
  );
  assert.equal(
    describeStep({ kind: "checksums", dir: "/o", files: ["a.zip", "b.tar.gz"] }),
    "(cd /o && sha256sum a.zip b.tar.gz > SHA256SUMS)",
  );
});

Deno.test("the build includes exactly the modules src/ starts as Workers", async () => {
  const started: string[] = [];
  for await (const file of walkTs(join(ROOT, "src"))) {
    const text = await Deno.readTextFile(file);
    const pattern = /new Worker\(\s*new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g;
    for (const match of text.matchAll(pattern)) {
      started.push(relative(ROOT, join(file, "..", match[1])));
    }
    assert.doesNotMatch(
      text.replaceAll(pattern, ""),
      /new Worker\(/,
      `${file} starts a Worker the build cannot see; use new Worker(new URL("…", import.meta.url))`,
    );
  }
  assert.deepEqual([...BUILD.workerModules].sort(), started.sort());
});

Deno.test("the build includes exactly the modules src/ imports through a non-literal specifier", async () => {
  const imported: string[] = [];
  for await (const file of walkTs(join(ROOT, "src"))) {
    const text = await Deno.readTextFile(file);
    // `import(NAME)`: the module is named by a constant `NAME = "…"` of the same file.
    for (const [, name] of text.matchAll(/\bimport\(\s*([A-Za-z_$][\w$]*)\s*\)/g)) {
      const constant = new RegExp(`\\b${name}\\b[^=\\n]*=\\s*["']([^"']+)["']`).exec(text);
      assert.ok(constant, `${file} imports ${name}, which is not a constant naming a module`);
      imported.push(relative(ROOT, join(file, "..", constant[1])));
    }
  }
  // A module may be loaded this way from more than one place; the build includes it once.
  assert.deepEqual([...BUILD.lazyModules].sort(), [...new Set(imported)].sort());
});

async function* walkTs(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* walkTs(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}
