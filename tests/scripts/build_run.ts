/** Runs `deno task compile` (scripts/build.ts) as a child process, as developers and CI run it. */

import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** How the build ended and what it printed. */
export interface BuildRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the compile task with `args` in this process's environment changed by `env`, where null
 * removes a variable.
 */
export async function runBuild(
  args: readonly string[],
  env: Readonly<Record<string, string | null>> = {},
): Promise<BuildRun> {
  const merged: Record<string, string> = { ...Deno.env.toObject(), DENO_NO_UPDATE_CHECK: "1" };
  for (const [name, value] of Object.entries(env)) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "compile", ...args],
    cwd: ROOT,
    env: merged,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code, stdout: text(stdout), stderr: text(stderr) };
}
