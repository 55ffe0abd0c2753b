/**
 * The plan in the chat: one checklist per turn that each `update_plan` call of the turn updates in
 * place (done steps struck through and dimmed, the current one highlighted). Its lines are cached
 * per width, and once the turn ends it is finished and goes to the scrollback like any other item.
 */

import { truncateToWidth, wrapTextWithAnsi } from "./pi_tui.ts";
import { CachedComponent, type LiveItem } from "./transcript_item.ts";
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

/**
 * The plan's component: `set` replaces the plan shown while the turn runs (a live item), `finish`
 * fixes it when the turn ends; its lines are drawn once per width.
 */
export class PlanChecklist extends CachedComponent implements LiveItem {
  #plan: PlanData;
  readonly #style: Style;
  #finished = false;

  constructor(plan: PlanData, style: Style) {
    super();
    this.#plan = plan;
    this.#style = style;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Shows `plan` from now on. */
  set(plan: PlanData): void {
    if (this.#finished) return;
    this.#plan = plan;
    this.changed();
  }

  /** The turn is over: the checklist stays as it is. */
  finish(): void {
    this.#finished = true;
  }

  protected draw(width: number): string[] {
    return planLines(this.#plan, width, this.#style);
  }
}
