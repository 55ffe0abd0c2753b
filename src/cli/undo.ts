/** `pixir undo`: give back the files the last (or a given) turn changed with write and edit. */

import { textFor } from "../ui/terminal_text.ts";
import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { CliFailure, EXIT } from "./failure.ts";
import { pathsFrom, resolveWorkspace } from "./inputs.ts";
import { openNamedSession } from "../app/session_lookup.ts";
import { SHELL_NOT_COVERED } from "../agent/undo.ts";
import { undoableSessionOf, type UndoChoice, undoTurn } from "../app/undo.ts";
import { describeUndo } from "../ui/undo_report.ts";
import { displayPath } from "../tools/workspace.ts";

const FLAGS = {
  turn: { type: "string" },
  "dry-run": { type: "boolean" },
  force: { type: "boolean" },
  json: { type: "boolean" },
  cwd: { type: "string", short: "C" },
} as const;

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
    const paths = pathsFrom(io);
    const sessionsDir = paths.sessionsDir;
    const choice: UndoChoice = {
      turn: turnFrom(values.turn),
      dryRun: values["dry-run"] === true,
      force: values.force === true,
    };
    const id = positionals.length === 1 ? positionals[0] : await undoableSessionOf(
      sessionsDir,
      await resolveWorkspace(values.cwd ?? ".", io.cwd),
      choice,
    );
    // The undo reads the turn it concerns itself; the session is opened for its next line only.
    const session = await openNamedSession(sessionsDir, { id }, io.now, false, true);
    for (const warning of session.warnings) await io.stderr.write(`pixir: warning: ${warning}\n`);
    const data = await undoTurn(session, choice, paths);
    if (values.json) {
      const report = {
        session_id: session.id,
        dry_run: choice.dryRun,
        ...data,
        note: SHELL_NOT_COVERED,
      };
      await io.stdout.write(JSON.stringify(report) + "\n");
    } else {
      // The paths are the model's: shown on a terminal, never obeyed.
      const show = (path: string) => displayPath(session.started.cwd, path);
      const text = describeUndo(data, choice.dryRun, show, session.id);
      await io.stdout.write(textFor(io.stdout, text + "\n"));
    }
    return EXIT.ok;
  },
};

/** `--turn N`: a turn number, counted from 1. */
function turnFrom(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const turn = Number(value);
  if (!/^\d+$/.test(value) || turn < 1) {
    throw new CliFailure("usage", `--turn: "${value}" is not a turn number (1, 2, …)`);
  }
  return turn;
}
