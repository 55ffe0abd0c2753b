/**
 * PKCE (RFC 7636) for the browser sign-in: a secret verifier, its S256 challenge, and the `state`
 * nonce that ties the redirect back to this attempt. Randomness is injected so tests are exact.
 */

/** Returns `length` random bytes; production uses `secureRandomBytes`. */
export type RandomBytes = (length: number) => Uint8Array;

/** A PKCE pair: the verifier stays local, the challenge goes in the authorize URL. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

/** 64 bytes give an 86-character verifier, inside RFC 7636's 43–128 range. */
const VERIFIER_BYTES = 64;
const STATE_BYTES = 32;

/** Random bytes from the platform's cryptographic generator. */
export function secureRandomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}

/** Base64url without padding, the encoding PKCE and OAuth use for every random value. */
export function base64Url(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

/** The S256 challenge of `verifier`: base64url(SHA-256(ASCII bytes of the verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** A fresh verifier from 64 random bytes and its challenge. */
export async function createPkce(random: RandomBytes): Promise<Pkce> {
  const verifier = base64Url(random(VERIFIER_BYTES));
  return { verifier, challenge: await codeChallenge(verifier) };
}

/** A fresh `state` from 32 random bytes. */
export function createState(random: RandomBytes): string {
  return base64Url(random(STATE_BYTES));
}
