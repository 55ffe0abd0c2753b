/**
 * One tool call in the chat, as one compact block: a header line (status mark, tool name, key
 * argument) and a bounded preview of the result, or a coloured unified diff for `edit`/`write`.
 * The call's name, arguments, output and diff are shown through the terminal sanitizer.
 */

import { type Component, truncateToWidth } from "@mariozechner/pi-tui";
import type { ToolError } from "../../tools/tool.ts";
import type { Style } from "../style.ts";
import type { DiffLine } from "./diff.ts";
import { counted, keyArgument, oneLine, toolLabel } from "../tool_summary.ts";
import { terminalLine, terminalText } from "../terminal_text.ts";

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

/** The block's lines at `width` columns, none wider than `width`. */
export function toolBlockLines(view: ToolView, width: number, style: Style): string[] {
  const fit = (line: string) => truncateToWidth(line, Math.max(1, width), "…");
  // One column of margin, as the transcript's text has; the body is indented under the name.
  const header = ` ${mark(view.state, style)} ${style.bold(terminalLine(toolLabel(view.name)))} ${
    style.cyan(keyArgument(view.arguments, Math.max(10, width)))
  }`;
  const body = bodyLines(view, style);
  return [header, ...body.map((line) => `   ${line}`)].map(fit);
}

function mark(state: ToolState, style: Style): string {
  if (state.kind === "running") return state.awaiting ? style.yellow("?") : style.yellow("●");
  return state.ok ? style.green("✓") : style.red("✗");
}

function bodyLines(view: ToolView, style: Style): string[] {
  const { state } = view;
  if (state.kind === "running") {
    if (state.awaiting) return [style.yellow("waiting for your approval…")];
    return [style.dim(state.progress === undefined ? "running…" : `running… ${state.progress}`)];
  }
  if (!state.ok) {
    const reason = state.error
      ? `${state.error.kind}: ${oneLine(state.error.message)}`
      : oneLine(state.output) || "failed";
    return [style.red(state.synthetic ? `${reason} (interrupted)` : reason)];
  }
  if (view.diff && view.diff.length > 0) return diffLines(view.diff, style);
  return previewLines(state.output, style);
}

function diffLines(diff: readonly DiffLine[], style: Style): string[] {
  const shown = diff.slice(0, MAX_DIFF_LINES).map((line) => {
    switch (line.kind) {
      case "hunk":
        return style.cyan(line.text);
      case "added":
        return style.green(`+${terminalText(line.text)}`);
      case "removed":
        return style.red(`-${terminalText(line.text)}`);
      case "context":
        return style.dim(` ${terminalText(line.text)}`);
    }
  });
  const more = diff.length - shown.length;
  return more > 0 ? [...shown, style.dim(`… ${counted(more, "more diff line")}`)] : shown;
}

function previewLines(output: string, style: Style): string[] {
  const lines = output.replace(/\s+$/, "").split("\n");
  if (lines.length === 1 && lines[0].trim() === "") return [style.dim("(no output)")];
  const shown = lines.slice(0, MAX_PREVIEW_LINES).map((line) =>
    style.dim(terminalText(line.replace(/\t/g, "  ")))
  );
  const more = lines.length - shown.length;
  return more > 0 ? [...shown, style.dim(`… ${counted(more, "more line")}`)] : shown;
}

/** A tool call's block in the transcript; its state and diff change as the call finishes. */
export class ToolBlock implements Component {
  #view: ToolView;
  readonly #style: Style;

  constructor(view: ToolView, style: Style) {
    this.#view = view;
    this.#style = style;
  }

  /** Records how the call ended. */
  finish(state: ToolState, diff?: readonly DiffLine[]): void {
    this.#view = { ...this.#view, state, diff };
  }

  /** Marks the running call as waiting for an approval, or running again. */
  awaiting(awaiting: boolean): void {
    if (this.#view.state.kind === "running") {
      this.#view = { ...this.#view, state: { kind: "running", awaiting } };
    }
  }

  /** Shows how far the running call has come (already in words, safe for the terminal). */
  progress(text: string): void {
    if (this.#view.state.kind === "running") {
      this.#view = { ...this.#view, state: { kind: "running", progress: text } };
    }
  }

  /** The call is still running. */
  get running(): boolean {
    return this.#view.state.kind === "running";
  }

  render(width: number): string[] {
    return toolBlockLines(this.#view, width, this.#style);
  }

  invalidate(): void {}
}
