/** The chat's footer line: model and effort, context used, plan quota, MCP servers, workspace. */

import { terminalLine } from "../terminal_text.ts";
import type { Component } from "@mariozechner/pi-tui";
import { truncateToWidth, visibleWidth } from "./pi_tui.ts";
import type { QuotaSnapshot, QuotaWindow } from "../../quota/snapshot.ts";
import { modelInfo } from "../../provider/models.ts";
import { windowName } from "../../quota/text.ts";
import type { Style } from "../style.ts";

/** What the footer shows. */
export interface FooterInfo {
  model: string;
  effort: string;
  /** The workspace as shown (e.g. with the home folder as `~`). */
  workspace: string;
  /** Tokens of the last request (its input and output); undefined before the first answer. */
  contextTokens?: number;
  /** The last known plan quota; null when none is known (API keys have none). */
  quota: QuotaSnapshot | null;
  /** The MCP servers' indicator (`mcp 2/3`); none without servers. */
  mcp?: string;
}

/** The footer at `width` columns: one line, the workspace shortened first when space runs out. */
export function footerLine(info: FooterInfo, width: number, style: Style): string {
  // The model name (from /model) and the workspace path are shown, never obeyed.
  const parts = [`${terminalLine(info.model)} · ${info.effort}`];
  const context = contextText(info.model, info.contextTokens);
  if (context) parts.push(context);
  for (const w of [info.quota?.primary, info.quota?.secondary]) {
    if (w) parts.push(quotaText(w));
  }
  if (info.mcp) parts.push(info.mcp);
  const fixed = parts.join("  ");
  const room = width - visibleWidth(fixed) - 2;
  const line = room >= 8 ? `${fixed}  ${shortenPath(terminalLine(info.workspace), room)}` : fixed;
  return style.dim(truncateToWidth(line, Math.max(1, width), "…"));
}

/** `ctx 12%` of the model's window (a conservative default window for unknown models). */
export function contextText(model: string, tokens: number | undefined): string | undefined {
  if (tokens === undefined) return undefined;
  const window = modelInfo(model).context_window;
  return `ctx ${Math.min(100, Math.round((tokens / window) * 100))}%`;
}

/** `5h 12%`: a quota window's length and how much of it is used. */
export function quotaText(w: QuotaWindow): string {
  return `${windowName(w, "short")} ${Math.round(w.used_percent)}%`;
}

/** The path's tail in at most `max` columns, `…` marking what was cut from its start. */
export function shortenPath(path: string, max: number): string {
  if (visibleWidth(path) <= max) return path;
  return `…${path.slice(path.length - (max - 1))}`;
}

/** The footer component; the app updates its info and asks for a render. */
export class Footer implements Component {
  info: FooterInfo;
  readonly #style: Style;
  #drawn: { info: FooterInfo; width: number; lines: string[] } | undefined;

  constructor(info: FooterInfo, style: Style) {
    this.info = info;
    this.#style = style;
  }

  render(width: number): string[] {
    // `info` is replaced (never changed in place) when the footer changes: the line is kept till then.
    if (this.#drawn?.info !== this.info || this.#drawn.width !== width) {
      this.#drawn = { info: this.info, width, lines: [footerLine(this.info, width, this.#style)] };
    }
    return this.#drawn.lines;
  }

  invalidate(): void {
    this.#drawn = undefined;
  }
}
