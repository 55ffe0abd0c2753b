/**
 * The seam between the provider and wherever credentials come from. The provider asks for a
 * credential before each request and, after a 401, asks once for a renewed one.
 */

/** A credential the provider can send. */
export type Credential =
  /** An API key, sent as a Bearer token (OpenAI's, or the one a provider's `env_key` names). */
  | { kind: "api_key"; api_key: string; source: "env" | "store" }
  /** A ChatGPT subscription's access token: requests go to the ChatGPT backend. */
  | { kind: "chatgpt"; access_token: string; account_id: string }
  /** No credential at all: a local server (Ollama, LM Studio) that asks for none. */
  | { kind: "none" };

/** Supplies credentials to the provider. */
export interface CredentialProvider {
  /** The credential for the next request. */
  get(signal?: AbortSignal): Promise<Credential>;
  /** After a 401: a credential worth one retry, or null when nothing can be renewed. */
  renew(rejected: Credential, signal?: AbortSignal): Promise<Credential | null>;
}

/**
 * What fixes a missing or refused credential: signing in (exit 4), or, for an access-only bundle,
 * a new export on the machine holding the sign-in (exit 6) — a worker can never sign in itself.
 */
export type AuthFix = "sign_in" | "reexport";

/** Where credentials could not be found or were refused; the CLI maps this to exit 4 or 6. */
export class NotAuthenticatedError extends Error {
  /** A command the user can run to fix it. */
  readonly hint: string;
  readonly fix: AuthFix;
  constructor(message: string, hint: string, fix: AuthFix = "sign_in") {
    super(message);
    this.name = "NotAuthenticatedError";
    this.hint = hint;
    this.fix = fix;
  }
}

/**
 * Credentials exist but cannot be used right now (the sign-in server is unreachable, the token
 * file cannot be read); the CLI maps this to exit 1, since signing in again is not the fix.
 */
export class CredentialUnavailableError extends Error {
  /** What the user can do about it, when there is something. */
  readonly hint?: string;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = "CredentialUnavailableError";
    this.hint = hint;
  }
}
