/**
 * The hidden command the completion scripts call for session ids: one per line, newest first,
 * read from the names of the session logs alone (no log is opened), so a Tab stays fast.
 */

import type { Command } from "./command.ts";
import { EXIT } from "./failure.ts";
import { pathsFrom } from "./inputs.ts";
import { sessionIds } from "../agent/session_dir.ts";
import { SESSION_IDS_COMMAND } from "./completion_script.ts";

/** The hidden `__session-ids` command. */
export const sessionIdsCommand: Command = {
  name: SESSION_IDS_COMMAND,
  summary: "session ids for shell completion",
  help: `Usage: pixir ${SESSION_IDS_COMMAND}

Prints every session id, newest first, one per line (used by the completion scripts).
`,
  async run(_argv, io) {
    const ids = await sessionIds(pathsFrom(io).sessionsDir).catch(() => []);
    // Ids begin with their creation time and come sorted, so their reverse is newest first.
    const newestFirst = [...ids].reverse();
    if (newestFirst.length > 0) await io.stdout.write(newestFirst.join("\n") + "\n");
    return EXIT.ok;
  },
};
