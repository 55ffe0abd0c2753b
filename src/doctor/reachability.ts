/**
 * The network check of `pixir doctor`: can this machine reach the endpoints Pixir talks to? Any
 * HTTP answer (even 401 or 404) proves the route, TLS and proxy work. No answer within the timeout
 * is an error naming the variable that sets the endpoint when the active credential uses it, and a
 * warning otherwise (a ChatGPT sign-in never talks to api.openai.com).
 */

import { check, type CheckResult } from "./check.ts";

/** An endpoint Pixir uses. */
export interface Endpoint {
  /** Stable identifier, e.g. "openai". */
  id: string;
  /** The environment variable that overrides it. */
  variable: string;
  url: string;
  /** Whether the active credential talks to it (else it is only informational). */
  used: boolean;
}

/** What probing needs: fetch, a clock and the longest wait per endpoint. */
export interface ProbeDeps {
  fetch: typeof fetch;
  now(): number;
  timeoutMs: number;
}

/** Probes every endpoint at once; with `offline`, reports each as skipped. */
export function endpointChecks(
  endpoints: readonly Endpoint[],
  deps: ProbeDeps,
  offline: boolean,
): Promise<CheckResult[]> {
  return Promise.all(endpoints.map((endpoint) => {
    const id = `endpoint.${endpoint.id}`;
    const details = { url: endpoint.url, variable: endpoint.variable };
    return offline
      ? Promise.resolve(
        check(id, "network", "skip", `${endpoint.url} (skipped: --offline)`, { details }),
      )
      : probe(endpoint, deps);
  }));
}

async function probe(endpoint: Endpoint, deps: ProbeDeps): Promise<CheckResult> {
  const id = `endpoint.${endpoint.id}`;
  const started = deps.now();
  try {
    const response = await deps.fetch(endpoint.url, {
      method: "HEAD",
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    await response.body?.cancel();
    const ms = deps.now() - started;
    return check(
      id,
      "network",
      "ok",
      `${endpoint.url} reachable (HTTP ${response.status}, ${ms} ms)`,
      {
        details: { url: endpoint.url, variable: endpoint.variable, status: response.status, ms },
      },
    );
  } catch (error) {
    const reason = error instanceof DOMException && error.name === "TimeoutError"
      ? `no answer within ${deps.timeoutMs} ms`
      : describeError(error);
    const status = endpoint.used ? "error" : "warn";
    const unused = endpoint.used ? "" : " (not used by the active credential)";
    return check(id, "network", status, `${endpoint.url} unreachable${unused}: ${reason}`, {
      fix:
        `check the network and proxy (HTTPS_PROXY), or set ${endpoint.variable} to the right URL`,
      details: { url: endpoint.url, variable: endpoint.variable, reason },
    });
  }
}

/** fetch's own message ("fetch failed") hides the cause (DNS, refused, TLS); show both. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}
