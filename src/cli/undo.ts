/** `pixir undo`: give back the files the last (or a given) turn changed with write and edit. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom, resolveWorkspace } from "./inputs.ts";
import { openSessionForCli } from "./session_lookup.ts";
import { listSessions } from "../agent/session_list.ts";
import type { UndoData } from "../agent/event.ts";
import type { Session } from "../agent/session.ts";
import { applyUndo, plannedUndo, planUndo, SHELL_NOT_COVERED } from "../agent/undo.ts";
import { displayPath } from "../tools/workspace.ts";

const FLAGS = {
  turn: { type: "string" },
  "dry-run": { type: "boolean" },
  force: { type: "boolean" },
  json: { type: "boolean" },
  cwd: { type: "string", short: "C" },
} as const;

/** How an undo is asked for. */
export interface UndoChoice {
  turn?: number;
  dryRun: boolean;
  force: boolean;
}

/** The `undo` command. */
export const undoCommand: Command = {
  name: "undo",
  summary: "restore the files the last turn changed (write and edit only)",
  help: `Usage: pixir undo [<session-id>] [--turn N] [--dry-run] [--force] [--json]

Restores the files a turn changed with the write and edit tools: a file the turn created is
deleted, a file it edited or overwrote gets its previous content and permissions back. Pixir keeps
a copy of each file before a turn first changes it, in the session's data. The default is the
newest session of this workspace with a turn to undo, and its last turn not undone yet. A file that changed again after
the turn (by hand or by a later turn) is skipped unless --force. The undo is recorded in the log.

Changes made by shell commands (bash) are NOT covered and are never undone. Files larger than
10 MB are not kept, so they cannot be undone either.

Flags:
      --turn N     undo turn N instead of the last one
      --dry-run    list what would be done, change nothing
      --force      restore files that changed after the turn; undo a turn again
      --json       print {session_id, turn, dry_run, restored, deleted, skipped, note}
  -C, --cwd DIR    the workspace whose newest session is meant (default: the current directory)
  -h, --help       show this help

Examples:
  pixir undo --dry-run
  pixir undo 20261124-101500-k3f9qz --turn 2
`,
  async run(argv, io) {
    const { values, positionals } = parseFlags(undoCommand, argv, FLAGS, { max: 1 });
    const sessionsDir = pathsFrom(io).sessionsDir;
    const choice: UndoChoice = {
      turn: turnFrom(values.turn),
      dryRun: values["dry-run"] === true,
      force: values.force === true,
    };
    const id = positionals.length === 1
      ? positionals[0]
      : await undoableSessionOf(sessionsDir, await resolveWorkspace(values.cwd ?? ".", io.cwd), {
        ...choice,
        now: io.now,
      });
    const session = await openSessionForCli(sessionsDir, { id }, io.now);
    for (const warning of session.warnings) await io.stderr.write(`pixir: warning: ${warning}\n`);
    const data = await undoTurn(session, choice);
    if (values.json) {
      const report = {
        session_id: session.id,
        dry_run: choice.dryRun,
        ...data,
        note: SHELL_NOT_COVERED,
      };
      await io.stdout.write(JSON.stringify(report) + "\n");
    } else {
      const show = (path: string) => displayPath(session.started.cwd, path);
      await io.stdout.write(describeUndo(data, choice.dryRun, show, session.id) + "\n");
    }
    return EXIT.ok;
  },
};

/** Plans undoing a turn and, unless it is a dry run, does it; nothing to undo is a usage failure. */
export async function undoTurn(session: Session, choice: UndoChoice): Promise<UndoData> {
  const planned = await planUndo(session, { turn: choice.turn, force: choice.force });
  if (!planned.ok) {
    throw new CliFailure("usage", planned.message, {
      hint: planned.forceTurn === undefined
        ? undefined
        : `to undo it again: ${forceCommand(session.id, planned.forceTurn)}`,
    });
  }
  return choice.dryRun ? plannedUndo(planned.plan) : await applyUndo(session, planned.plan);
}

/**
 * The session `pixir undo` without an id means: the newest session of the workspace that has a
 * turn to undo (a later run that changed no file does not hide an earlier one that did); with
 * `--turn`, or when none has one, the newest session, whose own reason is then reported.
 */
async function undoableSessionOf(
  sessionsDir: string,
  workspace: string,
  choice: UndoChoice & { now: () => number },
): Promise<string> {
  const { sessions } = await listSessions(sessionsDir);
  const mine = sessions.filter((session) => session.cwd === workspace);
  if (mine.length === 0) {
    throw new CliFailure("unknown_session", `no session found for workspace ${workspace}`, {
      hint: 'start one with: pixir run "…"',
    });
  }
  if (choice.turn !== undefined) return mine[0].id;
  for (const summary of mine) {
    const session = await openSessionForCli(sessionsDir, { id: summary.id }, choice.now, true);
    if ((await planUndo(session, { force: choice.force })).ok) return summary.id;
  }
  return mine[0].id;
}

/** The command that undoes `turn` of session `id` whatever changed since. */
function forceCommand(id: string, turn: number): string {
  return `pixir undo ${id} --turn ${turn} --force`;
}

/** The report of an undo for people: a heading, one line per file, and what is not covered. */
export function describeUndo(
  data: UndoData,
  dryRun: boolean,
  show: (path: string) => string,
  sessionId: string,
): string {
  const verb = (done: string, planned: string) => (dryRun ? planned : done).padEnd(14);
  const lines = [
    dryRun ? `undo of turn ${data.turn} would:` : `undid turn ${data.turn}:`,
    ...data.restored.map((path) => `  ${verb("restored", "restore")}${show(path)}`),
    ...data.deleted.map((path) => `  ${verb("deleted", "delete")}${show(path)}`),
    ...data.skipped.map(({ path, reason }) =>
      `  ${verb("skipped", "skip")}${show(path)}: ${reason}`
    ),
  ];
  if (data.restored.length + data.deleted.length + data.skipped.length === 0) {
    lines.push("  no file to change: the files are already as they were before the turn");
  }
  if (data.skipped.length > 0) {
    lines.push(`to restore the skipped files anyway: ${forceCommand(sessionId, data.turn)}`);
  }
  lines.push(`note: ${SHELL_NOT_COVERED}.`);
  return lines.join("\n");
}

/** `--turn N`: a turn number, counted from 1. */
function turnFrom(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const turn = Number(value);
  if (!/^\d+$/.test(value) || turn < 1) {
    throw new CliFailure("usage", `--turn: "${value}" is not a turn number (1, 2, …)`);
  }
  return turn;
}
