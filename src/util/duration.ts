/** Durations as people type them on a command line: `90s`, `30m`, `2h`, `1h30m`, or seconds. */

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of `text`: a plain number is seconds; otherwise one or more `<number><unit>` parts
 * with units s, m, h, d. Null when it is none of these or not positive.
 */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const ms = Number(trimmed) * 1_000;
    return ms > 0 ? ms : null;
  }
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join("") !== trimmed) return null;
  const ms = parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit], 0);
  return ms > 0 ? ms : null;
}
