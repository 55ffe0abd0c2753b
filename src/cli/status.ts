/** `pixir status`: who is signed in, with what, until when, and the last known quota. */

import { textFor } from "../ui/terminal_text.ts";
import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { EXIT } from "./failure.ts";
import { pathsFrom } from "./inputs.ts";
import { statusReport } from "../app/status.ts";
import { describeStatus } from "../ui/status_report.ts";

const FLAGS = { json: { type: "boolean" } } as const;

/** The `status` command. */
export const statusCommand: Command = {
  name: "status",
  summary: "show the sign-in, its expiry and the last known quota",
  help: `Usage: pixir status [--json]

Shows whether Pixir is signed in and with what (ChatGPT subscription or API key), the account's
email, plan and id, when the access token expires (it is refreshed automatically), where the
credentials are stored and with which file mode, and the last quota windows the server reported.
Exits 0 when signed in, 4 when not, 1 when auth.json exists but cannot be read or understood
(the report says why; \`pixir logout\` moves it aside), 7 when PIXIR_ACCESS_BUNDLE(_FILE) holds no
valid bundle.

Flags:
      --json           print the report as one JSON object: {v, signed_in, method, source, email,
                       plan, account_id, expires_at, issuer, auth_file, quota}
  -h, --help           show this help

Example:
  pixir status --json | jq .quota.primary.used_percent
`,
  async run(argv, io) {
    const { values } = parseFlags(statusCommand, argv, FLAGS);
    const report = await statusReport(pathsFrom(io), io.env);
    if (values.json) await io.stdout.write(JSON.stringify(report) + "\n");
    // The account's email and plan come from a server: shown, never obeyed.
    else await io.stdout.write(textFor(io.stdout, describeStatus(report, io.now())));
    if (report.auth_file.problem !== undefined) return EXIT.runtime;
    return report.signed_in ? EXIT.ok : EXIT.notAuthenticated;
  },
};
