/** Credentials from the stored ChatGPT login, kept fresh across requests and processes. */

import type { Credential, CredentialProvider } from "./credential.ts";
import type { ChatgptAuth } from "./auth_file.ts";
import { ensureFreshTokens, recoverFromUnauthorized, type RefreshDeps } from "./refresh.ts";

/**
 * A provider for the ChatGPT login in `auth.json`. `get` refreshes ahead of expiry; `renew`
 * recovers from a 401 once (a token another process already rotated in, else a refresh) and
 * answers null when that yields the very token that was refused, so the provider reports it.
 */
export function subscriptionCredentials(options: RefreshDeps): CredentialProvider {
  // The tokens this process saw rotate in, shared by every request it makes.
  const deps: RefreshDeps = { ...options, rotated: options.rotated ?? new Set() };
  return {
    async get(signal) {
      return credentialOf(await ensureFreshTokens(deps, signal));
    },
    async renew(rejected, signal) {
      if (rejected.kind !== "chatgpt") return null;
      const login = await recoverFromUnauthorized(deps, rejected.access_token, signal);
      return login.tokens.access_token === rejected.access_token ? null : credentialOf(login);
    },
  };
}

function credentialOf(login: ChatgptAuth): Credential {
  return {
    kind: "chatgpt",
    access_token: login.tokens.access_token,
    account_id: login.tokens.account_id,
  };
}
