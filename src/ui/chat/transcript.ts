/**
 * The conversation as the chat shows it: user messages, the answer as markdown (streaming while it
 * arrives), reasoning summaries dimmed, one block per tool call, and notices. It is fed the same
 * event envelopes every renderer gets, live or replayed from a session's log. Every text it shows
 * passes the terminal sanitizer first (the markdown component gets the sanitized text), so a
 * message, a file or a tool's output never drives the terminal.
 *
 * Its children are the items still on the live part of the screen, in order. Items that are
 * finished (see `transcript_item.ts`) are handed to the screen from the front, once everything
 * before them is finished too, and written into the scrollback: a frame renders only what is live.
 */

import type { Component, Markdown } from "@mariozechner/pi-tui";
import { Container, laterParts, Spacer, Text } from "./pi_tui.ts";
import type { Envelope } from "../../agent/event.ts";
import type { PermissionDecisionData } from "../../policy/permission_decision.ts";
import type { DecisionSource } from "../../policy/approval.ts";
import type { ChatTheme } from "./theme.ts";
import { ToolBlock } from "./tool_block.ts";
import { SubagentBlock } from "./subagent_block.ts";
import { describeSearchAction, footnotes } from "../../provider/web_search.ts";
import { PlanChecklist } from "./plan_checklist.ts";
import type { PlanData } from "../../tools/plan.ts";
import { type DiffLine, unifiedDiff } from "./diff.ts";
import type { ReadWorkspaceFile } from "./mentions.ts";
import { counted, oneLine, parseArguments, progressText } from "../tool_summary.ts";
import { compactionNotice } from "../compaction_notice.ts";
import { retryNotice } from "../retry_notice.ts";
import { terminalLine, terminalText } from "../terminal_text.ts";
import type { ScrollbackSource } from "./screen.ts";
import { StreamingMarkdown } from "./streaming_markdown.ts";
import { isFinished, LiveText } from "./transcript_item.ts";

/** The kinds of notice, by how loudly they are shown. */
export type NoticeKind = "info" | "warning" | "error";

/** Tools whose successful calls are shown as a diff of the file they changed. */
const DIFFED_TOOLS = new Set(["edit", "write"]);

/** Most lines of a user message shown; a long paste or an attached file is cut to this. */
export const MAX_USER_LINES = 6;

/** The message cut to `MAX_USER_LINES` lines, the cut counted. */
export function boundedMessage(text: string): string {
  const lines = text.split("\n");
  if (lines.length <= MAX_USER_LINES) return text;
  const more = lines.length - MAX_USER_LINES;
  return `${lines.slice(0, MAX_USER_LINES).join("\n")}\n… ${counted(more, "more line")}`;
}

/** Who or what made a permission decision, as the chat names it. */
const DECIDED_BY: Record<DecisionSource, string> = {
  all: "by -A",
  allow_run: "by --allow-run",
  allow_mcp: "by --allow-mcp",
  safe_list: "by the safe list",
  rule: "by a saved rule",
  user: "by you",
  read_only: "in read-only mode",
  non_interactive: "with nobody to ask",
};

/** One line for a permission decision: allowed or denied, by whom, for what command. */
export function decisionLine(data: PermissionDecisionData): string {
  const verdict = data.decision === "allow" ? "allowed" : "denied";
  const rules = data.rules?.map((r) => `"${terminalLine(r)}"`).join(", ");
  const scope = data.scope === "always" && rules
    ? ` (always: ${rules})`
    : data.source === "rule" && rules
    ? ` (${rules})`
    : data.scope === "once"
    ? " (once)"
    : "";
  const reason = data.user_reason ? ` — ${oneLine(data.user_reason)}` : "";
  return `${verdict} ${DECIDED_BY[data.source]}${scope}: ${oneLine(data.command)}${reason}`;
}

/** A file a running tool may change, with its content from before the call. */
interface FileChange {
  path: string;
  /** The content before the call; null when the file did not exist or could not be read. */
  before: Promise<string | null>;
}

/** The transcript component. */
export class Transcript extends Container implements ScrollbackSource {
  readonly #theme: ChatTheme;
  readonly #read: ReadWorkspaceFile;
  /** The answer being streamed, until its message is logged. */
  #answer: StreamingMarkdown | undefined;
  /** The reasoning summary being streamed, until its item is logged. */
  #reasoning: StreamingMarkdown | undefined;
  /** The line the retries of the current model call update. */
  #retry: LiveText | undefined;
  /** The call id of the tool call started last and not finished: the one a question is about. */
  #started: string | undefined;
  /** Tool calls waiting for their results, by call id. */
  readonly #tools = new Map<string, { block: ToolBlock; change?: FileChange }>();
  /** The turn's plan checklist, which later updates of the turn change in place. */
  #plan: PlanChecklist | undefined;
  /** Cleared since the screen last asked: what the scrollback holds is stale. */
  #reset = false;
  /** Child agents' folded blocks, by the parent's `task` call id. */
  readonly #children = new Map<string, SubagentBlock>();
  /** The arguments of the parent's calls, by call id, for naming a child by its task. */
  readonly #taskCalls = new Map<string, string>();

