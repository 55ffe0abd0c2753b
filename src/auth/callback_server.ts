/**
 * The loopback server that receives the browser's redirect at the end of the browser sign-in.
 * It listens on 127.0.0.1 and ::1 (browsers resolve `localhost` to either), checks the state
 * before anything else, redeems the code before answering so the page tells the truth, and
 * always shuts itself down once the wait is over, however it ended.
 */

import { CALLBACK_PATH, callbackRedirectUri } from "./authorize_url.ts";
import type { AuthError, AuthResult } from "./oauth.ts";

/** The ports the issuer accepts in a loopback redirect URI, in order of preference. */
export const CALLBACK_PORTS: readonly number[] = [1455, 1457];

/** IPv4 first: it is the one that must work; IPv6 loopback is added where the machine has it. */
export const LOOPBACK_HOSTNAMES: readonly string[] = ["127.0.0.1", "::1"];

/** What arrived at the callback: the code, and the redirect URI it was issued for. */
export interface Callback {
  code: string;
  redirectUri: string;
}

/** How to start a callback server. */
export interface CallbackServerOptions<T> {
  /** The `state` sent in the authorize URL; a callback with any other state is refused. */
  expectedState: string;
  /** Trades the code for the sign-in's result; runs before the browser gets its answer. */
  redeem: (callback: Callback, signal: AbortSignal) => Promise<AuthResult<T>>;
  /** Ends the wait with `aborted`. */
  signal: AbortSignal;
  /** Tried in order until one is free on every address; default `CALLBACK_PORTS`. */
  ports?: readonly number[];
  /** The first must bind; later ones are skipped when the machine lacks them (no IPv6). */
  hostnames?: readonly string[];
}

/** A callback server that is listening. */
export interface CallbackServer<T> {
  /** The port every address listens on. */
  port: number;
  /** The addresses actually listening. */
  hostnames: readonly string[];
  /** The redirect URI to put in the authorize URL and to repeat in the exchange. */
  redirectUri: string;
  /** Settles once: redeemed, refused by the issuer, cancelled, aborted or closed. */
  outcome: Promise<AuthResult<T>>;
  /** Ends the wait (if still waiting) and resolves once the server has shut down. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Where the wait stands; a second callback during a redemption must not redeem again. */
type Phase = "waiting" | "redeeming" | "over";

/**
 * Starts listening on the first port of `ports` that is free on every address (a port busy on
 * either family is skipped). Fails when every port is busy or the first hostname cannot bind.
 */
export async function startCallbackServer<T>(
  options: CallbackServerOptions<T>,
): Promise<AuthResult<CallbackServer<T>>> {
  const redeeming = new AbortController();
  let phase: Phase = "waiting";
  let settle!: (result: AuthResult<T>) => void;
  const outcome = new Promise<AuthResult<T>>((resolve) => {
    settle = (result) => {
      if (phase === "over") return;
      phase = "over";
      redeeming.abort();
      options.signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
  });
  const onAbort = () => settle(failure({ kind: "aborted", message: "sign-in cancelled" }));

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname === "/cancel") {
      settle(failure({ kind: "aborted", message: "sign-in cancelled from the browser" }));
      return page(200, "Sign-in cancelled", "You can close this window.");
    }
    if (url.pathname !== CALLBACK_PATH) return plain(404, "Not found");
    if (request.method !== "GET") return plain(405, "Method not allowed");
    const params = url.searchParams;
    // The state comes first: until it matches, the request may not be from the issuer at all.
    if (params.get("state") !== options.expectedState) return plain(400, "State mismatch");
    if (phase !== "waiting") return plain(409, "This sign-in has already been answered");
    const error = params.get("error");
    if (error !== null) {
      const refusal = callbackRefusal(error, params.get("error_description"));
      settle(failure(refusal));
      return page(403, "Sign-in failed", refusal.message);
    }
    const code = params.get("code");
    if (!code) {
      const message = "the sign-in redirect carried no authorization code";
      settle(failure({ kind: "invalid_response", message }));
      return page(400, "Sign-in failed", message);
    }
    phase = "redeeming";
    const result = await options.redeem({ code, redirectUri }, redeeming.signal);
    settle(result);
    return result.ok
      ? page(200, "Signed in to Pixir", "Signed in to Pixir. You can close this window.")
      : page(502, "Sign-in failed", result.error.message);
  };

