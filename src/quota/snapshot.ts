/**
 * The plan's usage windows, as the ChatGPT backend reports them in `x-codex-*` headers on every
 * reply (streams and errors alike), read into one typed snapshot; and the check a stored snapshot
 * passes before it is trusted again.
 */

import { isRecord, type JsonRecord } from "../util/json.ts";

/** One usage window of the plan. */
export interface QuotaWindow {
  /** How much of the window is spent, in percent (fractional values happen). */
  used_percent: number;
  /** The window's length, e.g. 300 (five hours) or 10080 (a week). */
  window_minutes?: number;
  /** When the window starts afresh, Unix seconds. */
  resets_at?: number;
}

/** Whether the account may spend credits beyond its plan. */
export interface QuotaCredits {
  has_credits?: boolean;
  unlimited?: boolean;
}

/** What one response said about the plan's usage. */
export interface QuotaSnapshot {
  /** When the headers were read, Unix seconds. */
  observed_at: number;
  /** The plan, e.g. `plus` or `pro`. */
  plan?: string;
  /** Which family of limits applies to the request, e.g. `premium`. */
  active_limit?: string;
  /** The short window (five hours on current plans). */
  primary?: QuotaWindow;
  /** The long window (a week on current plans). */
  secondary?: QuotaWindow;
  credits?: QuotaCredits;
}

/** A stored snapshot after its check: the snapshot, or what is wrong with it. */
export type QuotaCheck =
  | { ok: true; snapshot: QuotaSnapshot }
  | { ok: false; problem: string };

const PREFIX = "x-codex-";

/**
 * The snapshot carried by `headers`, observed at `nowMs` (Unix ms); null when the response has no
 * quota headers (the public API, or a proxy that strips them). Unparseable values are skipped.
 */
export function parseQuota(headers: Headers, nowMs: number): QuotaSnapshot | null {
  const found = withoutUndefined({
    plan: textHeader(headers, "plan-type"),
    active_limit: textHeader(headers, "active-limit"),
    primary: readWindow(headers, "primary", nowMs),
    secondary: readWindow(headers, "secondary", nowMs),
    credits: readCredits(headers),
  });
  if (Object.keys(found).length === 0) return null;
  return { observed_at: Math.floor(nowMs / 1000), ...found };
}

/**
 * Checks a snapshot read back from storage, where it is untrusted JSON: every field that is
 * present must have its type, and unknown fields are dropped.
 */
export function checkQuotaSnapshot(value: unknown): QuotaCheck {
  if (!isRecord(value)) return { ok: false, problem: "not a JSON object" };
  const observedAt = asNumber(value.observed_at);
  if (observedAt === undefined) return { ok: false, problem: "observed_at is missing or invalid" };
  const invalid: string[] = [];
  const snapshot = withoutUndefined({
    observed_at: observedAt,
    plan: field(value, "plan", asString, invalid),
    active_limit: field(value, "active_limit", asString, invalid),
    primary: field(value, "primary", (raw) => asWindow(raw, "primary.", invalid), invalid),
    secondary: field(value, "secondary", (raw) => asWindow(raw, "secondary.", invalid), invalid),
    credits: field(value, "credits", (raw) => asCredits(raw, invalid), invalid),
  });
  if (invalid.length > 0) return { ok: false, problem: `invalid ${invalid.join(", ")}` };
  return { ok: true, snapshot };
}

/** One window's headers; undefined without a used percentage, or when the window says nothing. */
function readWindow(
  headers: Headers,
  name: "primary" | "secondary",
  nowMs: number,
): QuotaWindow | undefined {
  const used = numberHeader(headers, `${name}-used-percent`);
  if (used === undefined) return undefined;
  const minutes = numberHeader(headers, `${name}-window-minutes`);
  const after = numberHeader(headers, `${name}-reset-after-seconds`);
  const resetsAt = numberHeader(headers, `${name}-reset-at`) ??
    (after === undefined ? undefined : Math.round(nowMs / 1000 + after));
  // The backend reports a window the plan does not have as zero percent of nothing.
  if (used === 0 && minutes === undefined && resetsAt === undefined) return undefined;
  return withoutUndefined({ used_percent: used, window_minutes: minutes, resets_at: resetsAt });
}

function readCredits(headers: Headers): QuotaCredits | undefined {
  const hasCredits = booleanHeader(headers, "credits-has-credits");
  const unlimited = booleanHeader(headers, "credits-unlimited");
  if (hasCredits === undefined && unlimited === undefined) return undefined;
  return withoutUndefined({ has_credits: hasCredits, unlimited });
}

function textHeader(headers: Headers, name: string): string | undefined {
  const value = headers.get(PREFIX + name)?.trim();
  return value ? value : undefined;
}

/** A non-negative finite number, e.g. `12.5`. */
function numberHeader(headers: Headers, name: string): number | undefined {
  const value = textHeader(headers, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** `true`/`false`/`1`/`0` in any case; the backend has been seen sending `False`. */
function booleanHeader(headers: Headers, name: string): boolean | undefined {
  switch (textHeader(headers, name)?.toLowerCase()) {
    case "true":
    case "1":
      return true;
    case "false":
    case "0":
      return false;
    default:
      return undefined;
  }
}

/**
 * `record[key]` read by `read`; a present value that `read` refuses is listed in `invalid`,
 * unless `read` already listed a more precise reason (a nested field).
 */
function field<T>(
  record: JsonRecord,
  key: string,
  read: (raw: unknown) => T | undefined,
  invalid: string[],
  path = "",
): T | undefined {
  const raw = record[key];
  if (raw === undefined) return undefined;
  const listed = invalid.length;
  const value = read(raw);
  if (value === undefined && invalid.length === listed) invalid.push(path + key);
  return value;
}

function asNumber(raw: unknown): number | undefined {
  return typeof raw === "number" && Number.isFinite(raw) ? raw : undefined;
}

function asString(raw: unknown): string | undefined {
  return typeof raw === "string" ? raw : undefined;
}

function asBoolean(raw: unknown): boolean | undefined {
  return typeof raw === "boolean" ? raw : undefined;
}

/** A stored window; its own bad fields are listed in `invalid` under `path`. */
function asWindow(raw: unknown, path: string, invalid: string[]): QuotaWindow | undefined {
  if (!isRecord(raw)) return undefined;
  const used = asNumber(raw.used_percent);
  if (used === undefined) {
    invalid.push(`${path}used_percent`);
    return undefined;
  }
  return withoutUndefined({
    used_percent: used,
    window_minutes: field(raw, "window_minutes", asNumber, invalid, path),
    resets_at: field(raw, "resets_at", asNumber, invalid, path),
  });
}

function asCredits(raw: unknown, invalid: string[]): QuotaCredits | undefined {
  if (!isRecord(raw)) return undefined;
  return withoutUndefined({
    has_credits: field(raw, "has_credits", asBoolean, invalid, "credits."),
    unlimited: field(raw, "unlimited", asBoolean, invalid, "credits."),
  });
}

/** `value` without its undefined fields, so snapshots compare and serialize cleanly. */
function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}
