/**
 * `pixir sessions`: list the sessions of this workspace (or all), newest first; `rm` and `prune`
 * remove sessions; `repair` cuts a torn last line off a log.
 */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import type { Io } from "../util/io.ts";
import { pathsFrom, resolveWorkspace } from "./folders.ts";
import { listSessions, type SessionSummary } from "../agent/session_list.ts";
import { sessionIds } from "../agent/session_dir.ts";
import { removeSession, repairSession } from "../agent/session_store.ts";
import { CorruptSessionError, SessionInUseError } from "../agent/session_error.ts";
import { terminalLine } from "../ui/terminal_text.ts";

const LIST_FLAGS = {
  json: { type: "boolean" },
  all: { type: "boolean" },
  cwd: { type: "string", short: "C" },
} as const;

const PRUNE_FLAGS = {
  ...LIST_FLAGS,
  "older-than": { type: "string" },
  "dry-run": { type: "boolean" },
} as const;

const DAY_MS = 86_400_000;

const USAGE = `Usage: pixir sessions [--all] [--json] [--cwd DIR]
       pixir sessions rm <id>…
       pixir sessions prune --older-than DAYS [--dry-run] [--all] [--cwd DIR] [--json]
       pixir sessions repair <id>`;

/** The `sessions` command. */
export const sessionsCommand: Command = {
  name: "sessions",
  summary: "list sessions of this workspace (or --all), newest first; rm, prune, repair",
  help: `${USAGE}

Lists sessions, newest activity first: id, last activity, turns, model, and the first prompt.

  rm <id>…             remove sessions (their logs and undo copies), given by full ids as listed;
                       nothing is removed unless every id names a session. A session in use by a
                       run or chat is refused (exit 2) and the removal stops there.
  prune --older-than DAYS
                       remove this workspace's (or --all) sessions with no activity for DAYS
                       days; sessions in use are kept. --dry-run only lists them.
  repair <id>          remove a half-written last line (left by a crash) from a session's log,
                       keeping the log as it was in <log>.<time>.bak beside it, and say what it did

Flags:
      --all            every workspace's sessions
      --json           print JSON: the listing as [{id, cwd, model, created, updated, title, turns,
                       path}]; prune as {removed: [id…], kept_in_use: [id…]}
  -C, --cwd DIR        this workspace's sessions (default: the current directory)
  -h, --help           show this help

Examples:
  pixir sessions --json | jq -r '.[0].id'
  pixir sessions prune --older-than 30 --all
`,
  run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case "rm":
        return remove(rest, io);
      case "prune":
        return prune(rest, io);
      case "repair":
        return repair(rest, io);
      default:
        return list(argv, io);
    }
  },
};

async function list(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(sessionsCommand, argv, LIST_FLAGS, ANY);
  if (positionals.length > 0) {
    throw usage(`sessions: unknown subcommand ${JSON.stringify(positionals[0])}`);
  }
  const { sessions, workspace } = await sessionsOf(io, values);
  if (values.json) {
    const fields = ({ id, cwd, model, created, updated, title, turns, path }: SessionSummary) => ({
      id,
      cwd,
      model,
      created,
      updated,
      title,
      turns,
      path,
    });
    await io.stdout.write(JSON.stringify(sessions.map(fields)) + "\n");
  } else if (sessions.length === 0) {
    await io.stderr.write(
      values.all ? "no sessions yet\n" : `no sessions for ${workspace} (try --all)\n`,
    );
  } else {
    await io.stdout.write(table(sessions, values.all === true));
  }
  return EXIT.ok;
}

/** The listed sessions of the workspace the flags name (or all); skipped logs are warned about. */
async function sessionsOf(
  io: Io,
  values: { all?: boolean; cwd?: string },
): Promise<{ sessions: SessionSummary[]; workspace?: string }> {
  const workspace = values.all ? undefined : await resolveWorkspace(values.cwd ?? ".", io.cwd);
  const listing = await listSessions(pathsFrom(io).sessionsDir);
  for (const skipped of listing.skipped) {
    await io.stderr.write(`pixir: warning: skipped ${skipped.path}: ${skipped.reason}\n`);
  }
  const sessions = listing.sessions.filter((s) => workspace === undefined || s.cwd === workspace);
  return { sessions, workspace };
}

