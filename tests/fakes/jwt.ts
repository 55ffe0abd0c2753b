/**
 * Unsigned JWTs shaped like the sign-in issuer's: header `{"alg":"none","typ":"JWT"}`, the payload,
 * and the signature `sig`, each part base64url without padding. Clients read these tokens' claims
 * and never verify them, so a fake signature is enough.
 */

/** The issuer's namespaced claim object that carries the ChatGPT account. */
export const AUTH_CLAIM = "https://api.openai.com/auth";

/** Options of `fakeAccessToken`. */
export interface FakeTokenOptions {
  /** Expiry, Unix seconds. */
  exp: number;
  /** Default `"acct_fx"`. */
  accountId?: string;
  /** Default `"plus"`. */
  plan?: string;
  /** Default `"dev@example.com"`. */
  email?: string;
  /** Default `"user-fx"`. */
  userId?: string;
  /** A unique id (`jti`), so two tokens minted in the same second still differ. */
  tokenId?: string;
}

/** An unsigned JWT with `payload`. */
export function makeJwt(payload: Readonly<Record<string, unknown>>): string {
  const header = { alg: "none", typ: "JWT" };
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.sig`;
}

/** An access (or id) token carrying the claims Pixir reads: expiry, email, account and plan. */
export function fakeAccessToken(options: FakeTokenOptions): string {
  return makeJwt({
    exp: options.exp,
    email: options.email ?? "dev@example.com",
    [AUTH_CLAIM]: {
      chatgpt_account_id: options.accountId ?? "acct_fx",
      chatgpt_plan_type: options.plan ?? "plus",
      chatgpt_user_id: options.userId ?? "user-fx",
    },
    ...(options.tokenId === undefined ? {} : { jti: options.tokenId }),
  });
}

/** Bytes, or text as UTF-8, in base64url without padding (RFC 7515). */
export function base64url(data: string | Uint8Array): string {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const base64 = btoa(String.fromCharCode(...bytes));
  return base64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
