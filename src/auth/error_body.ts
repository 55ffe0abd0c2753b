/**
 * What the sign-in issuer's error replies say. The issuer answers in several shapes
 * (`{"error":{"code","message"}}`, OAuth's `{"error","error_description"}`, a top-level `code`)
 * and, behind a proxy, sometimes with an HTML page; this reads all of them without trusting any.
 */

import { isRecord, parseJson, stringField } from "../util/json.ts";

/** What an error reply said, as far as it could be read. */
export interface ErrorBody {
  /** The error code, lowercased (`refresh_token_reused`, `invalid_grant`, …). */
  code?: string;
  /** A sentence for a human: the server's description, or a short quote of a non-JSON body. */
  text?: string;
}

/** The longest quote of a body that is not JSON. */
const QUOTE_LIMIT = 200;

/** Reads the code and a human-readable description out of an error reply's body text. */
export function readErrorBody(bodyText: string): ErrorBody {
  const body = parseJson(bodyText);
  if (!isRecord(body)) return withoutEmpty({ text: quoteBody(bodyText) });
  const nested = isRecord(body.error) ? body.error : undefined;
  const code = (nested ? stringField(nested, "code") : stringField(body, "error")) ??
    stringField(body, "code");
  const text = (nested ? stringField(nested, "message") : undefined) ??
    stringField(body, "error_description") ?? stringField(body, "message");
  return withoutEmpty({ code: code?.trim().toLowerCase(), text: text?.trim() });
}

/**
 * A short, single-line quote of a body for an error message; an HTML page is named, not dumped,
 * and an empty body is undefined.
 */
export function quoteBody(text: string): string | undefined {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "") return undefined;
  if (/^<(!doctype|html|head|body)\b/i.test(flat)) return "an HTML page instead of JSON";
  return flat.length > QUOTE_LIMIT ? `"${flat.slice(0, QUOTE_LIMIT)}…"` : `"${flat}"`;
}

function withoutEmpty(body: ErrorBody): ErrorBody {
  const result: ErrorBody = {};
  if (body.code) result.code = body.code;
  if (body.text) result.text = body.text;
  return result;
}