  const bound = await listen(
    options.ports ?? CALLBACK_PORTS,
    options.hostnames ?? LOOPBACK_HOSTNAMES,
    handle,
  );
  if (!bound.ok) return bound;
  const { port, servers } = bound.value;
  const redirectUri = callbackRedirectUri(port);

  let shutdown: Promise<void> | undefined;
  const close = (): Promise<void> => {
    settle(failure({ kind: "aborted", message: "stopped waiting for the sign-in callback" }));
    // Graceful: an answer being written (the success page) is finished before the sockets close.
    shutdown ??= Promise.all(servers.map((server) => server.shutdown())).then(() => {});
    return shutdown;
  };
  if (options.signal.aborted) onAbort();
  else options.signal.addEventListener("abort", onAbort, { once: true });
  void outcome.then(close);

  return {
    ok: true,
    value: {
      port,
      hostnames: servers.map((server) => server.addr.hostname),
      redirectUri,
      outcome,
      close,
      [Symbol.asyncDispose]: close,
    },
  };
}

/** One listener per hostname, all on the same port. */
async function listen(
  ports: readonly number[],
  hostnames: readonly string[],
  handle: (request: Request) => Promise<Response>,
): Promise<AuthResult<{ port: number; servers: Deno.HttpServer<Deno.NetAddr>[] }>> {
  const busy: number[] = [];
  for (const wanted of ports) {
    const servers: Deno.HttpServer<Deno.NetAddr>[] = [];
    let port = wanted;
    try {
      for (const [index, hostname] of hostnames.entries()) {
        try {
          const server = Deno.serve({
            hostname,
            port,
            onListen: () => {},
            onError: () => plain(500, "Internal error"),
          }, handle);
          servers.push(server);
          // Port 0 lets the first listener choose; the others must then share its choice.
          port = server.addr.port;
        } catch (error) {
          if (index === 0 || error instanceof Deno.errors.AddrInUse) throw error;
        }
      }
      return { ok: true, value: { port, servers } };
    } catch (error) {
      await Promise.all(servers.map((server) => server.shutdown()));
      if (!(error instanceof Deno.errors.AddrInUse)) {
        const reason = error instanceof Error ? error.message : String(error);
        return failure({
          kind: "transient",
          message: `could not listen for the sign-in callback on port ${wanted}: ${reason}`,
        });
      }
      busy.push(wanted);
    }
  }
  return failure({
    kind: "transient",
    message: `could not listen for the sign-in callback: port${busy.length === 1 ? "" : "s"} ${
      busy.join(", ")
    } already in use`,
  });
}

/** The error a refusing issuer put in the redirect, worded for the user. */
function callbackRefusal(error: string, description: string | null): AuthError {
  if (`${error} ${description ?? ""}`.includes("missing_codex_entitlement")) {
    return {
      kind: "denied",
      code: error,
      message: "this ChatGPT account or workspace does not include Codex, which Pixir signs in " +
        "through; ask your workspace admin to enable Codex, or use an API key (OPENAI_API_KEY)",
    };
  }
  return {
    kind: "denied",
    code: error,
    message: `the issuer refused the sign-in: ${error}${description ? ` (${description})` : ""}`,
  };
}

/**
 * A plain-text answer. Every answer, pages included, says `Connection: close`: the server is
 * about to shut down, and a kept-alive browser connection would only hold that up.
 */
function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", connection: "close" },
  });
}

/** A small HTML page for the browser tab the user is looking at. */
function page(status: number, title: string, message: string): Response {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: system-ui, sans-serif; margin: 4rem auto; max-width: 36rem">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</body></html>
`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", connection: "close" },
  });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function failure(error: AuthError): { ok: false; error: AuthError } {
  return { ok: false, error };
}
