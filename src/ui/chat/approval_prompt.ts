/**
 * The chat's inline question about a shell command: the command, what "always" would save, and
 * the keys — y (once), a (always), n (no, then an optional reason typed in the editor), Esc or
 * Ctrl+C (no, and stop the turn). Keys map to an action by a pure function the chat applies.
 */

import { matchesKey, Text } from "./pi_tui.ts";
import type { Answer, ApprovalRequest } from "../../policy/approval.ts";
import type { Style } from "../style.ts";
import { commandLines, parseAnswer } from "../terminal_ask.ts";
import { terminalLine } from "../terminal_text.ts";

/** Where the question is: waiting for y/a/n, or for the reason of a no. */
export type PromptStage = "choosing" | "reason";

/** What a key does to the question. */
export type PromptAction =
  /** The question is answered. */
  | { kind: "answer"; answer: Answer }
  /** A no: the editor now takes its optional reason. */
  | { kind: "reason" }
  /** Esc or Ctrl+C: a no, and the turn stops. */
  | { kind: "cancel" }
  /** The key belongs to the editor (typing the reason). */
  | { kind: "edit" }
  /** The key means nothing here and is swallowed. */
  | { kind: "ignore" };

/** What `key` does at `stage`; `typed` is the editor's text (the reason, at the reason stage). */
export function promptAction(stage: PromptStage, key: string, typed: string): PromptAction {
  if (matchesKey(key, "escape") || matchesKey(key, "ctrl+c")) return { kind: "cancel" };
  if (stage === "reason") {
    // The reason is one line: `n` plus it reads as a typed no, newlines folded into spaces.
    if (matchesKey(key, "enter")) return answered(parseAnswer(`n ${typed}`));
    return { kind: "edit" };
  }
  const choice = key.length === 1 ? parseAnswer(key) : null;
  if (choice?.kind === "deny") return { kind: "reason" };
  return choice === null ? { kind: "ignore" } : { kind: "answer", answer: choice };
}

function answered(answer: Answer | null): PromptAction {
  return { kind: "answer", answer: answer ?? { kind: "deny" } };
}

/** The question as shown above the editor. */
export class ApprovalPrompt extends Text {
  readonly #request: ApprovalRequest;
  readonly #style: Style;
  #stage: PromptStage = "choosing";

  constructor(request: ApprovalRequest, style: Style) {
    super("", 1, 0);
    this.#request = request;
    this.#style = style;
    this.#paint();
  }

  /** Where the question is. */
  get stage(): PromptStage {
    return this.#stage;
  }

  /** Moves on to the reason of a no. */
  askReason(): void {
    this.#stage = "reason";
    this.#paint();
  }

  #paint(): void {
    const style = this.#style;
    const { command, prefixes, mcp } = this.#request;
    const always = mcp
      ? `[a] always: ${prefixes.map((p) => `"${terminalLine(p)}"`).join(", ")} in this workspace`
      : prefixes.length > 0
      ? `[a] always: commands starting with ${
        prefixes.map((p) => `"${terminalLine(p)}"`).join(", ")
      } in this workspace`
      : "[a] always: same as once (no prefix can describe this command)";
    const keys = this.#stage === "choosing"
      ? ["[y] yes, once", always, "[n] no (then an optional reason)", "esc: no, and stop the turn"]
      : [
        "type a reason for the model (optional), Enter to send the no",
        "esc: no, and stop the turn",
      ];
    this.setText([
      style.bold(style.yellow(mcp ? "? call this MCP tool?" : "? run this shell command?")),
      ...commandLines(command).map((line) => `  ${style.cyan(line)}`),
      ...keys.map((line) => style.dim(`  ${line}`)),
    ].join("\n"));
  }
}
