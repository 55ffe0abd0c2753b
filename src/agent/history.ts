/**
 * History: the Responses `input` a request re-sends, as a pure fold of the session log. Turns are
 * stateless on the wire, so this fold is the only memory the model has, and it must always produce
 * an input the API accepts, even from a log cut short by a crash or Ctrl+C.
 */

import { imageReference } from "./images.ts";
import type { FunctionCallOutputItem, InputItem, ReasoningItem } from "../provider/item.ts";
import type { ToolError } from "../tools/tool.ts";
import type { CanonicalEvent, CompactionData } from "./event.ts";

/** A canonical event, with its place in the log when it comes from one. */
export type LoggedEvent = CanonicalEvent & { seq?: number | null };

/** The failure recorded for, and reported to the model about, a tool call that never finished. */
export const INTERRUPTED_TOOL_ERROR: ToolError = Object.freeze({
  kind: "aborted",
  message: "The tool call did not finish (interrupted).",
});

/**
 * Folds canonical events (or their envelopes) into the input items for a request to `model` of
 * `provider` (undefined: a caller that does not know, treated like the OpenAI providers).
 *
 * - After a compaction, the events it replaces (seq up to `replaces_through_seq`; an event
 *   without a seq counts its position, as in a whole log) become one user message holding the
 *   summary, the task verbatim and the plan's open items; only later events are folded as items.
 * - Messages, tool calls and tool results become their items, without server ids; web searches
 *   become their `web_search_call` items for the provider that ran them. A child agent's events
 *   are not the parent's history.
 * - Reasoning is replayed only to the model and provider that produced it (another provider cannot
 *   decrypt it, and must not see it), in arrival order, and only when the
 *   item it led to (an assistant message or tool call of the same response) follows it; reasoning
 *   without encrypted content carries nothing to continue from and is left out.
 * - Every call gets an output: an unanswered call is followed by a synthetic failed one, and a
 *   result whose call is missing (or came later, or was already answered) is dropped, because the
 *   API rejects unpaired calls and outputs.
 */
export function foldHistory(
  events: readonly LoggedEvent[],
  model: string,
  provider?: string,
): InputItem[] {
  const origin = { model, provider };
  const compaction = latestCompaction(events);
  if (compaction === undefined) return foldItems(events, origin);
  const replaced = (event: LoggedEvent, index: number) =>
    (event.seq ?? index) <= compaction.replaces_through_seq;
  return [
    compactedHistory(compaction, events.filter(replaced)),
    ...foldItems(events.filter((event, index) => !replaced(event, index)), origin),
  ];
}

/** The compaction in force: the last one logged. */
function latestCompaction(events: readonly LoggedEvent[]): CompactionData | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i];
    if (event.type === "compaction") return event.data;
  }
  return undefined;
}

/**
 * The message that stands in for replaced events: the summary, marked as one so the model does
 * not take it for a new request; then the task in the person's own words, which no summary may
 * paraphrase away (the session's first prompt, and the latest replaced one when it differs); then
 * the plan's open items when the summary lists them, last, as what remains to do.
 */
function compactedHistory(
  compaction: CompactionData,
  replaced: readonly LoggedEvent[],
): InputItem {
  const prompts = replaced.flatMap((event) =>
    event.type === "user_message" ? [event.data.text] : []
  );
  const { summary, openItems } = splitOpenItems(compaction.summary);
  const parts = [
    `[Summary of the earlier conversation, which was compacted to save context]\n${summary}`,
  ];
  const first = prompts[0];
  const latest = prompts[prompts.length - 1];
  if (first !== undefined) parts.push(`[The original task, verbatim]\n${first}`);
  if (latest !== undefined && latest !== first) {
    parts.push(`[The latest request before the summary, verbatim]\n${latest}`);
  }
  if (openItems !== undefined) parts.push(`[Open items of the plan]\n${openItems}`);
  return {
    type: "message",
    role: "user",
    content: [{ type: "input_text", text: parts.join("\n\n") }],
  };
}

/** A Markdown heading line. */
const HEADING = /^#{1,6}\s/;

