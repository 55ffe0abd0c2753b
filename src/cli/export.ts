/** `pixir export`: a session's transcript in Markdown, or its canonical events as JSON, on stdout. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom } from "./folders.ts";
import { openNamedSession } from "../app/session_lookup.ts";
import { markdownTranscript } from "../agent/transcript.ts";
import { textFor } from "../ui/terminal_text.ts";

const FLAGS = { format: { type: "string" } } as const;

/** The `export` command. */
export const exportCommand: Command = {
  name: "export",
  summary: "print a session as a Markdown transcript or as its JSON events",
  help: `Usage: pixir export <session-id> [--format md|json]

Prints a session on stdout. Markdown (the default) is a transcript for people: the prompts,
reasoning summaries, answers, and each tool call with its arguments and the start of its result.
JSON is the session's canonical events exactly as logged: one array of {id, session_id, seq, ts,
type, data}. A session id may be shortened to any unique prefix. On a terminal, control characters
in the transcript (escape sequences) are shown visibly; into a file or a pipe it is byte-exact.

Flags:
      --format FORMAT  md (default) or json
  -h, --help           show this help

Examples:
  pixir export 20261124-101500-k3f9qz > session.md
  pixir export 20261124 --format json | jq '[.[] | select(.type == "tool_call")] | length'
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(exportCommand, argv, FLAGS, { max: 1 });
    const format = values.format ?? "md";
    if (format !== "md" && format !== "json") {
      throw new CliFailure("usage", `--format: "${format}" is not one of md, json`);
    }
    if (positionals.length !== 1) {
      throw new CliFailure("usage", "export: give exactly one session id", {
        hint: "see `pixir sessions` for the ids",
      });
    }
    const session = await openNamedSession(
      pathsFrom(io).sessionsDir,
      { id: positionals[0] },
      io.now,
      true,
    );
    for (const warning of session.warnings) await io.stderr.write(`pixir: warning: ${warning}\n`);
    if (format === "json") {
      await io.stdout.write(JSON.stringify(session.events) + "\n");
    } else {
      // Into a file or a pipe the transcript is byte-exact; on a terminal it is shown, not obeyed.
      await io.stdout.write(textFor(io.stdout, markdownTranscript(session.events)));
    }
    return EXIT.ok;
  },
};
