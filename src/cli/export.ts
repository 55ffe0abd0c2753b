/** `pixir export`: a session's transcript in Markdown, or its canonical events as JSON, on stdout. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom } from "./folders.ts";
import type { Io } from "../util/io.ts";
import { lookupFailure, namedSessionLog } from "../app/session_lookup.ts";
import { streamLog } from "../agent/session_read.ts";
import { transcriptBlock } from "../agent/transcript.ts";
import { textFor } from "../ui/terminal_text.ts";

const FLAGS = { format: { type: "string" } } as const;

/** Output gathered before one write: big enough for few writes, small enough to stay bounded. */
const CHUNK_CHARS = 64 * 1024;

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
The log is read and written out an event at a time, so a session of any length exports in little
memory; a damaged line in the middle of the log stops the export there (exit 1).

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
    const { id, path } = await namedSessionLog(pathsFrom(io).sessionsDir, positionals[0]);
    const warnings: string[] = [];
    try {
      await write(io, format, streamLog(id, path, warnings));
    } catch (error) {
      throw lookupFailure(error);
    }
    for (const warning of warnings) await io.stderr.write(`pixir: warning: ${warning}\n`);
    return EXIT.ok;
  },
};

/**
 * Writes the events as the JSON array `JSON.stringify` would make of them, or as the Markdown
 * transcript, in chunks; into a file or a pipe byte-exact, on a terminal shown, not obeyed.
 */
async function write(
  io: Io,
  format: "md" | "json",
  events: AsyncIterable<Parameters<typeof transcriptBlock>[0]>,
): Promise<void> {
  let pending = "";
  const emit = async (text: string, force = false) => {
    pending += text;
    if (pending.length < CHUNK_CHARS && !force) return;
    await io.stdout.write(format === "md" ? textFor(io.stdout, pending) : pending);
    pending = "";
  };
  let first = true;
  if (format === "json") await emit("[");
  for await (const event of events) {
    const text = format === "json" ? JSON.stringify(event) : transcriptBlock(event);
    if (text === null) continue;
    await emit(first ? text : format === "json" ? `,${text}` : `\n\n${text}`);
    first = false;
  }
  await emit(format === "json" ? "]\n" : "\n", true);
}
