/** `pixir compact`: has the model summarise a session's earlier conversation now. */

import { textFor } from "../ui/terminal_text.ts";
import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT, failureFromProvider } from "./failure.ts";
import {
  CONFIG_FLAGS,
  configFlagsHelp,
  configFrom,
  credentialsFrom,
  pathsFrom,
  sessionChoice,
} from "./inputs.ts";
import { openNamedSession, sessionModel } from "../app/session_lookup.ts";
import { authHint } from "../app/turn_wiring.ts";
import { SessionHost } from "../app/session_host.ts";
import type { CompactionOutcome } from "../agent/compaction.ts";
import { DEFAULT_POLICY } from "../policy/policy.ts";

const FLAGS = { focus: { type: "string" }, auth: { type: "string" }, ...CONFIG_FLAGS } as const;

/** The `compact` command. */
export const compactCommand: Command = {
  name: "compact",
  summary: "summarise a session's earlier conversation to free context",
  help: `Usage: pixir compact <session-id> [--focus TEXT]

Asks the session's model for a summary of the conversation so far (goal, decisions, files touched,
open items, next step) and records it in the session. From then on the model sees that summary,
the original task word for word and the most recent exchanges instead of the whole history. The
log keeps every event, so \`pixir export\` still shows everything. Pixir also compacts by itself
when the context passes PIXIR_COMPACT_AT percent of the window (default 85) or overflows it.

Flags:
      --focus TEXT     what the summary should pay most attention to
      --auth METHOD    subscription or api-key (default: the stored sign-in, else OPENAI_API_KEY)
${configFlagsHelp()}  -h, --help           show this help

Examples:
  pixir compact 20261124-101500-k3f9qz
  pixir compact 20261124 --focus "the failing parser tests"
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(compactCommand, argv, FLAGS, { max: 1 });
    if (positionals.length !== 1) {
      throw new CliFailure("usage", "compact: give exactly one session id", {
        hint: "see `pixir sessions` for the ids",
      });
    }
    const focus = values.focus?.trim() || undefined;
    const paths = pathsFrom(io);
    const session = await openNamedSession(paths.sessionsDir, { id: positionals[0] }, io.now);
    const warn = (message: string) => io.stderr.write(`pixir: warning: ${message}\n`);
    for (const warning of session.warnings) await warn(warning);
    const config = await configFrom(io, values, session.started.cwd);
    const { settings } = config;
    const { model, effort, provider } = sessionChoice(config, sessionModel(session));
    const credentials = await credentialsFrom(io, values.auth, paths, settings, provider);
    const host = new SessionHost({
      io,
      paths,
      settings,
      credentials,
      workspace: session.started.cwd,
      // A compaction runs no tool and sends no instructions: neither policy nor context matters.
      policy: {
        policy: DEFAULT_POLICY,
        rules: [],
        mcpRules: [],
        hidden: [],
        permissionsFile: "",
      },
      projectContext: [],
      emit: () => {},
      warn,
      notice: warn,
    });
    host.adopt(session);
    const controller = new AbortController();
    const off = io.onSignal("SIGINT", () => controller.abort("sigint"));
    let outcome: CompactionOutcome;
    try {
      outcome = await host.compact({ model, effort }, focus, controller.signal);
    } finally {
      off();
      host.close();
    }
    if (!outcome.ok) {
      const { error } = outcome;
      if (error.kind === "nothing_to_compact") throw new CliFailure("usage", error.message);
      if (error.kind === "aborted") throw new CliFailure("interrupted", "interrupted");
      throw failureFromProvider(error, authHint(credentials));
    }
    const data = outcome.compaction;
    await io.stdout.write(textFor(
      io.stdout,
      `${data.summary}\n\nCompacted session ${session.id} through event ${data.replaces_through_seq} ` +
        `(${data.tokens_before} tokens in use before).\n`,
    ));
    return EXIT.ok;
  },
};