async function remove(argv: string[], io: Io): Promise<number> {
  const { positionals } = parseFlags(sub("rm"), argv, {}, ANY);
  if (positionals.length === 0) throw usage("sessions rm: give the id of each session to remove");
  const { sessionsDir } = pathsFrom(io);
  const known = new Set(await sessionIds(sessionsDir));
  const unknown = positionals.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new CliFailure(
      "unknown_session",
      `sessions rm: no session has the id ${unknown.map((id) => JSON.stringify(id)).join(", ")}`,
      { hint: "give full ids, as `pixir sessions --all` lists them; nothing was removed" },
    );
  }
  for (const id of new Set(positionals)) {
    try {
      await removeSession(sessionsDir, id);
    } catch (error) {
      throw inUse(error) ?? error;
    }
    await io.stderr.write(`removed session ${id}\n`);
  }
  return EXIT.ok;
}

async function prune(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseFlags(sub("prune"), argv, PRUNE_FLAGS, ANY);
  if (positionals.length > 0) {
    throw usage(`sessions prune: unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  const days = daysFrom(values["older-than"]);
  const before = new Date(io.now() - days * DAY_MS).toISOString();
  const old = (await sessionsOf(io, values)).sessions.filter((s) => s.updated < before);
  const { sessionsDir } = pathsFrom(io);
  const removed: string[] = [];
  const keptInUse: string[] = [];
  for (const session of old) {
    if (values["dry-run"]) {
      removed.push(session.id);
      continue;
    }
    try {
      await removeSession(sessionsDir, session.id);
      removed.push(session.id);
    } catch (error) {
      if (!(error instanceof SessionInUseError)) throw error;
      keptInUse.push(session.id);
      await io.stderr.write(`pixir: kept ${session.id}: in use by another Pixir process\n`);
    }
  }
  if (values.json) {
    await io.stdout.write(JSON.stringify({ removed, kept_in_use: keptInUse }) + "\n");
  } else {
    const verb = values["dry-run"] ? "would remove" : "removed";
    for (const id of removed) await io.stdout.write(`${id}\n`);
    await io.stderr.write(
      `${verb} ${removed.length} session${removed.length === 1 ? "" : "s"} ` +
        `with no activity for ${days} day${days === 1 ? "" : "s"}\n`,
    );
  }
  return EXIT.ok;
}

async function repair(argv: string[], io: Io): Promise<number> {
  const { positionals } = parseFlags(sub("repair"), argv, {}, ANY);
  if (positionals.length !== 1) throw usage("sessions repair: give exactly one session id");
  const [id] = positionals;
  const { sessionsDir } = pathsFrom(io);
  if (!(await sessionIds(sessionsDir)).includes(id)) {
    throw new CliFailure("unknown_session", `sessions repair: no session has the id "${id}"`, {
      hint: "give the full id, as `pixir sessions --all` lists it",
    });
  }
  let report;
  try {
    report = await repairSession(sessionsDir, id, io.now);
  } catch (error) {
    if (error instanceof CorruptSessionError) {
      throw new CliFailure("io", `cannot repair ${error.message}`, {
        details: { path: error.path, line: error.line },
        hint: "only a torn last line is removed automatically: a damaged line with complete " +
          "lines after it must be fixed by hand (keep a copy first)",
      });
    }
    throw inUse(error) ?? error;
  }
  if (!report.repaired) {
    await io.stdout.write(
      `session ${id}: nothing to repair (${report.events} events, all whole)\n`,
    );
  } else {
    await io.stdout.write(
      `session ${id}: removed a half-written last line (line ${report.line}, ${report.bytes} ` +
        `bytes: ${report.reason}); ${report.events} events kept\n` +
        `the log as it was is in ${report.backup}\n`,
    );
  }
  return EXIT.ok;
}

/** `--older-than`: a whole number of days, 0 or more. */
function daysFrom(text: string | undefined): number {
  if (text === undefined) throw usage("sessions prune: give --older-than DAYS");
  if (!/^\d+$/.test(text)) {
    throw usage(`sessions prune: --older-than takes a whole number of days, not "${text}"`);
  }
  return Number(text);
}

function inUse(error: unknown): CliFailure | undefined {
  if (!(error instanceof SessionInUseError)) return undefined;
  return new CliFailure("usage", error.message, {
    details: { id: error.id },
    hint: "wait for that run or chat to end, then try again",
  });
}

/** Subcommands check their own arguments, to name what is missing or extra. */
const ANY = { max: Infinity };

/** A subcommand's name for flag errors, with the usage of `pixir sessions`. */
function sub(name: string): { name: string; help: string } {
  return { name: `sessions ${name}`, help: sessionsCommand.help };
}

function usage(message: string): CliFailure {
  return new CliFailure("usage", message, { hint: "see `pixir sessions --help`" });
}

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
    // A title is the first prompt, a model and a cwd come from the log: shown, never obeyed.
    terminalLine(s.model),
    ...(withCwd ? [terminalLine(s.cwd)] : []),
    terminalLine(s.title),
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
