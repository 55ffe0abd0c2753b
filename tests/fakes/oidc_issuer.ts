/**
 * A standards OAuth 2.0 / OpenID Connect issuer (npm `oidc-provider`, pinned in
 * tests/fakes/oidc/package.json) run by Node on a loopback port, for checking Pixir's refresh
 * against an implementation other than its own stand-in: form-encoded requests, JWT access
 * tokens, refresh-token rotation. `.ci/run` installs it into the git-ignored `.tools/oidc`.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const MODULES = join(REPO, ".tools", "oidc", "node_modules");
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
  const child = new Deno.Command("node", {
    args: [SCRIPT, MODULES, String(accessTtlSeconds)],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const requests: OidcTokenRequest[] = [];
  const started = Promise.withResolvers<{ issuer: string; refresh_token: string }>();
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
        if (message.token_request) requests.push(message.token_request);
        else if (message.issuer) started.resolve(message);
      }
    }
    started.reject(new Error("the OIDC issuer exited before it listened"));
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
        timer = setTimeout(
          () => reject(new Error("the OIDC issuer did not start in 30 s")),
          30_000,
        );
      }),
    ]);
    return {
      issuer: ready.issuer,
      refreshToken: ready.refresh_token,
      tokenRequests: () => [...requests],
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
