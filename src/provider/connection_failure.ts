/**
 * A connection that failed or broke, told the way a person can act on it: which URL, what went
 * wrong (refused, DNS, TLS, timeout, reset mid-stream) and what to check — instead of fetch's
 * bare "fetch failed", whose cause sits in `error.cause`.
 */

import type { ProviderError } from "./error.ts";

/** What went wrong with a connection, as far as the runtime's message tells. */
export type ConnectionCause = "refused" | "dns" | "tls" | "timeout" | "reset" | "blocked" | "other";

/** When it went wrong: before the response's headers, or while its body streamed. */
export type ConnectionPhase = "connect" | "stream";

const CAUSES: readonly { cause: ConnectionCause; pattern: RegExp }[] = [
  { cause: "refused", pattern: /connection refused|ECONNREFUSED/i },
  {
    cause: "dns",
    pattern:
      /dns error|failed to lookup|name or service not known|nodename nor servname|ENOTFOUND/i,
  },
  { cause: "tls", pattern: /certificate|tls|ssl|handshake|corrupt message/i },
  { cause: "timeout", pattern: /timed out|timeout/i },
  { cause: "blocked", pattern: /are blocked/i },
  {
    cause: "reset",
    pattern: /reset|broken pipe|connection closed|error reading a body|unexpected eof/i,
  },
];

/** Every message in an error's cause chain, outermost first. */
function messages(error: unknown): string[] {
  const found: string[] = [];
  for (let at: unknown = error; at !== undefined && found.length < 5;) {
    if (at instanceof Error) {
      found.push(at.message);
      at = at.cause;
    } else {
      found.push(String(at));
      at = undefined;
    }
  }
  return found;
}

/** The cause a runtime error names, looking through its cause chain. */
export function connectionCause(error: unknown, phase: ConnectionPhase): ConnectionCause {
  const text = messages(error).join(" | ");
  for (const { cause, pattern } of CAUSES) if (pattern.test(text)) return cause;
  return phase === "stream" ? "reset" : "other";
}

const SAYS: Record<ConnectionCause, { what: string; check: string }> = {
  refused: {
    what: "the connection was refused (nothing is listening there)",
    check: "check that the URL and port are right and the server is running",
  },
  dns: {
    what: "the host name could not be resolved (DNS)",
    check: "check the host name in the URL, your DNS and network connection",
  },
  tls: {
    what: "the TLS handshake failed",
    check:
      "check the URL's scheme (https:// vs http://) and the server's certificate; behind a proxy that inspects TLS, give Deno its CA (DENO_CERT)",
  },
  timeout: {
    what: "the connection timed out",
    check: "check your network connection and proxy (HTTPS_PROXY)",
  },
  reset: {
    what: "the connection broke while the answer was streaming",
    check: "check your network connection and proxy (HTTPS_PROXY); the run can be resumed",
  },
  blocked: {
    what: "the runtime refuses to connect to that port",
    check: "use a different port in the URL",
  },
  other: {
    what: "the connection failed",
    check: "check the URL, your network connection and proxy (HTTPS_PROXY)",
  },
};

/**
 * The provider failure for a connection to `url` that failed during `phase`: retryable, with the
 * URL, the cause and the runtime's own words in `details`, and what to check as `details.hint`.
 */
export function connectionFailure(
  error: unknown,
  url: string,
  phase: ConnectionPhase,
): ProviderError {
  const cause = connectionCause(error, phase);
  const { what, check } = SAYS[cause];
  const chain = messages(error);
  return {
    kind: "transport",
    message: `${url}: ${what}`,
    retryable: true,
    details: { url, cause, phase, reason: chain.at(-1) ?? "", hint: check },
  };
}
