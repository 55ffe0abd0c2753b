/** `pixir login`: sign in with ChatGPT (device code by default, or the browser), or save an API key. */

import { probeWritable } from "../util/storage_error.ts";
import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT, storageFailure } from "./failure.ts";
import type { Io } from "../util/io.ts";
import { pathsFrom, settingsFrom } from "./inputs.ts";
import { saveAuth, type SignedIn, signInWithChatgpt } from "../app/sign_in.ts";
import { authFileLocation } from "../auth/auth_file.ts";
import type { DeviceCode } from "../auth/device_code.ts";
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
      await saveAuth(location, { method: "api_key", api_key: apiKey });
      await io.stderr.write(`Saved the API key to ${location.file}\n`);
      return EXIT.ok;
    }

    const controller = new AbortController();
    const off = io.onSignal("SIGINT", () => controller.abort());
    let signedIn: SignedIn;
    try {
      signedIn = await signInWithChatgpt(
        values.browser
          ? {
            kind: "browser",
            readPastedLine: (signal) =>
              io.stdin.isTerminal ? io.stdin.readLine(signal) : Promise.resolve(null),
            print: (line) => void io.stderr.write(`${line}\n`),
          }
          : { kind: "device", onCode: (code) => showDeviceCode(io, code) },
        {
          fetch: io.fetch,
          os: io.os,
          now: io.now,
          issuer: (await settingsFrom(io)).authIssuer,
          configDir: pathsFrom(io).configDir,
          signal: controller.signal,
        },
      );
    } finally {
      off();
    }
    const plan = signedIn.plan ? ` (${signedIn.plan} plan)` : "";
    await io.stderr.write(
      `Signed in as ${signedIn.who}${plan}. Credentials saved to ${signedIn.file}\n`,
    );
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
