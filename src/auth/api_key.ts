/** Credentials from an OpenAI API key; an API key cannot be renewed after a 401. */

import type { CredentialProvider } from "./credential.ts";

/** `OPENAI_API_KEY` when it is set to something other than blanks. */
export function envApiKey(env: (name: string) => string | undefined): string | undefined {
  return env("OPENAI_API_KEY")?.trim() || undefined;
}

/** A provider that always answers with `apiKey`, saying where it came from. */
export function apiKeyProvider(apiKey: string, source: "env" | "store"): CredentialProvider {
  const credential = { kind: "api_key", api_key: apiKey, source } as const;
  return {
    get: () => Promise.resolve(credential),
    renew: () => Promise.resolve(null),
  };
}
