/** `pixir login`: sign in with ChatGPT (device code by default, or the browser), or save an API key. */

import { probeWritable } from "../util/storage_error.ts";
import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT, storageFailure } from "./failure.ts";
import type { Io } from "../util/io.ts";
import { pathsFrom, settingsFrom } from "./inputs.ts";
import { failureFromAuth, rethrowAuthError } from "./auth_failure.ts";
import { authFileLocation, chatgptAuth, type StoredAuth, withAuthFile } from "../auth/auth_file.ts";
import { browserLogin } from "../auth/browser_login.ts";
import { type DeviceCode, deviceCodeLogin } from "../auth/device_code.ts";
import { accountIdOf, readClaims } from "../auth/jwt.ts";
import type { AuthResult, TokenSet } from "../auth/oauth.ts";
import { openBrowser, spawnDetached } from "../auth/open_browser.ts";
import { secureRandomBytes } from "../auth/pkce.ts";
import { exchangeAuthorizationCode } from "../auth/token_endpoint.ts";
import { sleep } from "../util/sleep.ts";
import { styleFor } from "../ui/style.ts";

const FLAGS = {
  browser: { type: "boolean" },
  device: { type: "boolean" },
  "with-api-key": { type: "boolean" },
} as const;

/** The `login` command. */
export const loginCommand: Command = {
  name: "login",
  summary: "sign in with your ChatGPT account (or save an API key)",
  help: `Usage: pixir login [--device | --browser | --with-api-key]

Signs in with your ChatGPT Plus/Pro account. By default it uses a device code, which works over SSH,
in containers and on servers: open the printed URL on any device, enter the code, approve.

Device-code sign-in must be enabled once for your account: ChatGPT → Settings → Security →
"Enable device code authorization for Codex". Otherwise use --browser.

Flags:
      --device         sign in with a device code (the default)
      --browser        sign in through a browser on this machine (callback on localhost:1455,
                       or paste the URL the browser ends on); over SSH forward the port with
                       ssh -L 1455:localhost:1455
      --with-api-key   read an OpenAI API key from stdin and save it (never pass it as an argument)
  -h, --help           show this help

Credentials are saved in auth.json in Pixir's config folder (mode 0600), see \`pixir status\`.

Examples:
  pixir login
  pixir login --browser
  printenv OPENAI_API_KEY | pixir login --with-api-key
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags("login", argv, FLAGS);
    const modes = [values.device, values.browser, values["with-api-key"]].filter(Boolean).length;
    if (modes > 1) {
      throw new CliFailure("usage", "login: choose one of --device, --browser, --with-api-key");
    }
    if (positionals.length > 0) {
      // Not echoed: the argument is most likely an API key, and stderr often ends up in logs.
      throw new CliFailure("usage", "login takes no arguments; an API key is never passed as one", {
        hint: "an API key is read from stdin: printenv OPENAI_API_KEY | pixir login --with-api-key",
      });
    }
    const { configDir } = pathsFrom(io);
    const location = authFileLocation(configDir);
    // Before anyone is asked to sign in: the credentials must be savable at the end.
    await probeWritable(configDir).catch((error) => {
      throw storageFailure(error, configDir) ?? error;
    });
    if (values["with-api-key"]) {
      const apiKey = await readApiKey(io);
      await save(location, { method: "api_key", api_key: apiKey });
      await io.stderr.write(`Saved the API key to ${location.file}\n`);
      return EXIT.ok;
    }

    const settings = await settingsFrom(io);
    const issuer = settings.authIssuer;
    const controller = new AbortController();
    const off = io.onSignal("SIGINT", () => controller.abort());
    let result: AuthResult<TokenSet>;
    try {
      const exchange = exchangeAuthorizationCode;
      result = values.browser
        ? await browserLogin({
          fetch: io.fetch,
          issuer,
          exchange,
          random: secureRandomBytes,
          openBrowser: (url) => openBrowser(url, { os: io.os, spawn: spawnDetached }),
          readPastedLine: (signal) =>
            io.stdin.isTerminal ? io.stdin.readLine(signal) : Promise.resolve(null),
          print: (line) => void io.stderr.write(`${line}\n`),
          sleep,
          signal: controller.signal,
        })
        : await deviceCodeLogin({
          fetch: io.fetch,
          issuer,
          exchange,
          sleep,
          now: io.now,
          signal: controller.signal,
          onCode: (code) => showDeviceCode(io, code),
        });
    } finally {
      off();
    }
    if (!result.ok) throw failureFromAuth(result.error);

    const tokens = result.value;
    const accountId = accountIdOf(tokens);
    if (!accountId) {
      throw new CliFailure(
        "not_authenticated",
        "the sign-in returned tokens without a ChatGPT account id; nothing was saved",
      );
    }
    await save(location, chatgptAuth({ ...tokens, account_id: accountId }, issuer, io.now()));
    const claims = readClaims(tokens.id_token) ?? readClaims(tokens.access_token);
    const who = claims?.email ?? accountId;
    const plan = claims?.plan ? ` (${claims.plan} plan)` : "";
    await io.stderr.write(`Signed in as ${who}${plan}. Credentials saved to ${location.file}\n`);
    return EXIT.ok;
  },
};

async function showDeviceCode(io: Io, code: DeviceCode): Promise<void> {
  const style = styleFor(io.stderr.isTerminal, io.env("NO_COLOR"));
  await io.stderr.write(
    `\nTo sign in to Pixir with your ChatGPT account:\n` +
      `  1. Open   ${style.bold(style.cyan(code.verificationUrl))}\n` +
      `  2. Enter  ${style.bold(code.userCode)}\n\n` +
      style.dim(
        "The code expires in 15 minutes. Never share it: anyone who enters it can sign in as you.\n",
      ) +
      `Waiting for approval… (Ctrl+C to cancel)\n`,
  );
}

/** The API key from piped stdin: one non-empty token without spaces. */
async function readApiKey(io: Io): Promise<string> {
  if (io.stdin.isTerminal) {
    throw new CliFailure("usage", "login --with-api-key reads the key from stdin", {
      hint: "printenv OPENAI_API_KEY | pixir login --with-api-key",
    });
  }
  const key = (await io.stdin.readAll()).trim();
  if (key === "" || /\s/.test(key)) {
    throw new CliFailure("usage", "login --with-api-key: stdin must hold exactly one API key");
  }
  return key;
}

async function save(location: ReturnType<typeof authFileLocation>, auth: StoredAuth) {
  try {
    await withAuthFile(location, (file) => file.write(auth));
  } catch (error) {
    rethrowAuthError(error);
  }
}
