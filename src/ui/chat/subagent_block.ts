/**
 * A child agent's work in the chat, folded to one block: a header naming the task, then one line
 * saying how many tool calls and searches it made and what it did last. It updates in place as the
 * child's events arrive, and keeps its rendered lines until something changes.
 */

import { truncateToWidth } from "./pi_tui.ts";
import type { SubagentEventData } from "../../agent/event.ts";
import { describeSearchAction } from "../../provider/web_search.ts";
import type { Style } from "../style.ts";
import { counted, keyArgument, oneLine, toolLabel } from "../tool_summary.ts";
import { terminalLine } from "../terminal_text.ts";
import type { LiveItem } from "./transcript_item.ts";

/** What the block knows of one child. */
interface ChildProgress {
  calls: number;
  searches: number;
  /** The child's latest action, said in a few words. */
  last: string;
  /** Set once the child's turn ended: how. */
  ended?: "done" | "failed" | "interrupted";
}

/** One child agent's folded block: live until the child's turn ends. */
export class SubagentBlock implements LiveItem {
  readonly #title: string;
  readonly #style: Style;
  #progress: ChildProgress = { calls: 0, searches: 0, last: "starting…" };
  #cache: { width: number; lines: string[] } | undefined;

  /** `title`: the task's description, as the parent's call gave it. */
  constructor(title: string, style: Style) {
    this.#title = title;
    this.#style = style;
  }

  /** Takes one more of the child's events into account. */
  update(child: SubagentEventData["event"]): void {
    const p = this.#progress;
    switch (child.type) {
      case "tool_call":
        this.#set({
          ...p,
          calls: p.calls + 1,
          last: `${toolLabel(child.data.name)} ${keyArgument(child.data.arguments)}`,
        });
        return;
      case "web_search":
        this.#set({
          ...p,
          searches: p.searches + 1,
          last: `web ${describeSearchAction(child.data.action)}`,
        });
        return;
      case "turn_completed":
        this.#set({ ...p, ended: "done" });
        return;
      case "turn_failed":
        this.#set({ ...p, ended: "failed", last: child.data.error.message });
        return;
      case "interrupted":
        this.#set({ ...p, ended: "interrupted" });
        return;
      default:
        return;
    }
  }

  get finished(): boolean {
    return this.#progress.ended !== undefined;
  }

  /** The parent's turn ended without word of this child's end (a crash): it is shown as cut off. */
  abandon(): void {
    if (this.#progress.ended === undefined) this.#set({ ...this.#progress, ended: "interrupted" });
  }

  render(width: number): string[] {
    if (this.#cache?.width === width) return this.#cache.lines;
    const s = this.#style;
    const p = this.#progress;
    const mark = p.ended === undefined
      ? s.yellow("●")
      : p.ended === "done"
      ? s.green("✓")
      : s.red("✗");
    const counts = [
      counted(p.calls, "tool call"),
      ...(p.searches > 0 ? [counted(p.searches, "search")] : []),
    ]
      .join(", ");
    const lines = [
      `   ${mark} ${s.bold("subagent")} ${s.cyan(terminalLine(this.#title))}`,
      `     ${s.dim(`${counts} · ${oneLine(p.last)}`)}`,
    ].map((line) => truncateToWidth(line, Math.max(1, width), "…"));
    this.#cache = { width, lines };
    return lines;
  }

  invalidate(): void {
    this.#cache = undefined;
  }

  #set(progress: ChildProgress): void {
    this.#progress = progress;
    this.#cache = undefined;
  }
}
