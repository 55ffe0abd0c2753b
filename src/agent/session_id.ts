/**
 * Session ids: `20261124-111300-k3f9qz` — the UTC creation time, then six random base36 characters.
 * Sorting ids as strings sorts sessions by creation time, and a person can read when one began.
 */

/** The exact shape of a session id. */
export const SESSION_ID_PATTERN = /^\d{8}-\d{6}-[0-9a-z]{6}$/;

const RANDOM_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz";
const RANDOM_LENGTH = 6;

/** A new session id for the moment `now` (epoch ms); `random` returns numbers in [0, 1). */
export function newSessionId(now: number, random: () => number): string {
  const iso = new Date(now).toISOString(); // 2026-11-24T11:13:00.000Z
  const date = iso.slice(0, 10).replaceAll("-", "");
  const time = iso.slice(11, 19).replaceAll(":", "");
  let suffix = "";
  for (let i = 0; i < RANDOM_LENGTH; i++) {
    suffix += RANDOM_CHARS[Math.floor(random() * RANDOM_CHARS.length) % RANDOM_CHARS.length];
  }
  return `${date}-${time}-${suffix}`;
}

/**
 * Whether `text` may be (a prefix of) a session id. Only id characters are allowed, so a query can
 * never carry a path separator or `..` out of the sessions folder.
 */
export function isSessionIdQuery(text: string): boolean {
  return /^[0-9a-z-]+$/.test(text);
}
