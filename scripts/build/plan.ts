/**
 * The build as data: which modules and permissions go into each binary, and the exact commands
 * that compile, stage, archive and checksum every target. Nothing here touches the system, so the
 * dry run and the tests see precisely what a real build runs.
 */

import { dirname, join } from "node:path";
import { archiveName, binaryName, installedName, type Target } from "./targets.ts";

/** What every binary holds beyond the entry point and its static imports. */
export interface BuildConfig {
  /** The entry point, relative to the project root. */
  entry: string;
  /** The named permission set in deno.json baked into the binary (the one scripts/pixir uses). */
  permissionSet: string;
  /**
   * Modules started with `new Worker(...)`: the compiler only follows static imports, so each one
   * must be included by name or the binary fails when it starts the Worker.
   */
  workerModules: readonly string[];
  /**
   * Modules loaded through an `import()` whose specifier is not a literal (kept out of the module
   * graph Deno builds before the program starts): the compiler cannot see them either, so each one
   * is included by name with everything it imports.
   */
  lazyModules: readonly string[];
  /** npm packages never needed at run time, left out of the binary (every locked version). */
  excludedNpmPackages: readonly string[];
  /** V8 options baked into the binary (scripts/pixir and the test harness pass the same). */
  v8Flags: readonly string[];
}

/** Pixir's build. */
export const BUILD: BuildConfig = {
  entry: "src/main.ts",
  permissionSet: "pixir",
  workerModules: ["src/tools/worker.ts"],
  // The entry point loads the dispatcher only once a command is named, so `pixir --version`
  // neither reads nor evaluates the rest of the program; the dispatcher loads only the command
  // named, so `pixir run` neither reads nor evaluates the chat, the login flows or the doctor; and
  // a command reads the modules of a part it may not use (MCP, ajv, the file tools' child, the
  // chat's runtime before its first frame) only when it does.
  lazyModules: [
    "src/cli/dispatch.ts",
    "src/tools/file_child.ts",
    "src/mcp/mcp_connection.ts",
    "src/agent/output_schema.ts",
    "src/cli/chat_session_host.ts",
    "src/cli/chat_resumed.ts",
    "src/ui/chat/pi_tui_later.ts",
    "src/cli/chat.ts",
    "src/cli/run.ts",
    "src/cli/resume.ts",
    "src/cli/sessions.ts",
    "src/cli/export.ts",
    "src/cli/undo.ts",
    "src/cli/review.ts",
    "src/cli/compact.ts",
    "src/cli/usage.ts",
    "src/cli/models.ts",
    "src/cli/login.ts",
    "src/cli/logout.ts",
    "src/cli/status.ts",
    "src/cli/auth.ts",
    "src/cli/permissions.ts",
    "src/cli/config.ts",
    "src/cli/mcp.ts",
    "src/cli/skills.ts",
    "src/cli/trust.ts",
    "src/cli/doctor.ts",
    "src/cli/acp.ts",
    "src/cli/help.ts",
    "src/cli/completion.ts",
    "src/cli/session_ids.ts",
    // What a run uses only now and then: undo, compaction and subagents.
    "src/app/undo.ts",
    "src/agent/compaction.ts",
    "src/app/subagent.ts",
    // The TOML parser, for a config.toml that exists or a -c flag.
    "src/config/toml.ts",
  ],
  // pi-tui's optional FFI binding: 27 MB of Windows-only native code the terminal UI does not use.
  excludedNpmPackages: ["koffi"],
  // Memory: Pixir mostly waits on the network, so the optimizing compilers (Maglev, TurboFan) buy
  // nothing measurable but cost ~8 MB of peak RSS, and a 1 MB young generation ~6 MB more.
  // `gc` collects a long session's request body, held outside V8's sight, once its call ends
  // (util/garbage_collection.ts).
  v8Flags: ["--max-semi-space-size=1", "--no-maglev", "--no-opt", "--expose-gc"],
};

/** Facts about the project read from deno.json and deno.lock. */
export interface Project {
  version: string;
  /** deno.json "unstable": features the code needs at run time. */
  unstable: readonly string[];
  /** Names of deno.json's permission sets. */
  permissionSets: readonly string[];
  /** Every npm package in the lockfile, as `name@version`. */
  lockedNpm: readonly string[];
}

/** Where the tools and caches of this machine are. */
export interface BuildHost {
  /** The deno binary that compiles. */
  deno: string;
  /** Deno's npm cache (`deno info --json` → npmCache). */
  npmCache: string;
  /** The npm registry's folder inside the npm cache. */
  registryDir: string;
}

/** One step of a build. */
export type Step =
  /** Run a program from the project root. */
  | { kind: "run"; program: string; args: string[] }
  /** Copy a file, making its folder (the binary, under its installed name, to be archived). */
  | { kind: "copy"; from: string; to: string }
  /** Write `SHA256SUMS` in `dir` for `files` (names inside `dir`). */
  | { kind: "checksums"; dir: string; files: string[] };

