/**
 * `deno task compile`: builds Pixir's release binaries with `deno compile`, one per target, then
 * packs each into an archive and writes SHA256SUMS.
 *
 *   deno task compile                          every target into dist/
 *   deno task compile --target x86_64-unknown-linux-gnu --out /tmp/out   (repeatable; "host" too)
 *   deno task compile --dry-run                print the exact commands, run nothing
 *
 * Exit codes: 0 built, 1 a step failed, 2 bad usage.
 */
// deno-lint-ignore-file no-console

import { parseArgs } from "node:util";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BUILD,
  buildSteps,
  describeStep,
  ProjectError,
  readProject,
  type Step,
} from "./build/plan.ts";
import { checksumsFile, sha256Hex } from "./build/checksums.ts";
import {
  isRuntimeDownloadFailure,
  type RuntimeCache,
  runtimeDownloadMessage,
} from "./build/runtime_download.ts";
import { type Target, targetByTriple, TARGETS } from "./build/targets.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A failure the build reports as a message, without a stack trace. */
class BuildFailure extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "BuildFailure";
  }
}

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  const project = readProject(
    await readJson(join(ROOT, "deno.json")),
    await readJson(join(ROOT, "deno.lock")),
  );
  for (const module of [BUILD.entry, ...BUILD.workerModules, ...BUILD.lazyModules]) {
    if (!await exists(join(ROOT, module))) {
      throw new BuildFailure(`scripts/build/plan.ts names ${module}, which does not exist`);
    }
  }
  const info = await denoInfo();
  const host = {
    deno: Deno.execPath(),
    npmCache: info.npmCache,
    registryDir: registryDir(Deno.env.get("NPM_CONFIG_REGISTRY")),
  };
  const steps = buildSteps(project, BUILD, host, flags.targets, flags.out);
  if (flags.dryRun) {
    for (const step of steps) console.log(describeStep(step));
    return 0;
  }
  await Deno.mkdir(flags.out, { recursive: true });
  for (const step of steps) {
    console.error(`+ ${describeStep(step)}`);
    await execute(step, info);
  }
  console.error(`built Pixir ${project.version} into ${flags.out}`);
  return 0;
}

function parseFlags(argv: string[]): { targets: Target[]; out: string; dryRun: boolean } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        target: { type: "string", multiple: true },
        out: { type: "string" },
        "dry-run": { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new BuildFailure(error instanceof Error ? error.message : String(error), 2);
  }
  const targets = (values.target ?? TARGETS.map((t) => t.triple)).map((triple) => {
    const target = targetByTriple(triple === "host" ? Deno.build.target : triple);
    if (!target) {
      throw new BuildFailure(
        `unknown target "${triple}"; one of: host, ${TARGETS.map((t) => t.triple).join(", ")}`,
        2,
      );
    }
    return target;
  });
  return { targets, out: resolve(values.out ?? join(ROOT, "dist")), dryRun: !!values["dry-run"] };
}

/** Runs one step, turning a runtime download failure into its fix. */
async function execute(step: Step, cache: RuntimeCache): Promise<void> {
  switch (step.kind) {
    case "copy":
      await Deno.mkdir(dirname(step.to), { recursive: true });
      await Deno.copyFile(step.from, step.to);
      return;
    case "checksums": {
      const entries = [];
      for (const name of step.files) {
        entries.push({ name, sha256: await sha256Hex(await Deno.readFile(join(step.dir, name))) });
      }
      await Deno.writeTextFile(join(step.dir, "SHA256SUMS"), checksumsFile(entries));
      return;
    }
    case "run": {
      const { code, stderr } = await new Deno.Command(step.program, {
        args: step.args,
        cwd: ROOT,
        stdin: "null",
        stdout: "inherit",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(stderr);
      if (code === 0) {
        await Deno.stderr.write(stderr);
        return;
      }
      if (step.args[0] === "compile" && isRuntimeDownloadFailure(text)) {
        const triple = step.args[step.args.indexOf("--target") + 1];
        throw new BuildFailure(runtimeDownloadMessage(cache, triple));
      }
      await Deno.stderr.write(stderr);
      throw new BuildFailure(`${step.program} ${step.args[0]} failed (exit ${code})`);
    }
  }
}

/** What `deno info --json` says about the caches. */
async function denoInfo(): Promise<RuntimeCache & { npmCache: string }> {
  const { success, stdout } = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdin: "null",
    stderr: "inherit",
  }).output();
  const info: unknown = success ? JSON.parse(new TextDecoder().decode(stdout)) : null;
  if (
    typeof info === "object" && info !== null && "denoDir" in info && "npmCache" in info &&
    typeof info.denoDir === "string" && typeof info.npmCache === "string"
  ) {
    return { denoDir: info.denoDir, npmCache: info.npmCache, denoVersion: Deno.version.deno };
  }
  throw new BuildFailure("`deno info --json` did not report Deno's cache folders");
}

/** The npm cache keeps each registry's packages in a folder named after its host. */
function registryDir(registry: string | undefined): string {
  if (!registry) return "registry.npmjs.org";
  try {
    return new URL(registry).hostname;
  } catch {
    throw new BuildFailure(`NPM_CONFIG_REGISTRY "${registry}" is not a URL`, 2);
  }
}

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await Deno.readTextFile(path));
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    if (!(error instanceof BuildFailure || error instanceof ProjectError)) throw error;
    console.error(`build: ${error.message}`);
    Deno.exit(error instanceof BuildFailure ? error.exitCode : 1);
  }
}