/** The summary without its "Open items" section, and that section's body when it has one. */
function splitOpenItems(text: string): { summary: string; openItems?: string } {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => /^#{1,6}\s*open items\b/i.test(line));
  if (start === -1) return { summary: text };
  const after = lines.slice(start + 1).findIndex((line) => HEADING.test(line));
  const end = after === -1 ? lines.length : start + 1 + after;
  const openItems = lines.slice(start + 1, end).join("\n").trim();
  if (openItems === "") return { summary: text };
  return { summary: [...lines.slice(0, start), ...lines.slice(end)].join("\n").trim(), openItems };
}

/** The items of uncompacted events; see `foldHistory`. */
function foldItems(
  events: readonly CanonicalEvent[],
  target: { model: string; provider?: string },
): InputItem[] {
  const answered = answeredCalls(events);
  const items: InputItem[] = [];
  const called = new Set<string>();
  const resulted = new Set<string>();
  // Reasoning waits here until the item it belongs to shows up.
  let reasoning: ReasoningItem[] = [];
  for (const event of events) {
    switch (event.type) {
      case "user_message":
        reasoning = [];
        if (event.data.environment !== undefined) {
          items.push({
            type: "message",
            role: "user",
            content: [{ type: "input_text", text: event.data.environment }],
          });
        }
        items.push({
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: event.data.text },
            ...(event.data.images ?? []).map((image) => ({
              type: "input_image" as const,
              image_url: imageReference(image),
            })),
          ],
        });
        break;
      case "reasoning":
        if (
          event.data.model === target.model &&
          sameProvider(event.data.provider, target.provider) &&
          event.data.encrypted_content !== null
        ) {
          reasoning.push({
            type: "reasoning",
            summary: event.data.summary,
            encrypted_content: event.data.encrypted_content,
          });
        }
        break;
      case "assistant_message":
        items.push(...reasoning, {
          type: "message",
          role: "assistant",
          content: [{ type: "output_text", text: event.data.text }],
          ...(event.data.phase === undefined ? {} : { phase: event.data.phase }),
        });
        reasoning = [];
        break;
      case "tool_call": {
        const { call_id, name, arguments: args } = event.data;
        if (called.has(call_id)) break; // a repeated call id would be a second, unpairable call
        called.add(call_id);
        items.push(...reasoning, { type: "function_call", call_id, name, arguments: args });
        reasoning = [];
        if (!answered.has(call_id)) items.push(interruptedOutput(call_id));
        break;
      }
      case "web_search":
        // The search ran on the provider's side: only that provider knows what to make of it.
        if (sameProvider(event.data.provider, target.provider)) {
          const { status, action } = event.data;
          items.push(...reasoning, { type: "web_search_call", status, action });
          reasoning = [];
        }
        break;
      case "tool_result": {
        const { call_id, output } = event.data;
        if (!called.has(call_id) || resulted.has(call_id)) break;
        resulted.add(call_id);
        items.push({ type: "function_call_output", call_id, output });
        break;
      }
      case "usage":
      case "turn_completed":
      case "turn_failed":
      case "interrupted":
        // The response or turn ended: reasoning still waiting was never followed by its item.
        reasoning = [];
        break;
      case "session_started":
      case "turn_started":
      case "permission_decision":
      case "file_snapshot":
      case "file_changed":
      case "undo":
      case "compaction":
      case "subagent_event":
        // A child's events are its own history, never the parent's.
        break;
    }
  }
  return items;
}

/**
 * Whether reasoning from provider `from` may go to `to`. Logs from before providers were recorded
 * (and callers that do not say) could only mean OpenAI's backends, where such reasoning was always
 * replayed.
 */
function sameProvider(from: string | undefined, to: string | undefined): boolean {
  const openai = (id: string | undefined) =>
    id === undefined || id === "chatgpt" || id === "openai";
  return from === to || (from === undefined && openai(to)) || (to === undefined && openai(from));
}

/** Call ids that have a result logged after the call. */
function answeredCalls(events: readonly CanonicalEvent[]): Set<string> {
  const open = new Set<string>();
  const answered = new Set<string>();
  for (const event of events) {
    if (event.type === "tool_call" && !answered.has(event.data.call_id)) {
      open.add(event.data.call_id);
    } else if (event.type === "tool_result" && open.delete(event.data.call_id)) {
      answered.add(event.data.call_id);
    }
  }
  return answered;
}

function interruptedOutput(call_id: string): FunctionCallOutputItem {
  return {
    type: "function_call_output",
    call_id,
    output: JSON.stringify({ ok: false, error: INTERRUPTED_TOOL_ERROR }),
  };
}
