/**
 * One tool call in the chat, as one compact block: a header line (status mark, tool name, key
 * argument) and a bounded preview of the result, or a coloured unified diff for `edit`/`write`.
 * The call's name, arguments, output and diff are shown through the terminal sanitizer.
 */

import { truncateToWidth, visibleWidth } from "./pi_tui.ts";
import type { ToolError } from "../../tools/tool.ts";
import type { Style } from "../style.ts";
import type { DiffLine } from "./diff.ts";
import { counted, keyArgument, oneLine, toolLabel } from "../tool_summary.ts";
import { terminalLine, terminalText } from "../terminal_text.ts";
import { CachedComponent, type LiveItem } from "./transcript_item.ts";

/** Where a tool call is: still running, or finished with its result. */
export type ToolState =
  /** Running; `awaiting` while the call waits for the person's answer to an approval question. */
  | { kind: "running"; awaiting?: boolean; progress?: string }
  | { kind: "done"; ok: boolean; output: string; error?: ToolError; synthetic?: boolean };

/** What a block shows. */
export interface ToolView {
  name: string;
  /** The call's arguments, a JSON string. */
  arguments: string;
  state: ToolState;
  /** The change an `edit`/`write` made, when known. */
  diff?: readonly DiffLine[];
}

/** Most lines of output shown under a finished call. */
export const MAX_PREVIEW_LINES = 4;
/** Most diff lines shown under an edit or write. */
export const MAX_DIFF_LINES = 14;

/** A body line: its plain text and the colour it is shown in. */
type BodyLine = readonly [text: string, color: (text: string) => string];

/** Columns the body is indented by, under the tool's name. */
const INDENT = "   ";

/** The block's lines at `width` columns, none wider than `width`. */
export function toolBlockLines(view: ToolView, width: number, style: Style): string[] {
  const columns = Math.max(1, width);
  const body = bodyLines(view, style).map(([text, color]) =>
    room(columns) >= 1
      ? INDENT + color(truncateToWidth(text, room(columns), "…"))
      : truncateToWidth(INDENT + color(text), columns, "…")
  );
  return [headerLine(view, columns, style), ...body];
}

/** Columns left for the body's text. */
function room(columns: number): number {
  return columns - INDENT.length;
}

/**
 * The status mark, the tool and its key argument, in one column of margin as the transcript's
 * text has. The argument is cut while plain text: cutting coloured text is far slower.
 */
function headerLine(view: ToolView, columns: number, style: Style): string {
  const label = terminalLine(toolLabel(view.name));
  let argument = keyArgument(view.arguments, Math.max(10, columns));
  const fixed = 3 + visibleWidth(label) + 1;
  if (fixed + visibleWidth(argument) > columns && fixed < columns) {
    argument = truncateToWidth(argument, columns - fixed, "…");
  }
  const header = ` ${mark(view.state, style)} ${style.bold(label)} ${style.cyan(argument)}`;
  return fixed < columns ? header : truncateToWidth(header, columns, "…");
}

function mark(state: ToolState, style: Style): string {
  if (state.kind === "running") return state.awaiting ? style.yellow("?") : style.yellow("●");
  return state.ok ? style.green("✓") : style.red("✗");
}

function bodyLines(view: ToolView, style: Style): BodyLine[] {
  const { state } = view;
  if (state.kind === "running") {
    if (state.awaiting) return [["waiting for your approval…", style.yellow]];
    return [[state.progress === undefined ? "running…" : `running… ${state.progress}`, style.dim]];
  }
  if (!state.ok) {
    const reason = state.error
      ? `${state.error.kind}: ${oneLine(state.error.message)}`
      : oneLine(state.output) || "failed";
    return [[state.synthetic ? `${reason} (interrupted)` : reason, style.red]];
  }
  if (view.diff && view.diff.length > 0) return diffLines(view.diff, style);
  return previewLines(state.output, style);
}

function diffLines(diff: readonly DiffLine[], style: Style): BodyLine[] {
  const shown = diff.slice(0, MAX_DIFF_LINES).map((line): BodyLine => {
    switch (line.kind) {
      case "hunk":
        return [line.text, style.cyan];
      case "added":
        return [`+${terminalText(line.text)}`, style.green];
      case "removed":
        return [`-${terminalText(line.text)}`, style.red];
      case "context":
        return [` ${terminalText(line.text)}`, style.dim];
    }
  });
  const more = diff.length - shown.length;
  return more > 0 ? [...shown, [`… ${counted(more, "more diff line")}`, style.dim]] : shown;
}

function previewLines(output: string, style: Style): BodyLine[] {
  const text = output.trimEnd();
  if (text.trim() === "") return [["(no output)", style.dim]];
  // Only the first lines are cut out; the rest are only counted (an output can be long).
  const lines: string[] = [];
  let at = 0;
  while (lines.length < MAX_PREVIEW_LINES && at <= text.length) {
    const end = text.indexOf("\n", at);
    lines.push(text.slice(at, end === -1 ? text.length : end));
    at = end === -1 ? text.length + 1 : end + 1;
  }
  let more = 0;
  if (at <= text.length) {
    more = 1;
    for (let i = text.indexOf("\n", at); i !== -1; i = text.indexOf("\n", i + 1)) more++;
  }
  const shown = lines.map((line): BodyLine => [
    terminalText(line.replace(/\t/g, "  ")),
    style.dim,
  ]);
  return more > 0 ? [...shown, [`… ${counted(more, "more line")}`, style.dim]] : shown;
}

/**
 * A tool call's block in the transcript; its state and diff change as the call finishes. Its lines
 * are drawn once per width and state: a frame does not truncate them again.
 */
export class ToolBlock extends CachedComponent implements LiveItem {
  #view: ToolView;
  readonly #style: Style;

  constructor(view: ToolView, style: Style) {
    super();
    this.#view = view;
    this.#style = style;
  }

  /** Records how the call ended. */
  finish(state: ToolState, diff?: readonly DiffLine[]): void {
    this.#view = { ...this.#view, state, diff };
    this.changed();
  }

  /** Marks the running call as waiting for an approval, or running again. */
  awaiting(awaiting: boolean): void {
    if (this.#view.state.kind === "running") {
      this.#view = { ...this.#view, state: { kind: "running", awaiting } };
      this.changed();
    }
  }

  /**
   * Ends a call whose result will not come (its turn ended without one), so the block stops
   * being live.
   */
  abandon(): void {
    if (this.running) {
      this.finish({ kind: "done", ok: false, output: "no result", synthetic: true });
    }
  }

  /** Shows how far the running call has come (already in words, safe for the terminal). */
  progress(text: string): void {
    if (this.#view.state.kind === "running") {
      this.#view = { ...this.#view, state: { kind: "running", progress: text } };
      this.changed();
    }
  }

  /** The call is still running. */
  get running(): boolean {
    return this.#view.state.kind === "running";
  }

  /** The call has its result: the block will not change again. */
  get finished(): boolean {
    return !this.running;
  }

  protected draw(width: number): string[] {
    return toolBlockLines(this.#view, width, this.#style);
  }
}
