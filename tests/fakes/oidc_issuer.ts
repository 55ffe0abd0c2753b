/**
 * A standards OAuth 2.0 / OpenID Connect issuer (npm `oidc-provider`, pinned in
 * tests/fakes/oidc/package.json) run by Node on a loopback port, for checking Pixir's refresh
 * against an implementation other than its own stand-in: form-encoded requests, JWT access
 * tokens, refresh-token rotation. `.ci/run` installs it into the git-ignored `.tools/oidc`.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
/** Where `.ci/run` installs oidc-provider. */
export const OIDC_MODULES = join(REPO, ".tools", "oidc", "node_modules");
const MODULES = OIDC_MODULES;
const SCRIPT = join(REPO, "tests", "fakes", "oidc", "issuer.mjs");

/** One token request the issuer answered. */
export interface OidcTokenRequest {
  grant_type: string | null;
  client_id: string | null;
  content_type: string;
  status: number;
}

/** The running issuer. */
export interface OidcIssuer extends AsyncDisposable {
  /** Its URL, to record in `auth.json`. */
  issuer: string;
  /** A refresh token of a finished sign-in, as the issuer minted it. */
  refreshToken: string;
  /** The token requests answered so far. */
  tokenRequests(): OidcTokenRequest[];
}

/** Why the issuer cannot run on this machine (no Node, or not installed), or null when it can. */
export function oidcIssuerUnavailable(): string | null {
  try {
    Deno.statSync(join(MODULES, "oidc-provider", "package.json"));
  } catch {
    return "oidc-provider is not installed in .tools/oidc (.ci/run installs it)";
  }
  try {
    new Deno.Command("node", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync();
  } catch {
    return "node is not on PATH";
  }
  return null;
}

/** Starts the issuer with access tokens living `accessTtlSeconds`; fails after 30 s of silence. */
export async function startOidcIssuer(accessTtlSeconds: number): Promise<OidcIssuer> {
  const child = await startNodeReporter(
    [SCRIPT, MODULES, String(accessTtlSeconds)],
    "the OIDC issuer",
    (message) => typeof message.issuer === "string",
  );
  return {
    issuer: String(child.ready.issuer),
    refreshToken: String(child.ready.refresh_token),
    tokenRequests: () =>
      child.messages().flatMap((m) =>
        m.token_request === undefined ? [] : [m.token_request as OidcTokenRequest]
      ),
    [Symbol.asyncDispose]: child.stop,
  };
}

/** A Node program that reports on stdout, one JSON object a line. */
export interface NodeReporter {
  /** The line that said it was ready. */
  ready: Record<string, unknown>;
  /** Every line after it so far. */
  messages(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * Runs `node ARGS…` and waits (30 s at most) for the stdout line `isReady` accepts; the lines
 * after it are collected. `name` names the program in errors.
 */
export async function startNodeReporter(
  args: readonly string[],
  name: string,
  isReady: (message: Record<string, unknown>) => boolean,
): Promise<NodeReporter> {
  const child = new Deno.Command("node", {
    args: [...args],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const messages: Record<string, unknown>[] = [];
  const started = Promise.withResolvers<Record<string, unknown>>();
  const reading = (async () => {
    let buffer = "";
    for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += text;
      let end: number;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        if (!line.startsWith("{")) continue;
        const message = JSON.parse(line);
        if (isReady(message)) started.resolve(message);
        else messages.push(message);
      }
    }
    started.reject(new Error(`${name} exited before it listened`));
  })();
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await child.status;
    await reading.catch(() => undefined);
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const ready = await Promise.race([
      started.promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s`)), 30_000);
      }),
    ]);
    return { ready, messages: () => [...messages], stop };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