  constructor(theme: ChatTheme, read: ReadWorkspaceFile) {
    super();
    this.#theme = theme;
    this.#read = read;
  }

  /** Shows one event; canonical events also render when replayed from a log. */
  async event(envelope: Envelope): Promise<void> {
    const { style } = this.#theme;
    switch (envelope.type) {
      case "user_message":
        // A new turn: whatever the last one left live (a call without a result) is over.
        this.settle();
        this.addChild(new Spacer(1));
        this.addChild(
          new Text(style.bold(`› ${terminalText(boundedMessage(envelope.data.text))}`), 1, 0),
        );
        for (const image of envelope.data.images ?? []) {
          const size = `${Math.max(1, Math.round(image.bytes / 1024))} KB`;
          this.addChild(new Text(style.dim(`  [image: ${image.media_type}, ${size}]`), 1, 0));
        }
        for (const part of envelope.data.context ?? []) {
          const what = part.source === "skill" ? "skill" : "hook context";
          this.addChild(new Text(style.dim(`  [${what}: ${terminalLine(part.name)}]`), 1, 0));
        }
        return;
      case "plan":
        this.#showPlan(envelope.data);
        return;
      case "reasoning_delta":
        if (!this.#reasoning) {
          this.#reasoning = this.#thought();
          this.addChild(this.#reasoning);
        }
        this.#reasoning.append(envelope.data.delta);
        return;
      case "reasoning": {
        const summary = envelope.data.summary.map((part) => part.text).join("\n\n");
        if (this.#reasoning) {
          this.#reasoning.setText(summary);
          this.#reasoning.finish();
        } else if (summary.trim() !== "") {
          this.addChild(this.#finishedMarkdown(summary, true));
        }
        this.#reasoning = undefined;
        return;
      }
      case "text_delta":
        if (!this.#answer) {
          this.#answer = new StreamingMarkdown(this.#theme.markdown);
          this.addChild(this.#answer);
        }
        this.#answer.append(envelope.data.delta);
        return;
      case "assistant_message":
        if (this.#answer) {
          this.#answer.setText(envelope.data.text);
          this.#answer.finish();
        } else {
          this.addChild(this.#finishedMarkdown(envelope.data.text, false));
        }
        this.#answer = undefined;
        for (const line of footnotes(envelope.data.citations ?? [])) {
          this.addChild(new Text(style.dim(terminalLine(line)), 1, 0));
        }
        return;
      case "web_search":
        this.addChild(
          new Text(
            style.dim(
              `⌕ web ${oneLine(describeSearchAction(envelope.data.action))} (${
                terminalLine(envelope.data.status)
              })`,
            ),
            1,
            0,
          ),
        );
        return;
      case "subagent_event": {
        const { call_id, event: child } = envelope.data;
        let block = this.#children.get(call_id);
        if (block === undefined) {
          const described = parseArguments(this.#taskCalls.get(call_id) ?? "").description;
          const title = typeof described === "string" ? described : call_id;
          block = new SubagentBlock(title, style);
          this.#children.set(call_id, block);
          this.addChild(block);
        }
        block.update(child);
        return;
      }
      case "tool_call": {
        this.#closeStreams();
        // A later retry gets a line of its own, below this call.
        this.#endRetry();
        const block = new ToolBlock({
          name: envelope.data.name,
          arguments: envelope.data.arguments,
          state: { kind: "running" },
        }, style);
        this.#tools.set(envelope.data.call_id, { block });
        if (envelope.data.name === "task") {
          this.#taskCalls.set(envelope.data.call_id, envelope.data.arguments);
        }
        this.addChild(block);
        return;
      }
      case "tool_started": {
        // Read the file before the tool changes it, so its diff can be shown afterwards.
        this.#started = envelope.data.call_id;
        const entry = this.#tools.get(envelope.data.call_id);
        const path = parseArguments(envelope.data.arguments).path;
        if (entry && DIFFED_TOOLS.has(envelope.data.name) && typeof path === "string") {
          entry.change = { path, before: this.#read(path) };
        }
        return;
      }
      case "tool_progress":
        this.#tools.get(envelope.data.call_id)?.block.progress(progressText(envelope.data));
        return;
      case "tool_result": {
        const entry = this.#tools.get(envelope.data.call_id);
        if (!entry) return;
        const { ok, output, error, synthetic } = envelope.data;
        const diff = ok && entry.change ? await this.#diff(entry.change) : undefined;
        entry.block.finish({ kind: "done", ok, output, error, synthetic }, diff);
        this.#tools.delete(envelope.data.call_id);
        if (this.#started === envelope.data.call_id) this.#started = undefined;
        return;
      }
      case "permission_decision": {
        const line = decisionLine(envelope.data);
        this.addChild(
          new Text(envelope.data.decision === "allow" ? style.dim(line) : style.yellow(line), 1, 0),
        );
        return;
      }
      case "retrying": {
        // The attempt's partial answer is discarded: the retry streams it again from the start.
        this.#dropStreams();
        // One line per turn that each retry updates, rather than a line per retry.
        const text = style.yellow(`! ${retryNotice(envelope.data)}`);
        if (this.#retry) this.#retry.setText(text);
        else {
          this.#retry = new LiveText(text, 1, 0);
          this.addChild(this.#retry);
        }
        return;
      }
      case "compaction":
        this.notice("info", compactionNotice(envelope.data));
        if (envelope.data.plan) this.#showPlan(envelope.data.plan);
        return;
      case "turn_completed":
        this.settle();
        if (envelope.data.status === "incomplete") {
          this.notice("warning", "the model stopped before finishing its answer");
        }
        return;
      case "turn_failed":
        this.settle();
        this.notice("error", envelope.data.error.message);
        return;
      case "interrupted":
        this.settle();
        this.notice("warning", "interrupted");
        return;
      default:
        return;
    }
  }

  /** Adds a line of information, a warning or an error; `text` is shown, never obeyed. */
  notice(kind: NoticeKind, raw: string): void {
    const { style } = this.#theme;
    const text = terminalText(raw);
    const styled = kind === "error"
      ? style.red(`✗ ${text}`)
      : kind === "warning"
      ? style.yellow(`! ${text}`)
      : style.dim(text);
    this.addChild(new Text(styled, 1, 0));
  }

  /**
   * Marks the running tool call as waiting for the person's approval (or no longer): tools run
   * one at a time, so the question is about the call started last.
   */
  awaitingApproval(awaiting: boolean): void {
    const entry = this.#started === undefined ? undefined : this.#tools.get(this.#started);
    entry?.block.awaiting(awaiting);
  }

  /**
   * The turn is over: streams end where they are, the retry line stays as it is, and a call
   * still without a result is shown as having none, so nothing stays live.
   */
  settle(): void {
    this.#closeStreams();
    this.#endRetry();
    for (const { block } of this.#tools.values()) block.abandon();
    this.#tools.clear();
    for (const child of this.#children.values()) child.abandon();
    this.#started = undefined;
    this.#plan?.finish();
    this.#plan = undefined;
  }

  /** Empties the transcript (the session itself is untouched); the scrollback is redrawn. */
  override clear(): void {
    super.clear();
    this.#answer = undefined;
    this.#reasoning = undefined;
    this.#retry = undefined;
    this.#started = undefined;
    this.#tools.clear();
    this.#plan = undefined;
    this.#reset = true;
    this.#children.clear();
    this.#taskCalls.clear();
  }

  /** Updates the turn's checklist, or adds one for the turn's first plan. */
  #showPlan(plan: PlanData): void {
    this.#closeStreams();
    if (this.#plan) this.#plan.set(plan);
    else {
      this.#plan = new PlanChecklist(plan, this.#theme.style);
      this.addChild(this.#plan);
    }
  }

  /** The finished items at the front, handed over once (to be written into the scrollback). */
  takeFinished(): readonly Component[] {
    let count = 0;
    while (count < this.children.length && isFinished(this.children[count])) count++;
    return count === 0 ? [] : this.children.splice(0, count);
  }

  takeReset(): boolean {
    const reset = this.#reset;
    this.#reset = false;
    return reset;
  }

  /** Streams end where the next item starts; what they showed stays. */
  #closeStreams(): void {
    this.#answer?.finish();
    this.#reasoning?.finish();
    this.#answer = undefined;
    this.#reasoning = undefined;
  }

  #endRetry(): void {
    this.#retry?.finish();
    this.#retry = undefined;
  }

  /** Removes what the current streams showed (they are live, so still children). */
  #dropStreams(): void {
    if (this.#answer) this.removeChild(this.#answer);
    if (this.#reasoning) this.removeChild(this.#reasoning);
    this.#answer = undefined;
    this.#reasoning = undefined;
  }

  /** A logged answer or reasoning summary shown whole (replayed, or never streamed). */
  #finishedMarkdown(raw: string, thought: boolean): Markdown {
    const text = terminalText(raw);
    const { markdown, style } = this.#theme;
    const { Markdown } = laterParts();
    return thought
      ? new Markdown(text, 1, 0, markdown, { color: style.dim, italic: true })
      : new Markdown(text, 1, 0, markdown);
  }

  /** Reasoning summaries are markdown too, shown dimmed and in italics. */
  #thought(): StreamingMarkdown {
    return new StreamingMarkdown(this.#theme.markdown, {
      color: this.#theme.style.dim,
      italic: true,
    });
  }

  /** The change a successful edit or write made: the file before, against the file now. */
  async #diff(change: FileChange): Promise<DiffLine[] | undefined> {
    const before = await change.before;
    const after = await this.#read(change.path);
    return after === null ? undefined : unifiedDiff(before ?? "", after);
  }
}
