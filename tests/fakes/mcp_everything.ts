/**
 * The MCP reference server `@modelcontextprotocol/server-everything` (written by the MCP project,
 * not here), installed from the npm registry on first use into the git-ignored `.tools/` folder.
 * A lock folder keeps parallel test files from installing it twice.
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The pinned version every MCP test runs against. */
export const EVERYTHING_VERSION = "2026.8.31";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const PREFIX = join(ROOT, ".tools", `mcp-everything-${EVERYTHING_VERSION}`);
const ENTRY = join(
  PREFIX,
  "node_modules",
  "@modelcontextprotocol",
  "server-everything",
  "dist",
  "index.js",
);
const DONE = join(PREFIX, "installed");
const LOCK = `${PREFIX}.lock`;

/** How long an install (or waiting for another test's install) may take. */
const INSTALL_LIMIT_MS = 240_000;

/** The server's entry point (`node ENTRY stdio|streamableHttp`), installing it when missing. */
export async function everythingServer(): Promise<string> {
  const deadline = Date.now() + INSTALL_LIMIT_MS;
  while (!await exists(DONE)) {
    if (Date.now() > deadline) throw new Error(`server-everything was not installed in time`);
    if (await takeLock()) {
      try {
        if (!await exists(DONE)) await install();
      } finally {
        await Deno.remove(LOCK, { recursive: true }).catch(() => {});
      }
    } else {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return ENTRY;
}

async function takeLock(): Promise<boolean> {
  await Deno.mkdir(dirname(LOCK), { recursive: true });
  try {
    await Deno.mkdir(LOCK);
    return true;
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    // A lock left by a killed test run is older than any install could take.
    const stat = await Deno.stat(LOCK).catch(() => null);
    if (stat?.mtime && Date.now() - stat.mtime.getTime() > INSTALL_LIMIT_MS) {
      await Deno.remove(LOCK, { recursive: true }).catch(() => {});
    }
    return false;
  }
}

async function install(): Promise<void> {
  const npm = new Deno.Command("npm", {
    args: [
      "install",
      "--prefix",
      PREFIX,
      "--no-audit",
      "--no-fund",
      "--no-save",
      `@modelcontextprotocol/server-everything@${EVERYTHING_VERSION}`,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(INSTALL_LIMIT_MS),
  });
  const { code, stderr } = await npm.output();
  if (code !== 0 || !await exists(ENTRY)) {
    throw new Error(
      `npm install of server-everything failed:\n${new TextDecoder().decode(stderr)}`,
    );
  }
  await Deno.writeTextFile(DONE, EVERYTHING_VERSION);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** A running streamable HTTP server-everything, stopped by `await using`. */
export interface EverythingHttp extends AsyncDisposable {
  /** The MCP endpoint, `http://127.0.0.1:PORT/mcp`. */
  url: string;
}

/** Starts server-everything over streamable HTTP on a free local port. */
export async function startEverythingHttp(): Promise<EverythingHttp> {
  const entry = await everythingServer();
  const port = freePort();
  const child = new Deno.Command("node", {
    args: [entry, "streamableHttp"],
    env: { PORT: String(port) },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const deadline = AbortSignal.timeout(20_000);
  while (!seen.includes("listening")) {
    const next = await Promise.race([
      reader.read(),
      new Promise<null>((resolve) => deadline.addEventListener("abort", () => resolve(null))),
    ]);
    if (next === null || next.done) {
      child.kill();
      throw new Error(`server-everything (HTTP) did not start:\n${seen}`);
    }
    seen += next.value;
  }
  // Keep draining stderr so the server never blocks on a full pipe.
  (async () => {
    while (!(await reader.read().catch(() => ({ done: true }))).done) { /* drain */ }
  })();
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await child.status;
      await reader.cancel().catch(() => {});
    },
  };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
