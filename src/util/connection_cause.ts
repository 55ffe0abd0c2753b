/**
 * What went wrong with a network connection, told so a person can act on it: refused, DNS, TLS,
 * timeout or reset, and what to check — read from the runtime's error and its causes, since
 * fetch's own message ("fetch failed") hides them. Shared by the model calls and the sign-in.
 */

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
    check: "check your network connection and proxy (HTTPS_PROXY)",
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

/** A failed connection described: its cause, a sentence for it, what to check, the runtime's words. */
export interface ConnectionFailureText {
  cause: ConnectionCause;
  what: string;
  check: string;
  /** The innermost message the runtime gave. */
  reason: string;
}

/** Describes a connection that failed during `phase`. */
export function describeConnectionFailure(
  error: unknown,
  phase: ConnectionPhase,
): ConnectionFailureText {
  const cause = connectionCause(error, phase);
  return { cause, ...SAYS[cause], reason: messages(error).at(-1) ?? "" };
}
