/**
 * Choosing the credential for a run. For OpenAI (no provider chosen): `--auth` when given,
 * otherwise an access-only bundle (PIXIR_ACCESS_BUNDLE or PIXIR_ACCESS_BUNDLE_FILE), the stored
 * ChatGPT login, then `OPENAI_API_KEY`, then a stored API key. A subscription
 * the user paid for wins over a key that merely happens to be in the environment; `--auth api-key`
 * says otherwise. A chosen provider decides alone: the subscription only for `chatgpt`, an OpenAI
 * key for `openai`, the variable its `env_key` names, or nothing for a local server.
 */

import { apiKeyProvider, envApiKey } from "./api_key.ts";
import { type CredentialProvider, NotAuthenticatedError } from "./credential.ts";
import { AuthFileError, authFileLocation, readAuthFile, type StoredAuth } from "./auth_file.ts";
import { type RefreshDeps, requireChatgptLogin } from "./refresh.ts";
import { subscriptionCredentials } from "./subscription.ts";
import { bundleCredentials, type BundleOrigin, findBundle } from "./bundle.ts";

/**
 * Which credential a provider's requests carry: the ChatGPT sign-in, an OpenAI key (environment or
 * saved), the key in a named variable, or none.
 */
export type ProviderCredentialKind =
  | { kind: "chatgpt" }
  | { kind: "openai" }
  | { kind: "env_key"; variable: string }
  | { kind: "none" };

/** The credential kinds `--auth` can demand. */
export type AuthChoice = "subscription" | "api-key";

/** Where the chosen credential comes from, for `pixir status` and diagnostics. */
export type CredentialSource =
  /** The ChatGPT login saved in `path`. */
  | { method: "chatgpt"; source: "store"; path: string }
  /** An access-only bundle from the environment, good until `expires_at` (Unix seconds). */
  | { method: "chatgpt"; source: "bundle"; origin: BundleOrigin; expires_at: number }
  /** `OPENAI_API_KEY`, or the variable a provider's `env_key` names. */
  | { method: "api_key"; source: "env"; variable?: string }
  /** An API key saved in `path`. */
  | { method: "api_key"; source: "store"; path: string }
  /** No credential: a provider that asks for none. */
  | { method: "none" };

/** What resolution takes: the choice, the environment, Pixir's folders, and refresh's effects. */
export interface ResolveOptions extends Omit<RefreshDeps, "location"> {
  /** `--auth`, when given. */
  choice?: AuthChoice;
  env: (name: string) => string | undefined;
  paths: { readonly configDir: string };
  /** Reads the file `PIXIR_ACCESS_BUNDLE_FILE` names; default `Deno.readTextFile`. */
  readTextFile?: (path: string) => Promise<string>;
}

/** The chosen credentials and where they come from. */
export interface ResolvedCredentials {
  provider: CredentialProvider;
  source: CredentialSource;
  /** What the person should know about the choice (an unusable auth.json passed over). */
  warnings?: string[];
}

/**
 * The credentials for a run. Throws NotAuthenticatedError (exit 4) naming the fix when there are
 * none, and AuthFileError when `auth.json` had to be read and is unreadable or corrupt — unless
 * OPENAI_API_KEY can stand in (no `--auth subscription`): then the run goes on with the key and
 * the bad file is named in `warnings`.
 */
export async function resolveCredentials(options: ResolveOptions): Promise<ResolvedCredentials> {
  const { choice, env, paths, readTextFile = Deno.readTextFile, ...refresh } = options;
  const location = authFileLocation(paths.configDir);
  const envKey = envApiKey(env);
  // A worker's bundle is the subscription it was handed: it wins over a login it should not have.
  const found = choice === "api-key" ? null : await findBundle(env, readTextFile);
  if (found !== null) {
    const { bundle, origin } = found;
    return {
      provider: bundleCredentials(bundle, refresh.now),
      source: { method: "chatgpt", source: "bundle", origin, expires_at: bundle.expires_at },
    };
  }
  if (choice === "api-key") {
    if (envKey !== undefined) return fromEnv(envKey);
    const stored = await readAuthFile(location);
    if (stored?.method === "api_key") return fromStore(stored.api_key, location.file);
    throw new NotAuthenticatedError(
      "no API key: OPENAI_API_KEY is not set and none is saved",
      "export OPENAI_API_KEY=sk-…",
    );
  }
  let stored: StoredAuth | null;
  try {
    stored = await readAuthFile(location);
  } catch (error) {
    if (!(error instanceof AuthFileError) || envKey === undefined || choice === "subscription") {
      throw error;
    }
    const warning = `${error.message}; using OPENAI_API_KEY instead (\`pixir logout\` moves ` +
      "the bad file aside)";
    return { ...fromEnv(envKey), warnings: [warning] };
  }
  if (choice === "subscription" || stored?.method === "chatgpt") {
    requireChatgptLogin(stored);
    return {
      provider: subscriptionCredentials({ ...refresh, location }),
      source: { method: "chatgpt", source: "store", path: location.file },
    };
  }
  if (envKey !== undefined) return fromEnv(envKey);
  if (stored?.method === "api_key") return fromStore(stored.api_key, location.file);
  throw new NotAuthenticatedError("not signed in", "run `pixir login` (or set OPENAI_API_KEY)");
}

function fromEnv(apiKey: string): ResolvedCredentials {
  return { provider: apiKeyProvider(apiKey, "env"), source: { method: "api_key", source: "env" } };
}

function fromStore(apiKey: string, path: string): ResolvedCredentials {
  return {
    provider: apiKeyProvider(apiKey, "store"),
    source: { method: "api_key", source: "store", path },
  };
}

/**
 * The credentials a provider's requests carry (see the module comment). Throws
 * NotAuthenticatedError naming the variable or the sign-in to provide.
 */
export async function resolveProviderCredentials(
  auth: ProviderCredentialKind,
  options: Omit<ResolveOptions, "choice">,
): Promise<ResolvedCredentials> {
  switch (auth.kind) {
    case "chatgpt":
      return await resolveCredentials({ ...options, choice: "subscription" });
    case "openai":
      return await resolveCredentials({ ...options, choice: "api-key" });
    case "env_key": {
      const key = readVariable(options.env, auth.variable);
      if (!key) {
        throw new NotAuthenticatedError(
          `no API key: ${auth.variable} is not set`,
          `export ${auth.variable}=…  (the provider's key, named by its env_key)`,
        );
      }
      return {
        provider: apiKeyProvider(key, "env"),
        source: { method: "api_key", source: "env", variable: auth.variable },
      };
    }
    case "none":
      return {
        provider: {
          get: () => Promise.resolve({ kind: "none" }),
          renew: () => Promise.resolve(null),
        },
        source: { method: "none" },
      };
  }
}

/** The variable's value; a variable Pixir's permissions do not let it read is said so. */
function readVariable(env: (name: string) => string | undefined, name: string): string | undefined {
  try {
    return env(name)?.trim();
  } catch {
    throw new NotAuthenticatedError(
      `${name} cannot be read: Pixir may read only PIXIR_*, OPENAI_* and OPENROUTER_API_KEY`,
      `put the key in a variable named PIXIR_… and set the provider's env_key to that name`,
    );
  }
}
