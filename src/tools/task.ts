/**
 * The `task` tool: the model hands a self-contained task to a child agent and gets the child's
 * final answer back as the call's output. The child itself is run by whoever builds the tool (the
 * app layer); this module is its face to the model and the check of its arguments.
 */

import type { JsonSchema } from "../provider/request.ts";
import type { Tool, ToolResult } from "./tool.ts";
import { validateArguments } from "./arguments.ts";

/** The tool's name, as the model calls it. */
export const TASK_TOOL = "task";

/** One task for a child agent, as the model asked for it. */
export interface TaskRequest {
  /** A few words naming the task, for people watching. */
  description: string;
  /** The whole task: the child sees nothing of the parent's conversation. */
  prompt: string;
  /** The child may change files (only where the parent may). */
  write: boolean;
}

/**
 * Runs a child agent for `task` to its end. Never throws: a child that fails, times out, is
 * cancelled or may not start comes back as a failure, with the tokens it spent.
 */
export type Delegate = (
  task: TaskRequest,
  signal: AbortSignal,
  callId: string,
) => Promise<ToolResult>;

/** Every argument the tool takes. */
const ARGUMENTS: JsonSchema = {
  type: "object",
  properties: {
    description: { type: "string", description: "3-6 words naming the task." },
    prompt: { type: "string", description: "The whole task and what to report." },
    write: { type: "boolean", description: "Let it edit files. Default false." },
  },
  required: ["description", "prompt"],
  additionalProperties: false,
};

/** What the tool offers the model. */
export interface TaskToolOptions {
  /** The parent may change files, so a child may be given write tools; else `write` is not offered. */
  canWrite: boolean;
  /** How many children run at once; more calls wait their turn. */
  maxParallel: number;
}

/** The `task` tool over `delegate`. */
export function createTaskTool(delegate: Delegate, options: TaskToolOptions): Tool {
  const { write, ...readOnly } = ARGUMENTS.properties ?? {};
  // A read-only parent is not offered `write`; asked for anyway, it is refused by the delegate
  // with the reason, rather than as a malformed call.
  const parameters: JsonSchema = {
    ...ARGUMENTS,
    properties: options.canWrite ? { ...readOnly, write } : readOnly,
  };
  return {
    name: TASK_TOOL,
    description: "Give a self-contained task to a subagent (fresh context, read-only unless " +
      `write); returns its answer. Calls in one response run in parallel, ${options.maxParallel} at once.`,
    parameters,
    async run(args, ctx): Promise<ToolResult> {
      const checked = validateArguments<Partial<TaskRequest>>(ARGUMENTS, args);
      if (!checked.ok) return checked;
      const { description = "", prompt = "", write = false } = checked.value;
      if (prompt.trim() === "") {
        return {
          ok: false,
          error: { kind: "invalid_arguments", message: "prompt: give the child its whole task" },
        };
      }
      return await delegate(
        { description: description.trim() || prompt.trim().slice(0, 40), prompt, write },
        ctx.signal,
        ctx.callId ?? "",
      );
    },
  };
}
