/**
 * When a usage limit resets, said for a person: the wait ("3 h 51 min") and the local clock time
 * it ends at ("14:20"). The time zone comes in as a function so output is deterministic in tests.
 */

/** The local time zone's offset from UTC in minutes (east positive) at an instant, Unix ms. */
export type UtcOffset = (unixMs: number) => number;

/** The offset of the time zone this process runs in, daylight saving included. */
export function systemUtcOffset(unixMs: number): number {
  return -new Date(unixMs).getTimezoneOffset();
}

const SECONDS_PER_DAY = 86_400;
const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 1_440;
const MS_PER_MINUTE = 60_000;

/**
 * "in 3 h 51 min, at 14:20"; beyond a day, "in 2 d 4 h, on 2026-01-07 at 14:20". The clock time
 * is rounded up to the minute, so at the time shown the limit has reset.
 */
export function describeReset(waitSeconds: number, nowMs: number, utcOffset: UtcOffset): string {
  const wait = Math.max(0, waitSeconds);
  const resetMs = nowMs + wait * 1000;
  const shownMs = Math.ceil(resetMs / MS_PER_MINUTE) * MS_PER_MINUTE;
  // Shifted by the offset, the UTC fields of `local` read as the local wall clock.
  const local = new Date(shownMs + utcOffset(resetMs) * MS_PER_MINUTE);
  const clock = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  if (wait < SECONDS_PER_DAY) return `in ${describeWait(wait)}, at ${clock}`;
  const date = `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${
    pad(local.getUTCDate())
  }`;
  return `in ${describeWait(wait)}, on ${date} at ${clock}`;
}

/** "51 min", "3 h 51 min", "2 d 4 h": rounded to the minute, never less than 1 min. */
export function describeWait(seconds: number): string {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < MINUTES_PER_HOUR) return `${minutes} min`;
  const days = Math.floor(minutes / MINUTES_PER_DAY);
  const hours = Math.floor((minutes % MINUTES_PER_DAY) / MINUTES_PER_HOUR);
  const rest = minutes % MINUTES_PER_HOUR;
  if (days > 0) return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
