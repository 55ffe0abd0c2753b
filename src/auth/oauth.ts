/** Facts and shapes shared by every OAuth step against the ChatGPT sign-in issuer. */

/** The OAuth client id of Codex-compatible clients; the issuer only accepts registered ids. */
export const CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

/** The fetch signature the auth layer needs (the global `fetch` fits). */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** The tokens a successful exchange or refresh yields. */
export interface TokenSet {
  id_token: string;
  access_token: string;
  refresh_token: string;
}

/** Why a call to an auth endpoint failed. */
export interface AuthError {
  kind:
    /** The grant is dead (refresh token expired/reused/revoked, invalid_grant, 401): log in again. */
    | "rejected"
    /** Network trouble, 5xx, or anything else worth trying again later. */
    | "transient"
    /** The endpoint answered 2xx with a body that is not what the protocol promises. */
    | "invalid_response"
    /** Device-code login is not enabled for this account (404 from the user-code endpoint). */
    | "not_enabled"
    /** The user declined, or the code expired. */
    | "denied"
    /** The flow's deadline passed (device code: 15 minutes). */
    | "timeout"
    /** The user cancelled (Ctrl+C). */
    | "aborted";
  message: string;
  status?: number;
  /** The server's error code, e.g. `refresh_token_reused`. */
  code?: string;
}

/** A value or an AuthError. */
export type AuthResult<T> = { ok: true; value: T } | { ok: false; error: AuthError };
