/**
 * Runs Pixir as a child process exactly as users run it from source (`scripts/deno run -P=pixir`),
 * in a clean environment, and collects what it printed and how it exited.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUILD } from "../../scripts/build/plan.ts";
import { tempWorkspace } from "./workspace.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const DENO = join(REPO, "scripts", "deno");
const CONFIG = join(REPO, "deno.json");
const MAIN = join(REPO, "src", "main.ts");
/** The V8 options the binary bakes in, so tests measure and run what ships. */
const V8_FLAGS = `--v8-flags=${BUILD.v8Flags.join(",")}`;

/**
 * Send `signal` once the output so far satisfies `when` (and `delayMs` more have passed), or `ms`
 * after the start.
 */
export type SignalAfter =
  | { signal: Deno.Signal; when: (stderr: string, stdout: string) => boolean; delayMs?: number }
  | { signal: Deno.Signal; ms: number };

/** How to run the program. */
export interface RunOptions {
  /** Working directory; default a fresh empty temporary directory. */
  cwd?: string;
  /** Variables added to the clean environment (they win over the defaults). */
  env?: Readonly<Record<string, string>>;
  /** Piped to the program, then closed; without it stdin is null. */
  stdin?: string;
  signalAfter?: SignalAfter;
  /** The run is killed and the call rejects after this long. Default 60 s. */
  timeoutMs?: number;
  /**
   * A command line the run is started through, with Deno's command line appended (e.g. `unshare`
   * and a shell that mounts a small file system first).
   */
  wrap?: readonly string[];
}

/** How the program ended and what it printed. */
export interface RunResult {
  code: number;
  /** The signal that ended it, when it did not exit by itself. */
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/** The command line that runs Pixir from source with `args`, as `runPixir` does. */
export function pixirArgv(args: readonly string[]): string[] {
  return [
    DENO,
    "run",
    "-q",
    "-P=pixir",
    "--no-prompt",
    V8_FLAGS,
    "--config",
    CONFIG,
    MAIN,
    ...args,
  ];
}

/** Runs `src/main.ts` with `args`. */
export function runPixir(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runScript(MAIN, args, options);
}

/**
 * Runs any entry point the way `runPixir` runs Pixir. The environment holds only PATH, HOME (a
 * temporary directory), PIXIR_HOME (a fresh temporary directory unless `env` names one), Deno's
 * own cache location, and `options.env`; nothing else is inherited (no OPENAI_*). Temporary
 * directories made here are removed when the run ends.
 */
export async function runScript(
  scriptPath: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  await using sandbox = await tempWorkspace();
  const freshDir = async (name: string) => {
    const path = join(sandbox.path, name);
    await Deno.mkdir(path);
    return path;
  };
  const env = {
    PATH: Deno.env.get("PATH") ?? "",
    HOME: await freshDir("home"),
    PIXIR_HOME: options.env?.PIXIR_HOME ?? await freshDir("pixir-home"),
    // Deno's cache, so the child finds the dependencies already downloaded; not read by Pixir.
    DENO_DIR: await denoDir(),
    DENO_NO_UPDATE_CHECK: "1",
    ...options.env,
  };
  const denoArgs = [
    "run",
    "-q",
    "-P=pixir",
    "--no-prompt",
    V8_FLAGS,
    "--config",
    CONFIG,
    scriptPath,
    ...args,
  ];
  const [program, ...programArgs] = [...(options.wrap ?? []), DENO, ...denoArgs];
  const child = new Deno.Command(program, {
    args: programArgs,
    cwd: options.cwd ?? await freshDir("work"),
    env,
    clearEnv: true,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return await supervise(child, options, scriptPath);
}

/** Feeds stdin, collects output, delivers the requested signal and enforces the timeout. */
async function supervise(
  child: Deno.ChildProcess,
  options: RunOptions,
  name: string,
): Promise<RunResult> {
  const kill = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // It already exited; nothing to deliver.
    }
  };
  const output = { stdout: "", stderr: "" };
  const after = options.signalAfter;
  let signalled = false;
  const collect = async (stream: ReadableStream<Uint8Array>, key: keyof typeof output) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      output[key] += text;
      if (after && "when" in after && !signalled && after.when(output.stderr, output.stdout)) {
        signalled = true;
        if (after.delayMs === undefined) kill(after.signal);
        else timers.push(setTimeout(() => kill(after.signal), after.delayMs));
      }
    }
  };
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timedOut = false;
  const timers = [
    setTimeout(() => {
      timedOut = true;
      kill("SIGKILL");
    }, timeoutMs),
  ];
  if (after && "ms" in after) timers.push(setTimeout(() => kill(after.signal), after.ms));
  try {
    const [status] = await Promise.all([
      child.status,
      collect(child.stdout, "stdout"),
      collect(child.stderr, "stderr"),
      feed(child, options.stdin),
    ]);
    if (timedOut) {
      throw new Error(
        `${name} did not exit within ${timeoutMs} ms\n--- stdout\n${output.stdout}\n--- stderr\n${output.stderr}`,
      );
    }
    return { code: status.code, signal: status.signal, ...output };
  } finally {
    timers.forEach(clearTimeout);
  }
}

async function feed(child: Deno.ChildProcess, stdin: string | undefined): Promise<void> {
  if (stdin === undefined) return;
  const writer = child.stdin.getWriter();
  try {
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  } catch {
    // The program exited (or closed stdin) without reading all of it; that is its choice.
  }
}

/** Where the running Deno keeps its cache, as `deno info` reports it. */
export async function denoDir(): Promise<string> {
  const { success, stdout } = await new Deno.Command(DENO, {
    args: ["info", "--json"],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  const info: unknown = success ? JSON.parse(new TextDecoder().decode(stdout)) : null;
  if (typeof info === "object" && info !== null && "denoDir" in info) {
    if (typeof info.denoDir === "string") return info.denoDir;
  }
  throw new Error("`deno info --json` did not report the Deno cache directory");
}
