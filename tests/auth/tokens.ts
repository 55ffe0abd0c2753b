/** Unsigned JWTs shaped like the sign-in issuer's, for auth tests. */

/** The ChatGPT account the test tokens belong to. */
export const ACCOUNT_ID = "acct-test-1";

/** A JWT (`alg: none`, fake signature) carrying `claims`, base64url-encoded without padding. */
export function jwt(claims: Record<string, unknown>): string {
  return [{ alg: "none", typ: "JWT" }, claims].map((part) => base64url(JSON.stringify(part)))
    .concat("sig")
    .join(".");
}

/** An access token for ACCOUNT_ID (or `accountId`) that expires at `expMs` (Unix ms). */
export function accessToken(expMs: number, extra: Record<string, unknown> = {}): string {
  return jwt({
    exp: Math.floor(expMs / 1000),
    "https://api.openai.com/auth": { chatgpt_account_id: ACCOUNT_ID },
    ...extra,
  });
}

/** An id token for ACCOUNT_ID (or the account in `auth`). */
export function idToken(
  auth: Record<string, unknown> = { chatgpt_account_id: ACCOUNT_ID },
): string {
  return jwt({ email: "user@example.com", "https://api.openai.com/auth": auth });
}

/** base64url without padding, as JWTs use. */
export function base64url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}
