/** Runs an auth test script in a separate Deno process, for behaviour that spans processes. */

import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** A running child process and the lines it has printed to stdout so far. */
export interface Child extends AsyncDisposable {
  process: Deno.ChildProcess;
  /** Resolves once the child has printed a line equal to `line`. */
  printed(line: string): Promise<void>;
  /** Everything the child printed to stdout, once it has exited; throws if it failed. */
  output(): Promise<string>;
}

/**
 * Starts `tests/auth/testdata/<script>` with `args` under exactly `permissions` (Deno flags such
 * as `--allow-read`), stdin piped so the test can talk to it.
 */
export function startChild(script: string, args: string[], permissions: string[]): Child {
  const process = new Deno.Command(`${REPO}scripts/deno`, {
    args: [
      "run",
      "-q",
      "--no-prompt",
      "--config",
      `${REPO}deno.json`,
      ...permissions,
      `${REPO}tests/auth/testdata/${script}`,
      ...args,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let stdout = "";
  const waiters: { line: string; resolve: () => void; reject: (error: Error) => void }[] = [];
  const stderr = new Response(process.stderr).text();
  const reading = (async () => {
    for await (const text of process.stdout.pipeThrough(new TextDecoderStream())) {
      stdout += text;
      const lines = stdout.split("\n");
      for (const waiter of waiters.filter((w) => lines.includes(w.line))) waiter.resolve();
    }
    const why = new Error(`${script} ended without printing it:\n${stdout}\n${await stderr}`);
    for (const waiter of waiters) waiter.reject(why);
  })();
  const output = async () => {
    const [status] = await Promise.all([process.status, reading]);
    if (!status.success) throw new Error(`${script} failed (${status.code}):\n${await stderr}`);
    await stderr;
    return stdout;
  };
  return {
    process,
    printed: (line) =>
      stdout.split("\n").includes(line)
        ? Promise.resolve()
        : new Promise((resolve, reject) => waiters.push({ line, resolve, reject })),
    output,
    async [Symbol.asyncDispose]() {
      try {
        process.kill("SIGKILL");
      } catch {
        // It has already exited.
      }
      await process.stdin.close().catch(() => {});
      await Promise.all([process.status, reading, stderr]);
    },
  };
}
