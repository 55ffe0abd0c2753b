/** The report of an undo, said for people. */

import type { UndoData } from "../agent/event.ts";
import { SHELL_NOT_COVERED } from "../agent/undo.ts";

/** The report of an undo for people: a heading, one line per file, and what is not covered. */
export function describeUndo(
  data: UndoData,
  dryRun: boolean,
  show: (path: string) => string,
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
  lines.push(`note: ${SHELL_NOT_COVERED}.`);
  return lines.join("\n");
}
