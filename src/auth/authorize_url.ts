/** The issuer's authorize URL that starts the browser sign-in, and the loopback redirect URI it names. */

import { CLIENT_ID } from "./oauth.ts";

/** The path the issuer redirects the browser to on the loopback callback server. */
export const CALLBACK_PATH = "/auth/callback";

/** `offline_access` is what makes the issuer hand out a refresh token. */
export const SCOPES = "openid profile email offline_access";

/** How Pixir names itself to the issuer. */
export const ORIGINATOR = "pixir";

/** What varies between two authorize URLs. */
export interface AuthorizeRequest {
  /** The issuer origin, without a trailing slash. */
  issuer: string;
  /** Must be repeated exactly in the token exchange. */
  redirectUri: string;
  /** The PKCE S256 challenge. */
  codeChallenge: string;
  state: string;
}

/**
 * The redirect URI for a callback server on `port`. It says `localhost`, not an address, because
 * the issuer only accepts its registered `localhost` URIs.
 */
export function callbackRedirectUri(port: number): string {
  return `http://localhost:${port}${CALLBACK_PATH}`;
}

/** `<issuer>/oauth/authorize?…` with every parameter percent-encoded (spaces as `%20`). */
export function buildAuthorizeUrl(request: AuthorizeRequest): string {
  const params: [string, string][] = [
    ["response_type", "code"],
    ["client_id", CLIENT_ID],
    ["redirect_uri", request.redirectUri],
    ["scope", SCOPES],
    ["code_challenge", request.codeChallenge],
    ["code_challenge_method", "S256"],
    ["id_token_add_organizations", "true"],
    ["codex_cli_simplified_flow", "true"],
    ["state", request.state],
    ["originator", ORIGINATOR],
  ];
  const query = params.map(([name, value]) => `${name}=${percentEncode(value)}`).join("&");
  return `${request.issuer}/oauth/authorize?${query}`;
}

/** RFC 3986 encoding: everything but unreserved characters, so `!'()*` are escaped too. */
function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
