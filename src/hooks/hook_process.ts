/**
 * Running one hook command: `bash -c` with the event's JSON on stdin, stdout and stderr read
 * separately and bounded, a time limit, and a kill that reaches the whole process group, so a
 * hook that hangs, floods or leaves a child holding its pipes never holds Pixir.
 */

/** How to run a hook. */
export interface HookProcessOptions {
  cwd: string;
  timeoutMs: number;
  /** A program and arguments to run it in, such as the OS sandbox; none by default. */
  launcher?: readonly string[];
  /** Variables added to its environment. */
  env?: Readonly<Record<string, string>>;
  /** Aborting it kills the hook. */
  signal?: AbortSignal;
}

/** How a hook ended, with what it printed (each stream cut to `MAX_HOOK_OUTPUT` bytes). */
export type HookProcessEnd =
  | { kind: "exited"; code: number; stdout: string; stderr: string }
  | { kind: "timeout"; stdout: string; stderr: string }
  | { kind: "aborted" }
  | { kind: "spawn_failed"; message: string };

/** The most bytes of each stream kept. */
export const MAX_HOOK_OUTPUT = 64 * 1024;

/** After the hook exits, how long what it started may hold its pipes open. */
const DRAIN_MS = 500;

/** Variables of Pixir's own that a hook does not get. */
const HIDDEN = ["OPENAI_API_KEY"];

/** Runs `command` with `input` on its stdin. Never throws. */
export async function runHookProcess(
  command: string,
  input: string,
  options: HookProcessOptions,
): Promise<HookProcessEnd> {
  if (options.signal?.aborted) return { kind: "aborted" };
  const argv = [...options.launcher ?? [], "bash", "-c", `unset ${HIDDEN.join(" ")}\n${command}`];
  const group = Deno.build.os !== "windows";
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(argv[0], {
      args: argv.slice(1),
      cwd: options.cwd,
      env: { ...options.env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      detached: group,
    }).spawn();
  } catch (error) {
    return { kind: "spawn_failed", message: `could not start ${argv[0]}: ${messageOf(error)}` };
  }
  const kill = () => {
    try {
      if (group) Deno.kill(-child.pid, "SIGKILL");
      else child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const stdout = new BoundedReader(child.stdout);
  const stderr = new BoundedReader(child.stderr);
  // A hook that never reads its stdin must not block on a full pipe: the write is not awaited.
  feed(child.stdin, input);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => kill();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const first = await Promise.race([
      child.status.then((status) => ({ kind: "exited" as const, code: status.code })),
      new Promise<{ kind: "timeout" }>((resolve) =>
        timer = setTimeout(() => resolve({ kind: "timeout" }), options.timeoutMs)
      ),
    ]);
    if (first.kind === "timeout" || options.signal?.aborted) kill();
    const drained = await settlesWithin(Promise.all([stdout.done, stderr.done]), DRAIN_MS);
    if (!drained) {
      kill();
      await Promise.all([stdout.cancel(), stderr.cancel()]);
    }
    await settlesWithin(child.status, DRAIN_MS);
    if (options.signal?.aborted) return { kind: "aborted" };
    const out = { stdout: stdout.text(), stderr: stderr.text() };
    return first.kind === "timeout" ? { kind: "timeout", ...out } : { ...first, ...out };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/** Writes `input` and closes the stream, ignoring a hook that exits without reading it. */
function feed(stream: WritableStream<Uint8Array>, input: string): void {
  const writer = stream.getWriter();
  writer.write(new TextEncoder().encode(input)).then(() => writer.close()).catch(() => {});
}

/** Reads a stream to its end, keeping at most `MAX_HOOK_OUTPUT` bytes. */
class BoundedReader {
  readonly done: Promise<void>;
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #chunks: Uint8Array[] = [];
  #kept = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
    this.done = this.#run();
  }

  async #run(): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done) return;
        const room = MAX_HOOK_OUTPUT - this.#kept;
        if (room > 0) {
          this.#chunks.push(value.subarray(0, room));
          this.#kept += Math.min(room, value.length);
        }
      }
    } catch {
      // A read error ends the output like end-of-file.
    }
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => {});
    await this.done;
  }

  text(): string {
    const bytes = new Uint8Array(this.#kept);
    let at = 0;
    for (const chunk of this.#chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    return new TextDecoder().decode(bytes);
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise.then(() => true, () => true),
      new Promise<boolean>((resolve) => timer = setTimeout(() => resolve(false), ms)),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
