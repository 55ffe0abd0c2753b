/**
 * Browser sign-in with PKCE: print (and try to open) the issuer's authorize URL, then take the
 * authorization code from whichever arrives first, the loopback callback or a redirect URL the
 * user pastes, and trade it for tokens. Nothing here touches the disk.
 */

import { buildAuthorizeUrl, callbackRedirectUri } from "./authorize_url.ts";
import { CALLBACK_PORTS, startCallbackServer } from "./callback_server.ts";
import type { AuthError, AuthResult, Fetch, TokenSet } from "./oauth.ts";
import { createPkce, createState, type RandomBytes } from "./pkce.ts";
import { parseRedirectInput } from "./redirect_input.ts";
import type { exchangeAuthorizationCode } from "./token_endpoint.ts";

/** How long the callback alone is waited for before the paste prompt is offered too. */
export const DEFAULT_CALLBACK_WAIT_MS = 60_000;

/** How long the whole browser sign-in may take, as long as a device code lives. */
export const DEFAULT_BROWSER_LOGIN_TIMEOUT_MS = 15 * 60_000;

/** Everything the browser sign-in takes from the outside world. */
export interface BrowserLoginDeps {
  fetch: Fetch;
  /** The issuer origin, without a trailing slash. */
  issuer: string;
  /** The token-endpoint exchange (`exchangeAuthorizationCode` in production). */
  exchange: typeof exchangeAuthorizationCode;
  /** The source of the PKCE verifier and the state. */
  random: RandomBytes;
  /** Tries to show the URL in a browser; returns whether it could. */
  openBrowser: (url: string) => boolean;
  /**
   * Reads one line the user pastes; null when there is no one to ask (stdin closed or not a
   * terminal). Should give up when `signal` aborts, which happens once the sign-in is decided.
   */
  readPastedLine: (signal: AbortSignal) => Promise<string | null>;
  /** Shows a line to the user (stderr in the CLI). */
  print: (line: string) => void;
  /** Waits `ms`; settles early when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Ends the sign-in with `aborted` (Ctrl+C). */
  signal: AbortSignal;
  /** Callback ports to try in order; default `CALLBACK_PORTS` (1455, then 1457). */
  ports?: readonly number[];
  /** Callback addresses; default 127.0.0.1 and ::1. */
  hostnames?: readonly string[];
  /** The callback-only wait before the paste prompt; default 60 s. The server stays up after. */
  callbackWaitMs?: number;
  /** The whole sign-in's deadline; default 15 minutes. */
  timeoutMs?: number;
}

/**
 * The whole browser sign-in. Without a free callback port it still works: the user pastes the
 * URL the browser was sent to, and the exchange names the redirect URI that URL was built with.
 */
export async function browserLogin(deps: BrowserLoginDeps): Promise<AuthResult<TokenSet>> {
  const pkce = await createPkce(deps.random);
  const state = createState(deps.random);
  // Aborted once the sign-in is decided, to stop the waits that lost the race. Until then, an
  // aborted `signal` means the user cancelled.
  const decided = new AbortController();
  const signal = AbortSignal.any([deps.signal, decided.signal]);
  const redeem = (code: string, redirectUri: string, signal: AbortSignal) =>
    deps.exchange(
      { fetch: deps.fetch, issuer: deps.issuer, signal },
      { code, codeVerifier: pkce.verifier, redirectUri },
    );

  const started = await startCallbackServer({
    expectedState: state,
    redeem: ({ code, redirectUri }, signal) => redeem(code, redirectUri, signal),
    signal,
    ports: deps.ports,
    hostnames: deps.hostnames,
  });
  const server = started.ok ? started.value : undefined;
  const unreachable = started.ok ? undefined : started.error;
  // Without a server the browser still lands on this URI (and fails to load it): its address
  // carries the code for the user to paste.
  const redirectUri = server?.redirectUri ??
    callbackRedirectUri((deps.ports ?? CALLBACK_PORTS)[0]);
  try {
    const url = buildAuthorizeUrl({
      issuer: deps.issuer,
      redirectUri,
      codeChallenge: pkce.challenge,
      state,
    });
    deps.print("Sign in with ChatGPT by opening this URL in a browser:");
    deps.print(url);
    if (deps.openBrowser(url)) deps.print("A browser window should open on that page.");
    if (unreachable) deps.print(`Note: ${unreachable.message}.`);

    const pasted = async (): Promise<AuthResult<TokenSet>> => {
      if (server) await deps.sleep(deps.callbackWaitMs ?? DEFAULT_CALLBACK_WAIT_MS, signal);
      if (signal.aborted) return cancelled();
      const code = await readPastedCode(deps, state, signal, server !== undefined);
      if (signal.aborted) return cancelled();
      // With no one to paste, only the callback can still finish the sign-in.
      if (code === null) return unreachable ? failure(unreachable) : never();
      return await redeem(code, redirectUri, signal);
    };
    const deadline = async (): Promise<AuthResult<TokenSet>> => {
      await deps.sleep(deps.timeoutMs ?? DEFAULT_BROWSER_LOGIN_TIMEOUT_MS, signal);
      if (signal.aborted) return cancelled();
      return failure({
        kind: "timeout",
        message: "no sign-in arrived in time; run `pixir login --browser` again, or " +
          "`pixir login` to sign in with a device code",
      });
    };
    const waits = [pasted(), deadline()];
    if (server) waits.push(server.outcome);
    return await Promise.race(waits);
  } finally {
    decided.abort();
    await server?.close();
  }
}

/** Prompts until a paste yields a code; null when there is no one to ask or `signal` aborted. */
async function readPastedCode(
  deps: BrowserLoginDeps,
  state: string,
  signal: AbortSignal,
  callbackPending: boolean,
): Promise<string | null> {
  deps.print(
    callbackPending
      ? "No callback yet. If the browser shows an error page (for example on a remote machine), " +
        "paste its full address here and press Enter:"
      : "Paste the full address the browser ends up on and press Enter:",
  );
  while (!signal.aborted) {
    const line = await deps.readPastedLine(signal);
    if (line === null || signal.aborted) return null;
    const pasted = parseRedirectInput(line, state);
    if (pasted.ok) return pasted.code;
    deps.print(`That did not work: ${pasted.problem}. Paste the address again:`);
  }
  return null;
}

/** A wait with nothing left to contribute: it must not decide the sign-in, so it never settles. */
function never(): Promise<never> {
  return new Promise(() => {});
}

function cancelled(): { ok: false; error: AuthError } {
  return failure({ kind: "aborted", message: "sign-in cancelled" });
}

function failure(error: AuthError): { ok: false; error: AuthError } {
  return { ok: false, error };
}
