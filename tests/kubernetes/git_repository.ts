/** A small git repository for the workers' init container to clone, from a folder or a git daemon. */

import assert from "node:assert/strict";
import { join } from "node:path";

const decoder = new TextDecoder();

async function git(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(out.success, `git ${args.join(" ")}: ${decoder.decode(out.stderr)}`);
}

/** Makes `dir`, a repository with one commit; returns `dir`. */
export async function gitRepository(dir: string): Promise<string> {
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "README.md"), "# the project the workers look at\n");
  await git(dir, "init", "-q");
  await git(dir, "add", ".");
  await git(dir, "commit", "-q", "-m", "first");
  return dir;
}

/**
 * Serves a bare copy of the repository at `dir` with `git daemon` on 127.0.0.1 (git's own protocol,
 * which, unlike plain files over HTTP, can make the shallow clone the init container asks for);
 * `url` is what `git clone` takes. The daemon is stopped on dispose.
 */
export async function serveWithGitDaemon(
  dir: string,
): Promise<{ url: string } & AsyncDisposable> {
  const base = `${dir}-served`;
  await Deno.mkdir(base);
  await git(dir, "clone", "-q", "--bare", dir, join(base, "repo.git"));
  // A free port: the OS picks one, then the daemon takes it.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const daemon = new Deno.Command("git", {
    args: [
      "daemon",
      "--reuseaddr",
      "--listen=127.0.0.1",
      `--port=${port}`,
      `--base-path=${base}`,
      "--export-all",
      base,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Ready once it accepts a connection (bounded: 10 s).
  for (let i = 0;; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      break;
    } catch (error) {
      if (i >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url: `git://127.0.0.1:${port}/repo.git`,
    async [Symbol.asyncDispose]() {
      daemon.kill("SIGTERM");
      await daemon.status;
    },
  };
}
