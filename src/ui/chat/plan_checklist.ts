/**
 * The plan in the chat: one checklist that each `update_plan` call updates in place (done steps
 * struck through and dimmed, the current one highlighted). Its lines are cached per width, so a
 * redraw of a long conversation costs nothing here until the plan changes.
 */

import { type Component, truncateToWidth, wrapTextWithAnsi } from "@mariozechner/pi-tui";
import type { PlanData, PlanStatus } from "../../tools/plan.ts";
import type { Style } from "../style.ts";
import { terminalLine } from "../terminal_text.ts";

/** The checklist's lines at `width` columns, none wider than `width`. */
export function planLines(plan: PlanData, width: number, style: Style): string[] {
  const room = Math.max(8, width - 5);
  const done = plan.steps.filter((item) => item.status === "completed").length;
  const lines = [
    ` ${style.cyan("•")} ${style.bold("Plan")} ${style.dim(`${done}/${plan.steps.length}`)}`,
  ];
  if (plan.explanation !== undefined) {
    for (const line of wrapTextWithAnsi(terminalLine(plan.explanation), room)) {
      lines.push(`   ${style.dim(style.italic(line))}`);
    }
  }
  for (const item of plan.steps) {
    const wrapped = wrapTextWithAnsi(terminalLine(item.step), room);
    wrapped.forEach((line, index) => {
      const text = stepStyle(item.status, style)(line);
      lines.push(`   ${index === 0 ? mark(item.status, style) : " "} ${text}`);
    });
  }
  return lines.map((line) => truncateToWidth(line, Math.max(1, width), "…"));
}

function mark(status: PlanStatus, style: Style): string {
  return status === "completed"
    ? style.green("✓")
    : status === "in_progress"
    ? style.yellow("▸")
    : style.dim("○");
}

function stepStyle(status: PlanStatus, style: Style): (text: string) => string {
  return status === "completed"
    ? (text) => style.dim(style.strikethrough(text))
    : status === "in_progress"
    ? style.bold
    : (text) => text;
}

/** The plan's component: `set` replaces the plan shown; rendering is cached per width. */
export class PlanChecklist implements Component {
  #plan: PlanData;
  readonly #style: Style;
  #cache: { width: number; lines: string[] } | undefined;

  constructor(plan: PlanData, style: Style) {
    this.#plan = plan;
    this.#style = style;
  }

  /** Shows `plan` from now on. */
  set(plan: PlanData): void {
    this.#plan = plan;
    this.#cache = undefined;
  }

  render(width: number): string[] {
    if (this.#cache?.width !== width) {
      this.#cache = { width, lines: planLines(this.#plan, width, this.#style) };
    }
    return this.#cache.lines;
  }

  invalidate(): void {
    this.#cache = undefined;
  }
}
