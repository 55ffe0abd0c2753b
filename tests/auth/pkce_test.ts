import assert from "node:assert/strict";
import {
  base64Url,
  codeChallenge,
  createPkce,
  createState,
  secureRandomBytes,
} from "../../src/auth/pkce.ts";

/** RFC 7636 appendix B: the 32 random octets, the verifier they encode to, and its challenge. */
const RFC_OCTETS = [
  116,
  24,
  223,
  180,
  151,
  153,
  224,
  37,
  79,
  250,
  96,
  125,
  216,
  173,
  187,
  186,
  22,
  212,
  37,
  77,
  105,
  214,
  191,
  240,
  91,
  88,
  5,
  88,
  83,
  132,
  141,
  121,
];
const RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/** A random source that counts up from `start` and records the lengths asked for. */
function countingRandom(start = 0) {
  const lengths: number[] = [];
  const random = (length: number) => {
    lengths.push(length);
    return Uint8Array.from({ length }, (_, i) => (start + i) % 256);
  };
  return { random, lengths };
}

Deno.test("base64Url encodes the RFC 7636 octets to the RFC's verifier", () => {
  assert.equal(base64Url(Uint8Array.from(RFC_OCTETS)), RFC_VERIFIER);
});

Deno.test("base64Url uses - and _ and drops the padding", () => {
  assert.equal(base64Url(Uint8Array.from([0xfb, 0xff])), "-_8");
});

Deno.test("codeChallenge matches the RFC 7636 S256 vector", async () => {
  assert.equal(await codeChallenge(RFC_VERIFIER), RFC_CHALLENGE);
});

Deno.test("createPkce draws 64 bytes for an 86-character verifier and challenges it", async () => {
  const { random, lengths } = countingRandom(7);
  const pkce = await createPkce(random);
  assert.deepEqual(lengths, [64]);
  assert.equal(pkce.verifier, base64Url(Uint8Array.from({ length: 64 }, (_, i) => 7 + i)));
  assert.equal(pkce.verifier.length, 86);
  assert.equal(pkce.challenge, await codeChallenge(pkce.verifier));
});

Deno.test("createState draws 32 bytes, base64url without padding", () => {
  const { random, lengths } = countingRandom(200);
  const state = createState(random);
  assert.deepEqual(lengths, [32]);
  assert.equal(state, base64Url(Uint8Array.from({ length: 32 }, (_, i) => (200 + i) % 256)));
  assert.match(state, /^[A-Za-z0-9_-]{43}$/);
});

Deno.test("secureRandomBytes returns the asked length and differs between calls", () => {
  const first = secureRandomBytes(32);
  assert.equal(first.length, 32);
  assert.notDeepEqual(first, secureRandomBytes(32));
});
