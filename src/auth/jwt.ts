/**
 * The claims Pixir reads from the sign-in issuer's JWTs. Signatures are not verified: the tokens
 * come straight from the issuer over TLS and are only read for display and routing (account id,
 * expiry); the servers that accept them do the verifying.
 */

import { isRecord, type JsonRecord, numberField, recordField, stringField } from "../util/json.ts";

/** The claims Pixir uses; each is absent when the token lacks it or carries the wrong type. */
export interface Claims {
  /** Expiry, Unix seconds. */
  exp?: number;
  email?: string;
  /** The ChatGPT workspace/account id, sent as `ChatGPT-Account-ID`. */
  account_id?: string;
  /** The ChatGPT plan, e.g. `plus`, `pro`, `team`. */
  plan?: string;
  user_id?: string;
}

/** The issuer's namespaced claim objects. */
const AUTH_CLAIM = "https://api.openai.com/auth";
const PROFILE_CLAIM = "https://api.openai.com/profile";

/** The claims of `jwt`, or null when it is not a decodable JWT; never throws. */
export function readClaims(jwt: string): Claims | null {
  let payload: unknown;
  try {
    payload = jwtPayload(jwt);
  } catch {
    return null;
  }
  if (!isRecord(payload)) return null;
  const auth = recordField(payload, AUTH_CLAIM) ?? {};
  const profile = recordField(payload, PROFILE_CLAIM) ?? {};
  return withoutUndefined({
    exp: numberField(payload, "exp"),
    email: nonEmpty(payload, "email") ?? nonEmpty(profile, "email"),
    account_id: nonEmpty(auth, "chatgpt_account_id"),
    plan: nonEmpty(auth, "chatgpt_plan_type"),
    user_id: nonEmpty(auth, "chatgpt_user_id") ?? nonEmpty(auth, "user_id"),
  });
}

/**
 * The payload of a compact JWS (`header.payload.signature`): base64url without the padding JWTs
 * leave out, holding JSON. Throws when `jwt` is not one. Decoded with the built-in codec rather
 * than jose's, so a run with an API key loads no npm package (each costs start-up and memory).
 */
function jwtPayload(jwt: string): unknown {
  const parts = jwt.split(".");
  if (parts.length !== 3) throw new Error("a JWT has three parts");
  const bytes = Uint8Array.fromBase64(parts[1], { alphabet: "base64url" });
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}

/**
 * The ChatGPT account a sign-in's tokens belong to: the id token's claim, else the access
 * token's (clients have been seen reading either; the issuer puts it in both).
 */
export function accountIdOf(
  tokens: { id_token: string; access_token: string },
): string | undefined {
  return readClaims(tokens.id_token)?.account_id ?? readClaims(tokens.access_token)?.account_id;
}

function nonEmpty(record: JsonRecord, key: string): string | undefined {
  const value = stringField(record, key);
  return value === undefined || value === "" ? undefined : value;
}

/** Drops absent claims so the result compares cleanly and serializes without `undefined` keys. */
function withoutUndefined(claims: Claims): Claims {
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined)) as Claims;
}