/** deno.json or deno.lock did not say what the build needs. */
export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectError";
  }
}

/** Reads the build's facts from the parsed deno.json and deno.lock. */
export function readProject(denoJson: unknown, denoLock: unknown): Project {
  if (!isRecord(denoJson)) throw new ProjectError("deno.json is not a JSON object");
  const { version, unstable = [], permissions = {} } = denoJson;
  if (typeof version !== "string" || version === "") {
    throw new ProjectError('deno.json has no "version"');
  }
  if (!Array.isArray(unstable) || !unstable.every((f) => typeof f === "string")) {
    throw new ProjectError('deno.json "unstable" must be a list of feature names');
  }
  if (!isRecord(permissions)) throw new ProjectError('deno.json "permissions" is not an object');
  const npm = isRecord(denoLock) && isRecord(denoLock.npm) ? Object.keys(denoLock.npm) : [];
  return { version, unstable, permissionSets: Object.keys(permissions), lockedNpm: npm };
}

/** The `deno compile` arguments for one target, writing `<outDir>/pixir-<triple>[.exe]`. */
export function compileArgs(
  project: Project,
  config: BuildConfig,
  host: BuildHost,
  target: Target,
  outDir: string,
): string[] {
  if (!project.permissionSets.includes(config.permissionSet)) {
    throw new ProjectError(`deno.json has no permission set "${config.permissionSet}"`);
  }
  return [
    "compile",
    "--frozen",
    "--config",
    "deno.json",
    `--permission-set=${config.permissionSet}`,
    "--no-prompt",
    ...(config.v8Flags.length > 0 ? [`--v8-flags=${config.v8Flags.join(",")}`] : []),
    ...project.unstable.map((feature) => `--unstable-${feature}`),
    "--target",
    target.triple,
    ...[...config.workerModules, ...config.lazyModules].flatMap((module) => ["--include", module]),
    ...excludedNpmPaths(project, config, host).flatMap((path) => ["--exclude", path]),
    "--output",
    join(outDir, binaryName(target)),
    config.entry,
  ];
}

/**
 * The cache folders of the excluded npm packages. A binary embeds npm packages from Deno's cache,
 * one folder per `name/version`, and `--exclude` matches those folders by path.
 */
export function excludedNpmPaths(project: Project, config: BuildConfig, host: BuildHost): string[] {
  return project.lockedNpm
    .map(splitPackage)
    .filter(({ name }) => config.excludedNpmPackages.includes(name))
    .map(({ name, version }) => join(host.npmCache, host.registryDir, name, version));
}

/** Every step that builds `targets` into `outDir`, then checksums the archives. */
export function buildSteps(
  project: Project,
  config: BuildConfig,
  host: BuildHost,
  targets: readonly Target[],
  outDir: string,
): Step[] {
  const steps: Step[] = [];
  for (const target of targets) {
    const staged = join(outDir, target.triple);
    steps.push(
      { kind: "run", program: host.deno, args: compileArgs(project, config, host, target, outDir) },
      {
        kind: "copy",
        from: join(outDir, binaryName(target)),
        to: join(staged, installedName(target)),
      },
      archiveStep(target, outDir),
    );
  }
  steps.push({ kind: "checksums", dir: outDir, files: targets.map(archiveName) });
  return steps;
}

/** Packs the staged binary (and nothing else) at the archive's top level. */
function archiveStep(target: Target, outDir: string): Step {
  const archive = join(outDir, archiveName(target));
  const staged = join(outDir, target.triple);
  if (target.archive === "zip") {
    // zip stores paths as given; -j keeps only the file name.
    return {
      kind: "run",
      program: "zip",
      args: ["-q", "-j", "-X", archive, join(staged, installedName(target))],
    };
  }
  return {
    kind: "run",
    program: "tar",
    args: ["-czf", archive, "-C", staged, installedName(target)],
  };
}

/** The step as one shell command line, as `--dry-run` prints it. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case "run":
      return [step.program, ...step.args].map(shellQuote).join(" ");
    case "copy":
      return `mkdir -p ${shellQuote(dirname(step.to))} && cp ${shellQuote(step.from)} ${
        shellQuote(step.to)
      }`;
    case "checksums":
      return `(cd ${shellQuote(step.dir)} && sha256sum ${
        step.files.map(shellQuote).join(" ")
      } > SHA256SUMS)`;
  }
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `name@version` (lockfile key, scoped or with a peer suffix) → its name and version. */
function splitPackage(key: string): { name: string; version: string } {
  const at = key.indexOf("@", 1);
  if (at < 0) return { name: key, version: "" };
  return { name: key.slice(0, at), version: key.slice(at + 1).split("_")[0] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
