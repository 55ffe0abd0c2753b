/**
 * Starting the file tools in a bubblewrap child that sees only the granted roots (see
 * `sandbox/file_tools_mounts.ts`), where bubblewrap works; elsewhere they run in the in-process
 * Worker with verify-after-open alone. The child speaks the Worker's protocol over stdin/stdout
 * (`tools/file_child.ts`), so the host (`FileToolWorker`) treats both alike: a crash, an abort or a
 * call past its time limit ends the child, and the next call starts a new one.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SandboxStatus } from "../sandbox/os_sandbox.ts";
import { fileToolsBubblewrapArgs, systemPaths } from "../sandbox/file_tools_mounts.ts";
import { decodeMessage, encodeMessage, lines, READY } from "../tools/file_child.ts";
import { FILE_TOOLS_COMMAND } from "../tools/file_child_command.ts";
import type {
  FileToolReply,
  FileToolRequest,
  StartWorker,
  WorkerHandle,
} from "../tools/file_worker.ts";
import type { FileAccess } from "../tools/tool.ts";
import type { WorkerPermissions } from "../tools/worker_permissions.ts";

/** How this Pixir runs a copy of itself: the compiled binary, or Deno running the sources. */
export interface ChildRuntime {
  /** The command line that starts the child with `permissions` (Deno's, for the sources). */
  argv(permissions: WorkerPermissions): string[];
  /** What it needs to read: its executable's folder, and for the sources the project and cache. */
  paths: string[];
  /** Its environment (nothing of Pixir's: no credentials). */
  env: Record<string, string>;
}

/**
 * The runtime of the running Pixir. `env` reads the process's own environment (where Deno found
 * its cache), not the one a front end presents to the agent.
 */
export function currentRuntime(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): ChildRuntime {
  const exec = Deno.execPath();
  if (Deno.build.standalone) {
    // The compiled binary carries its code and its permission set; the mounts are the limit.
    return { argv: () => [exec, FILE_TOOLS_COMMAND], paths: [dirname(exec)], env: {} };
  }
  const project = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
  const home = env("HOME");
  const denoDir = env("DENO_DIR") ??
    join(
      env("XDG_CACHE_HOME") ?? (home === undefined ? "/nonexistent" : join(home, ".cache")),
      "deno",
    );
  const entry = fileURLToPath(new URL("../tools/file_child_main.ts", import.meta.url));
  return {
    argv: (permissions) => [
      exec,
      "run",
      "--quiet",
      "--no-prompt",
      "--frozen",
      "--config",
      join(project, "deno.json"),
      ...allowFlag("--allow-read", permissions.read),
      ...allowFlag("--allow-write", permissions.write),
      entry,
    ],
    paths: [dirname(exec), project, denoDir],
    env: { DENO_DIR: denoDir, NO_COLOR: "1" },
  };
}

/** `--allow-read=a,b` (commas in a path doubled, as Deno reads them); nothing for no paths. */
function allowFlag(flag: string, paths: readonly string[]): string[] {
  return paths.length === 0
    ? []
    : [`${flag}=${paths.map((p) => p.replaceAll(",", ",,")).join(",")}`];
}

/** What starting the sandboxed child needs. */
export interface ChildOptions {
  /** The OS sandbox status, probed once per process by the caller. */
  sandbox(): Promise<SandboxStatus>;
  workspace: string;
  access: FileAccess;
  runtime: ChildRuntime;
}

/**
 * Starts the file tools in the bubblewrap child when bubblewrap works, else in the Worker
 * (`fallback`). Says which through `onStart`, once per start.
 */
export function sandboxedStarter(
  options: ChildOptions,
  fallback: StartWorker,
  onStart?: (sandboxed: boolean) => void,
): StartWorker {
  return async (permissions) => {
    const status = await options.sandbox();
    if (!status.active || status.kind !== "bubblewrap") {
      onStart?.(false);
      return await fallback(permissions);
    }
    const { workspace, access, runtime } = options;
    const args = fileToolsBubblewrapArgs(
      {
        workspace,
        read: access.read,
        write: access.write,
        runtime: runtime.paths,
        hidden: access.hidden,
      },
      await systemPaths(),
    );
    onStart?.(true);
    return await startChild([status.program, ...args, ...runtime.argv(permissions)], runtime.env);
  };
}

/** How long the child may take to start (load its code) before it counts as broken. */
const START_LIMIT_MS = 60_000;

/**
 * Runs `argv` as the child and speaks the protocol with it, once it said it is ready (so a call's
 * time limit never includes the child's start). Rejects when it does not start.
 */
async function startChild(argv: string[], env: Record<string, string>): Promise<WorkerHandle> {
  const [program, ...args] = argv;
  const child = new Deno.Command(program, {
    args,
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  let ended = false;
  let stderr = "";
  const handle: WorkerHandle = {
    postMessage(message: FileToolRequest) {
      writer.write(encoder.encode(`${encodeMessage(message)}\n`)).catch(() => {
        // The child is gone; its exit is reported below.
      });
    },
    onmessage: null,
    onerror: null,
    terminate() {
      if (ended) return;
      ended = true;
      try {
        child.kill("SIGKILL");
      } catch {
        // Already ended.
      }
    },
  };
  void (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      stderr = (stderr + chunk).slice(-2000);
    }
  })().catch(() => {});
  const replies = lines(child.stdout);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const first = await Promise.race([
    replies.next(),
    new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), START_LIMIT_MS)),
  ]);
  clearTimeout(timer);
  if (first === "late" || first.done || first.value !== READY) {
    handle.terminate();
    await child.status;
    const why = first === "late"
      ? `it did not start within ${START_LIMIT_MS / 1000} s`
      : stderr.trim().split("\n").at(-1) || "it ended at once";
    throw new Error(`the file tools' sandbox did not start: ${why}`);
  }
  void (async () => {
    for await (const line of replies) {
      if (line === "") continue;
      const data = decodeMessage<FileToolReply>(line);
      handle.onmessage?.(new MessageEvent("message", { data }));
    }
  })().catch(() => {});
  child.status.then((status) => {
    if (ended) return;
    ended = true;
    const why = stderr.trim().split("\n").at(-1) || `exit code ${status.code}`;
    handle.onerror?.(
      new ErrorEvent("error", {
        message: `the file tools' sandbox ended: ${why}`,
        cancelable: true,
      }),
    );
  });
  return handle;
}
