/**
 * `pixir auth export --access-only`: on the machine that holds the ChatGPT sign-in, the bundle
 * that lets workers use the subscription without the refresh token (see auth/bundle.ts).
 */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom } from "./inputs.ts";
import { rethrowAuthError } from "../app/auth_failure.ts";
import { authFileLocation, type ChatgptAuth } from "../auth/auth_file.ts";
import { ensureFreshTokens } from "../auth/refresh.ts";
import { BUNDLE_ENV, bundleOf, encodeBundle } from "../auth/bundle.ts";
import { parseDuration } from "../util/duration.ts";
import { sleep } from "../util/sleep.ts";

const FLAGS = {
  "access-only": { type: "boolean" },
  "min-valid": { type: "string" },
  json: { type: "boolean" },
} as const;

/** How long an exported bundle is good for at least, unless `--min-valid` says otherwise. */
const DEFAULT_MIN_VALID = "1h";

const HELP = `Usage: pixir auth export --access-only [--min-valid DURATION] [--json]

On the machine holding the ChatGPT sign-in (the holder), prints an access-only bundle for workers:
the access token, account id, plan and expiry — never the refresh token or the id token. When the
access token would expire within --min-valid, it is refreshed first, under the same lock every
Pixir process on this machine takes, so any number of exports at once refresh at most once.

A worker reads the bundle from ${BUNDLE_ENV} (or from the file PIXIR_ACCESS_BUNDLE_FILE names),
keeps it in memory, never refreshes it, and exits 7 once it expires or is refused: export again.

Flags:
      --access-only        required: the bundle holds no refresh token (the only kind there is)
      --min-valid DURATION the bundle stays valid at least this long (90s, 30m, 2h; default ${DEFAULT_MIN_VALID})
      --json               print {v, bundle, account_id, plan, expires_at} instead of the bare bundle
  -h, --help               show this help

Example:
  PIXIR_ACCESS_BUNDLE=$(pixir auth export --access-only --min-valid 2h) pixir run "fix the tests"
`;

/** The `auth` command (its one subcommand: `export`). */
export const authCommand: Command = {
  name: "auth",
  summary: "export an access-only bundle of the sign-in for workers",
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub !== "export") {
      throw new CliFailure(
        "usage",
        sub === undefined ? "auth: missing subcommand" : `auth: unknown subcommand "${sub}"`,
        { hint: "pixir auth export --access-only" },
      );
    }
    const { values } = parseFlags({ name: "auth export", help: HELP }, rest, FLAGS);
    if (!values["access-only"]) {
      throw new CliFailure("usage", "auth export: --access-only is required", {
        hint: "a bundle never carries the refresh token; say so: pixir auth export --access-only",
      });
    }
    const minValid = values["min-valid"] ?? DEFAULT_MIN_VALID;
    const minValidMs = parseDuration(minValid);
    if (minValidMs === null) {
      throw new CliFailure(
        "usage",
        `--min-valid: "${minValid}" is not a duration like 90s, 30m or 2h`,
      );
    }
    const location = authFileLocation(pathsFrom(io).configDir);
    let login: ChatgptAuth;
    try {
      login = await ensureFreshTokens(
        { location, fetch: io.fetch, now: io.now, sleep },
        undefined,
        minValidMs,
      );
    } catch (error) {
      rethrowAuthError(error);
    }
    const bundle = bundleOf(login);
    if (bundle === null) {
      throw new CliFailure("provider", "the stored access token carries no expiry", {
        hint: "run `pixir login` to sign in again",
      });
    }
    const expiresAt = new Date(bundle.expires_at * 1000).toISOString();
    if (bundle.expires_at * 1000 - io.now() < minValidMs) {
      throw new CliFailure(
        "provider",
        `the access token is good only until ${expiresAt}, less than --min-valid ${minValid}`,
        { hint: "the issuer's tokens live shorter than that: ask for a shorter --min-valid" },
      );
    }
    const text = encodeBundle(bundle);
    if (values.json) {
      const { account_id, plan } = bundle;
      const report = { v: 1, bundle: text, account_id, plan, expires_at: expiresAt };
      await io.stdout.write(JSON.stringify(report) + "\n");
    } else {
      await io.stdout.write(text + "\n");
      await io.stderr.write(
        `Access-only bundle for ${bundle.account_id}, valid until ${expiresAt}. ` +
          `Workers read it from ${BUNDLE_ENV}.\n`,
      );
    }
    return EXIT.ok;
  },
};
