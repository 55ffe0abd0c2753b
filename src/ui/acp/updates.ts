/**
 * Pixir's events said in the Agent Client Protocol: each envelope becomes the `session/update`s an
 * editor shows (message and thought chunks, tool calls with their kind, title, locations and the
 * diff of a write or edit, and their results). The same mapping replays a loaded session's log.
 */

import type {
  SessionUpdate,
  ToolCallContent,
  ToolCallLocation,
  ToolKind,
} from "@agentclientprotocol/sdk";
import { isAbsolute, join } from "node:path";
import type { Envelope } from "../../agent/event.ts";
import { keyArgument, parseArguments, progressText } from "../tool_summary.ts";
import { describeSearchAction } from "../../provider/web_search.ts";

/** How each of Pixir's tools is shown: the kind an editor picks its icon by. */
const TOOL_KINDS: Readonly<Record<string, ToolKind>> = {
  read: "read",
  ls: "read",
  write: "edit",
  edit: "edit",
  find: "search",
  grep: "search",
  bash: "execute",
};

/** The tool kind of `name`; an unknown tool (an MCP server's) is "other". */
export function toolKind(name: string): ToolKind {
  return TOOL_KINDS[name] ?? "other";
}

/** "edit src/app.ts", "bash: npm test": the tool and the argument worth showing. */
export function toolTitle(name: string, argumentsJson: string): string {
  const key = keyArgument(argumentsJson, 80);
  if (key === "") return name;
  return name === "bash" ? `bash: ${key}` : `${name} ${key}`;
}

/** The files a call touches, as absolute paths (the model writes them relative to `workspace`). */
export function toolLocations(argumentsJson: string, workspace: string): ToolCallLocation[] {
  const args = parseArguments(argumentsJson);
  const path = args.path;
  if (typeof path !== "string" || path === "") return [];
  const offset = args.offset;
  return [{
    path: isAbsolute(path) ? path : join(workspace, path),
    ...(typeof offset === "number" && Number.isInteger(offset) && offset > 0
      ? { line: offset }
      : {}),
  }];
}

/**
 * The change a write or edit asks for, as a diff an editor can show: a write's whole new content,
 * an edit's old and new snippet. Other tools have none.
 */
export function toolDiff(
  name: string,
  argumentsJson: string,
  workspace: string,
): ToolCallContent[] {
  const args = parseArguments(argumentsJson);
  const [location] = toolLocations(argumentsJson, workspace);
  if (!location) return [];
  if (name === "write" && typeof args.content === "string") {
    return [{ type: "diff", path: location.path, oldText: null, newText: args.content }];
  }
  if (
    name === "edit" && typeof args.old_text === "string" && typeof args.new_text === "string"
  ) {
    return [{ type: "diff", path: location.path, oldText: args.old_text, newText: args.new_text }];
  }
  return [];
}

/** The start of a tool call, as the editor first sees it. */
function toolCallStart(
  callId: string,
  name: string,
  argumentsJson: string,
  workspace: string,
): SessionUpdate {
  return {
    sessionUpdate: "tool_call",
    toolCallId: callId,
    title: toolTitle(name, argumentsJson),
    kind: toolKind(name),
    status: "in_progress",
    locations: toolLocations(argumentsJson, workspace),
    content: toolDiff(name, argumentsJson, workspace),
    rawInput: parseArguments(argumentsJson),
  };
}

/** Which calls were already announced (live by `tool_started`, so `tool_call` must not repeat). */
export interface UpdateState {
  announced: Set<string>;
}

/**
 * The updates one envelope becomes. `replay` is true for a loaded session's log: the user's
 * messages and whole assistant messages are sent then, as nothing streamed them.
 */
export function updatesFor(
  envelope: Envelope,
  workspace: string,
  state: UpdateState,
  replay: boolean,
): SessionUpdate[] {
  switch (envelope.type) {
    case "text_delta":
      return [textChunk("agent_message_chunk", envelope.data.delta)];
    case "reasoning_delta":
      return [textChunk("agent_thought_chunk", envelope.data.delta)];
    case "user_message":
      return replay ? [textChunk("user_message_chunk", envelope.data.text)] : [];
    case "assistant_message":
      return replay ? [textChunk("agent_message_chunk", envelope.data.text)] : [];
    case "reasoning": {
      if (!replay) return [];
      const text = envelope.data.summary.map((part) => part.text).join("\n\n");
      return text === "" ? [] : [textChunk("agent_thought_chunk", text)];
    }
    case "tool_started": {
      const { call_id, name, arguments: args } = envelope.data;
      state.announced.add(call_id);
      return [toolCallStart(call_id, name, args, workspace)];
    }
    case "tool_call": {
      const { call_id, name, arguments: args } = envelope.data;
      if (state.announced.has(call_id)) return [];
      state.announced.add(call_id);
      return [toolCallStart(call_id, name, args, workspace)];
    }
    case "tool_progress":
      // Shown as the call's content until its result replaces it.
      return [{
        sessionUpdate: "tool_call_update",
        toolCallId: envelope.data.call_id,
        status: "in_progress",
        content: [{
          type: "content",
          content: { type: "text", text: progressText(envelope.data) },
        }],
      }];
    case "tool_result": {
      const { call_id, ok, output } = envelope.data;
      return [{
        sessionUpdate: "tool_call_update",
        toolCallId: call_id,
        status: ok ? "completed" : "failed",
        content: output === "" ? [] : [{
          type: "content",
          content: { type: "text", text: output },
        }],
        rawOutput: ok ? { output } : { output, error: envelope.data.error ?? null },
      }];
    }
    case "web_search":
      // The provider ran it: the editor gets it whole, already finished.
      return [{
        sessionUpdate: "tool_call",
        toolCallId: envelope.id,
        title: `web ${describeSearchAction(envelope.data.action)}`,
        kind: "fetch",
        status: envelope.data.status === "completed" ? "completed" : "failed",
        rawInput: envelope.data.action,
      }];
    case "subagent_event": {
      // A child's tool calls show as calls of their own, named under the parent's task call.
      const { call_id, event } = envelope.data;
      if (event.type !== "tool_call" && event.type !== "tool_result") return [];
      const nested = {
        ...event,
        data: { ...event.data, call_id: `${call_id}/${event.data.call_id}` },
      };
      return updatesFor({ ...envelope, ...nested } as Envelope, workspace, state, replay);
    }
    default:
      return [];
  }
}

function textChunk(
  kind: "agent_message_chunk" | "agent_thought_chunk" | "user_message_chunk",
  text: string,
): SessionUpdate {
  return { sessionUpdate: kind, content: { type: "text", text } };
}
