/**
 * podman for the container tests: whether it can run containers on this machine (and why not), a
 * runner for its commands, and the image built from the Containerfile.
 */

import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const decoder = new TextDecoder();

/** The image the tests build and run. */
export const IMAGE = "localhost/pixir:test";

/** How a podman command ended. */
export interface PodmanResult {
  code: number;
  stdout: string;
  stderr: string;
  /** It was killed at its time limit. */
  timedOut: boolean;
}

/** Runs `podman args`, killed after `timeoutMs`. */
export async function podman(
  args: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<PodmanResult> {
  const child = new Deno.Command("podman", {
    args: [...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs ?? 60_000);
  try {
    const out = await child.output();
    return {
      code: out.code,
      stdout: decoder.decode(out.stdout),
      stderr: decoder.decode(out.stderr),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why podman cannot run the container tests here, or undefined when it can: it must be installed
 * and run a container of the base image `scripts/podman-setup` makes.
 */
export async function podmanUnavailable(): Promise<string | undefined> {
  try {
    const probe = await podman(
      ["run", "--rm", "--network=none", "localhost/debian:bookworm-slim", "true"],
      { timeoutMs: 60_000 },
    );
    if (probe.code === 0) return undefined;
    return `podman cannot run a container of localhost/debian:bookworm-slim (run ` +
      `scripts/podman-setup as root): ${probe.stderr.trim().split("\n").at(-1)}`;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      return "podman is not installed (run scripts/podman-setup as root)";
    }
    throw error;
  }
}

let built: Promise<PodmanResult> | undefined;

/**
 * Builds IMAGE from the Containerfile, once per test module. The layers are cached, so after
 * `scripts/podman-setup` built it, only the steps the source changed run again. A machine whose
 * HTTPS goes through an inspecting proxy trusts it through the system's CA bundle, passed as the
 * build secret `ca`.
 */
export function buildImage(): Promise<PodmanResult> {
  built ??= (async () => {
    const bundle = "/etc/ssl/certs/ca-certificates.crt";
    const ca = await Deno.stat(bundle).then(() => ["--secret", `id=ca,src=${bundle}`], () => []);
    const result = await podman(
      ["build", "--pull=never", ...ca, "-t", IMAGE, "-f", `${ROOT}Containerfile`, ROOT],
      { timeoutMs: 110_000 },
    );
    if (!result.timedOut) return result;
    const why = "the image build took longer than 110 s: run scripts/podman-setup, which builds " +
      "it with no time limit, then the tests again";
    return { ...result, stderr: `${why}\n${result.stderr}` };
  })();
  return built;
}

/**
 * `podman run args` in a container that is removed afterwards with its anonymous volumes (the
 * image declares PIXIR_HOME a volume; `--rm` would leave that volume behind).
 */
export async function runContainer(
  args: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<PodmanResult> {
  const name = `pixir-test-${crypto.randomUUID()}`;
  try {
    return await podman(["run", "--name", name, ...args], options);
  } finally {
    await podman(["rm", "--force", "--volumes", name]);
  }
}
