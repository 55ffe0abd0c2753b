/** `pixir logout`: forget the stored credentials and revoke the ChatGPT refresh token. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { EXIT } from "./failure.ts";
import { pathsFrom } from "./inputs.ts";
import { rethrowAuthError } from "../app/auth_failure.ts";
import { authFileLocation, type StoredAuth, withAuthFile } from "../auth/auth_file.ts";
import { revokeToken } from "../auth/token_endpoint.ts";

/** The `logout` command. */
export const logoutCommand: Command = {
  name: "logout",
  summary: "remove the stored credentials and revoke the sign-in",
  help: `Usage: pixir logout

Deletes the stored credentials (auth.json) and, for a ChatGPT sign-in, revokes its refresh token at
the issuer (best effort, 10 s), which also ends copies of the same sign-in on other machines. An
OPENAI_API_KEY in the environment is not affected.

Flags:
  -h, --help           show this help

Example:
  pixir logout
`,
  async run(argv, io) {
    parseFlags("logout", argv, {});
    const location = authFileLocation(pathsFrom(io).configDir);
    let removed: StoredAuth | null;
    try {
      removed = await withAuthFile(location, async (file) => {
        const stored = await file.read();
        if (stored) await file.remove();
        return stored;
      });
    } catch (error) {
      rethrowAuthError(error);
    }
    if (!removed) {
      await io.stderr.write(`Not signed in: there is no ${location.file}\n`);
      return EXIT.ok;
    }
    await io.stderr.write(`Removed ${location.file}\n`);
    if (removed.method !== "chatgpt") return EXIT.ok;
    const revoked = await revokeToken(
      { fetch: io.fetch, issuer: removed.issuer },
      removed.tokens.refresh_token,
      "refresh_token",
    );
    await io.stderr.write(
      revoked.ok
        ? "Revoked the sign-in at the issuer.\n"
        : `Could not revoke the sign-in (${revoked.error.message}); copies of its refresh token ` +
          "elsewhere stay valid until they expire.\n",
    );
    return EXIT.ok;
  },
};
