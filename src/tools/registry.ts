/** The tool set: which tools exist, how the model sees them, and how one call is dispatched. */

import type { ToolSpec } from "../provider/request.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { type BashOptions, createBashTool } from "./bash.ts";
import { fail } from "./failure.ts";
import { FILE_TOOLS } from "./file_tools.ts";
import { type FileToolWorker, inWorker } from "./file_worker.ts";

/** What the default tools need from their environment. */
export interface ToolSetOptions {
  bash?: BashOptions;
  /** When given, the file tools run in this permission-scoped Worker instead of in-process. */
  fileWorker?: FileToolWorker;
}

/** Pixir's seven tools: read, write, edit, bash, ls, find, grep. */
export function defaultTools(options: ToolSetOptions = {}): Tool[] {
  const files = options.fileWorker ? inWorker(FILE_TOOLS, options.fileWorker) : FILE_TOOLS;
  const [read, write, edit, ls, find, grep] = files;
  return [read, write, edit, createBashTool(options.bash), ls, find, grep];
}

/** The tools as the model request declares them. */
export function toolSpecs(tools: readonly Tool[]): ToolSpec[] {
  return tools.map(({ name, description, parameters }) => ({ name, description, parameters }));
}

/**
 * Runs the call of tool `name` with the model's JSON `argumentsJson`. Never throws: an unknown
 * tool, arguments that are not a JSON object, and any exception a tool lets slip are failures.
 */
export async function runToolCall(
  tools: readonly Tool[],
  name: string,
  argumentsJson: string,
  ctx: ToolContext,
): Promise<ToolResult> {
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) {
    return fail("unknown_tool", `There is no tool named ${JSON.stringify(name)}.`, {
      available: tools.map((candidate) => candidate.name),
    });
  }
  let args: unknown;
  try {
    // Models send "" for a call without arguments.
    args = argumentsJson.trim() === "" ? {} : JSON.parse(argumentsJson);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail("invalid_arguments", `The arguments are not valid JSON: ${reason}`);
  }
  try {
    return await tool.run(args, ctx);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail("io", `The ${name} tool failed unexpectedly: ${reason}`);
  }
}

/** The text the model receives as the call's output: the output itself, or the failure as JSON. */
export function outputForModel(result: ToolResult): string {
  return result.ok ? result.output : JSON.stringify({ ok: false, error: result.error });
}
