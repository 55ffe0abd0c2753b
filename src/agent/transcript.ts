/**
 * A session told as a Markdown transcript for people: the user's messages, reasoning summaries,
 * the assistant's answers, and each tool call with its arguments and a bounded excerpt of its
 * result. Encrypted reasoning and usage bookkeeping are left out; the log keeps them.
 */

import type { CanonicalEvent, Envelope } from "./event.ts";
import { describeSearchAction, footnotes } from "../provider/web_search.ts";

/** Default bound on one tool result in the transcript, in characters. */
export const DEFAULT_RESULT_CHARS = 2000;

/** How much of each tool result to show. */
export interface TranscriptOptions {
  resultChars?: number;
}

/** The Markdown transcript of a session's canonical events. */
export function markdownTranscript(
  events: readonly Envelope<CanonicalEvent>[],
  options: TranscriptOptions = {},
): string {
  const blocks: string[] = [];
  for (const event of events) {
    const block = transcriptBlock(event, options);
    if (block !== null) blocks.push(block);
  }
  return blocks.join("\n\n") + "\n";
}

/**
 * One event's part of the transcript, or null for an event it leaves out. `markdownTranscript` is
 * these blocks joined by a blank line, with a final newline, so a long session can be written a
 * block at a time.
 */
export function transcriptBlock(
  event: Envelope<CanonicalEvent>,
  options: TranscriptOptions = {},
): string | null {
  const limit = options.resultChars ?? DEFAULT_RESULT_CHARS;
  switch (event.type) {
    case "session_started": {
      const d = event.data;
      return [
        `# Session ${event.session_id}`,
        "",
        `- Workspace: \`${d.cwd}\``,
        `- Model: ${d.model} (effort ${d.effort})`,
        `- Started: ${event.ts}`,
        `- Pixir: ${d.pixir_version}`,
      ].join("\n");
    }
    case "user_message": {
      // Images are named by their hash: their bytes stay in the session's data, never inline.
      const images = (event.data.images ?? []).map((image) =>
        `\n\n_Image: ${image.media_type}, ${image.bytes} bytes, sha256 ${image.sha256}_`
      );
      return `## User\n\n${event.data.text}${images.join("")}`;
    }
    case "turn_started":
      return `_Turn ${event.data.turn} · ${event.data.model} · effort ${event.data.effort}_`;
    case "reasoning": {
      const text = event.data.summary.map((s) => s.text).join("\n\n").trim();
      return text === "" ? null : `### Reasoning\n\n${quote(text)}`;
    }
    case "assistant_message": {
      const sources = footnotes(event.data.citations ?? []);
      return `## Assistant${event.data.interrupted ? " (interrupted)" : ""}\n\n${event.data.text}${
        sources.length > 0 ? `\n\nSources:\n\n${sources.map((line) => `- ${line}`).join("\n")}` : ""
      }`;
    }
    case "web_search":
      return `_Web search: ${describeSearchAction(event.data.action)} (${event.data.status})_`;
    case "subagent_event": {
      const { call_id, event: child } = event.data;
      const inner = transcriptBlock({ ...event, ...child } as Envelope<CanonicalEvent>, options);
      return inner === null ? null : quote(`**Subagent ${call_id}**\n\n${inner}`);
    }
    case "tool_call":
      return `### Tool call: ${event.data.name}\n\n${
        fenced(prettyJson(event.data.arguments), "json")
      }`;
    case "tool_result": {
      const { name, ok, output, synthetic } = event.data;
      const status = ok ? "ok" : synthetic ? "not finished" : "failed";
      return `Result of ${name} (${status}):\n\n${fenced(bounded(output, limit), "")}`;
    }
    case "usage":
      return null;
    case "turn_completed":
      return event.data.status === "completed"
        ? null
        : `_Turn ${event.data.turn} ended early${
          event.data.reason ? `: ${event.data.reason}` : ""
        }_`;
    case "turn_failed":
      return `_Turn ${event.data.turn} failed: ${event.data.error.message}_`;
    case "interrupted":
      return `_Turn ${event.data.turn} was interrupted (${event.data.reason})_`;
    case "permission_decision": {
      const { decision, command, source } = event.data;
      return `_${decision === "allow" ? "Allowed" : "Denied"} (${source}): \`${command}\`_`;
    }
    case "file_snapshot":
    case "file_changed":
      return null;
    case "undo": {
      const { turn, restored, deleted, skipped } = event.data;
      const lines = [
        ...restored.map((path) => `- restored \`${path}\``),
        ...deleted.map((path) => `- deleted \`${path}\``),
        ...skipped.map(({ path, reason }) => `- skipped \`${path}\`: ${reason}`),
      ];
      return [`### Undo of turn ${turn}`, "", ...(lines.length > 0 ? lines : ["- no file changed"])]
        .join("\n");
    }
    case "compaction": {
      const { reason, focus, summary } = event.data;
      const about = focus === undefined ? "" : ` · focus: ${focus}`;
      return `## Conversation compacted (${reason}${about})\n\n${quote(summary)}`;
    }
  }
}

/** Arguments as indented JSON when they parse, else as the model sent them. */
function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** At most `limit` characters, with a note saying how many were left out. */
function bounded(text: string, limit: number): string {
  const characters = [...text];
  if (characters.length <= limit) return text;
  return `${characters.slice(0, limit).join("")}\n… (${characters.length - limit} more characters)`;
}

/** A fenced code block whose fence is longer than any backtick run inside the text. */
function fenced(text: string, language: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text}\n${fence}`;
}

function quote(text: string): string {
  return text.split("\n").map((line) => (line === "" ? ">" : `> ${line}`)).join("\n");
}
