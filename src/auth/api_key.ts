/** API-key credentials from `OPENAI_API_KEY`; an API key cannot be renewed after a 401. */

import { type CredentialProvider, NotAuthenticatedError } from "./credential.ts";

/** A provider for the API key in the environment, or a NotAuthenticatedError naming the fix. */
export function apiKeyCredentials(
  env: (name: string) => string | undefined,
): CredentialProvider {
  const key = env("OPENAI_API_KEY")?.trim();
  if (!key) {
    throw new NotAuthenticatedError(
      "no credential: OPENAI_API_KEY is not set",
      "export OPENAI_API_KEY=sk-… (ChatGPT sign-in with `pixir login` arrives in a later release)",
    );
  }
  const credential = { kind: "api_key", api_key: key, source: "env" } as const;
  return {
    get: () => Promise.resolve(credential),
    renew: () => Promise.resolve(null),
  };
}
