/**
 * Signing in with a ChatGPT account, for every front end: the device-code or browser flow, then the
 * tokens checked and saved. How the code or the link is shown is the front end's.
 */

import { Failure } from "./failure.ts";
import { failureFromAuth, rethrowAuthError } from "./auth_failure.ts";
import { authFileLocation, chatgptAuth, type StoredAuth, withAuthFile } from "../auth/auth_file.ts";
import { browserLogin } from "../auth/browser_login.ts";
import { type DeviceCode, deviceCodeLogin } from "../auth/device_code.ts";
import { accountIdOf, readClaims } from "../auth/jwt.ts";
import type { AuthResult, Fetch, TokenSet } from "../auth/oauth.ts";
import { openBrowser, spawnDetached } from "../auth/open_browser.ts";
import { secureRandomBytes } from "../auth/pkce.ts";
import { exchangeAuthorizationCode } from "../auth/token_endpoint.ts";
import { sleep } from "../util/sleep.ts";

/** How the person signs in, and how each flow talks to them. */
export type SignInFlow =
  | {
    kind: "browser";
    /** A line for the person (the link to open when no browser could be started). */
    print(line: string): void;
    /** A redirect URL pasted by the person, when they can type; null when they cannot. */
    readPastedLine(signal: AbortSignal): Promise<string | null>;
  }
  | {
    kind: "device";
    /** Shows the code and where to enter it. */
    onCode(code: DeviceCode): void | Promise<void>;
  };

/** What a sign-in needs besides the flow. */
export interface SignInOptions {
  fetch: Fetch;
  os: typeof Deno.build.os;
  now(): number;
  issuer: string;
  configDir: string;
  signal: AbortSignal;
}

/** Who signed in, and where the credentials were saved. */
export interface SignedIn {
  who: string;
  plan?: string;
  file: string;
}

/**
 * Signs in with ChatGPT and saves the tokens; throws a Failure when the flow fails or the tokens
 * carry no account (nothing is saved then).
 */
export async function signInWithChatgpt(
  flow: SignInFlow,
  options: SignInOptions,
): Promise<SignedIn> {
  const { fetch, issuer, signal } = options;
  const exchange = exchangeAuthorizationCode;
  const result: AuthResult<TokenSet> = flow.kind === "browser"
    ? await browserLogin({
      fetch,
      issuer,
      exchange,
      random: secureRandomBytes,
      openBrowser: (url) => openBrowser(url, { os: options.os, spawn: spawnDetached }),
      readPastedLine: flow.readPastedLine,
      print: flow.print,
      sleep,
      signal,
    })
    : await deviceCodeLogin({
      fetch,
      issuer,
      exchange,
      sleep,
      now: options.now,
      signal,
      onCode: flow.onCode,
    });
  if (!result.ok) throw failureFromAuth(result.error);

  const tokens = result.value;
  const accountId = accountIdOf(tokens);
  if (!accountId) {
    throw new Failure(
      "not_authenticated",
      "the sign-in returned tokens without a ChatGPT account id; nothing was saved",
    );
  }
  const location = authFileLocation(options.configDir);
  await saveAuth(
    location,
    chatgptAuth({ ...tokens, account_id: accountId }, issuer, options.now()),
  );
  const claims = readClaims(tokens.id_token) ?? readClaims(tokens.access_token);
  return {
    who: claims?.email ?? accountId,
    ...(claims?.plan ? { plan: claims.plan } : {}),
    file: location.file,
  };
}

/** Saves credentials to the auth file; an unwritable or broken file is a Failure. */
export async function saveAuth(
  location: ReturnType<typeof authFileLocation>,
  auth: StoredAuth,
): Promise<void> {
  try {
    await withAuthFile(location, (file) => file.write(auth));
  } catch (error) {
    rethrowAuthError(error);
  }
}
