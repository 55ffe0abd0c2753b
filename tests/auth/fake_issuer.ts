/**
 * A loopback stand-in for the ChatGPT sign-in issuer's token endpoint that behaves like the real
 * one where it matters: refresh tokens are single-use and rotate, a spent one is answered with
 * `refresh_token_reused`, and every request is recorded so tests can count them.
 */

import { type RecordedRequest, startLoopbackServer } from "../fakes/loopback_server.ts";
import type { Reply } from "../fakes/reply.ts";
import { accessToken, idToken } from "./tokens.ts";

/** How the fake issuer behaves. */
export interface FakeIssuerOptions {
  /** The refresh token it honours at first. */
  refreshToken: string;
  /** The clock for minted expiries, Unix ms; default `Date.now`. */
  now?: () => number;
  /** Lifetime of minted access tokens; default one hour. */
  accessTtlMs?: number;
  /** Pause before answering each token request, to widen race windows. */
  delayMs?: number;
  /** Replies for the first token requests, served in order before its own behaviour. */
  script?: readonly Reply[];
}

/** A running fake issuer. */
export interface FakeIssuer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`: the issuer URL to record in `auth.json`. */
  origin: string;
  /** Every request to `/oauth/token`, in arrival order. */
  tokenRequests(): RecordedRequest[];
  /** Every request to `/oauth/revoke`, in arrival order. */
  revokeRequests(): RecordedRequest[];
  close(): Promise<void>;
}

/** Starts the fake issuer on an OS-chosen loopback port. */
export function startFakeIssuer(options: FakeIssuerOptions): FakeIssuer {
  const now = options.now ?? Date.now;
  const script = [...(options.script ?? [])];
  const spent = new Set<string>();
  let live = options.refreshToken;
  let minted = 0;

  const refresh = (form: URLSearchParams): Reply => {
    const presented = form.get("refresh_token") ?? "";
    if (presented !== live) {
      const code = spent.has(presented) ? "refresh_token_reused" : "refresh_token_invalidated";
      return { status: 401, body: { error: { code, message: `fake issuer: ${code}` } } };
    }
    spent.add(live);
    minted += 1;
    live = `rt-${minted}`;
    return {
      status: 200,
      body: {
        access_token: accessToken(now() + (options.accessTtlMs ?? 3_600_000), { jti: minted }),
        refresh_token: live,
        id_token: idToken(),
        expires_in: 3600,
      },
    };
  };

  const server = startLoopbackServer([
    {
      method: "POST",
      path: "/oauth/token",
      handle: async (request) => {
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        const scripted = script.shift();
        if (scripted) return scripted;
        const form = new URLSearchParams(request.text);
        if (form.get("grant_type") === "refresh_token") return refresh(form);
        return { status: 400, body: { error: "unsupported_grant_type" } };
      },
    },
    { method: "POST", path: "/oauth/revoke", handle: () => ({ status: 200, body: {} }) },
  ]);
  const byPath = (path: string) => () => server.requests.filter((r) => r.path === path);
  return {
    origin: server.origin,
    tokenRequests: byPath("/oauth/token"),
    revokeRequests: byPath("/oauth/revoke"),
    close: server.close,
    [Symbol.asyncDispose]: server.close,
  };
}
