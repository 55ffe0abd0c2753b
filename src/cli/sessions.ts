/** `pixir sessions`: the sessions of this workspace (or all), newest first. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { EXIT } from "./failure.ts";
import { pathsFrom, resolveWorkspace } from "./inputs.ts";
import { listSessions, type SessionSummary } from "../agent/session_list.ts";

const FLAGS = {
  json: { type: "boolean" },
  all: { type: "boolean" },
  cwd: { type: "string", short: "C" },
} as const;

/** The `sessions` command. */
export const sessionsCommand: Command = {
  name: "sessions",
  summary: "list sessions of this workspace (or --all), newest first",
  help: `Usage: pixir sessions [--all] [--json] [--cwd DIR]

Lists sessions, newest activity first: id, last activity, turns, model, and the first prompt.

Flags:
      --all            list the sessions of every workspace
      --json           print a JSON array: [{id, cwd, model, created, updated, title, turns, path}]
  -C, --cwd DIR        list the sessions of this workspace (default: the current directory)
  -h, --help           show this help

Example:
  pixir sessions --json | jq -r '.[0].id'
`,
  async run(argv, io) {
    const { values } = parseFlags(sessionsCommand, argv, FLAGS);
    const workspace = values.all ? undefined : await resolveWorkspace(values.cwd ?? ".", io.cwd);
    const listing = await listSessions(pathsFrom(io).sessionsDir);
    const sessions = listing.sessions.filter((s) => workspace === undefined || s.cwd === workspace);
    for (const skipped of listing.skipped) {
      await io.stderr.write(`pixir: warning: skipped ${skipped.path}: ${skipped.reason}\n`);
    }
    if (values.json) {
      await io.stdout.write(JSON.stringify(sessions) + "\n");
    } else if (sessions.length === 0) {
      await io.stderr.write(
        values.all ? "no sessions yet\n" : `no sessions for ${workspace} (try --all)\n`,
      );
    } else {
      await io.stdout.write(table(sessions, values.all === true));
    }
    return EXIT.ok;
  },
};

/** The listing as columns whose widths come from their content; `--all` adds WORKSPACE. */
function table(sessions: SessionSummary[], withCwd: boolean): string {
  const header = [
    "ID",
    "UPDATED (UTC)",
    "TURNS",
    "MODEL",
    ...(withCwd ? ["WORKSPACE"] : []),
    "TITLE",
  ];
  const rows = sessions.map((s) => [
    s.id,
    s.updated.slice(0, 16).replace("T", " "),
    String(s.turns),
    s.model,
    ...(withCwd ? [s.cwd] : []),
    s.title,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length))
  );
  const line = (cells: string[]) =>
    cells.map((cell, column) =>
      column === cells.length - 1
        ? cell
        : header[column] === "TURNS"
        ? cell.padStart(widths[column])
        : cell.padEnd(widths[column])
    ).join("  ");
  return [header, ...rows].map(line).join("\n") + "\n";
}
