/**
 * Short, one-line descriptions of a tool call and its result, shared by every renderer. Everything
 * they return is safe for a terminal: the call's arguments and output are the model's or a tool's.
 */

import { terminalLine } from "./terminal_text.ts";

/**
 * A tool's name as people read it: an MCP tool `mcp__<server>__<tool>` as `mcp <server>/<tool>`,
 * any other tool as it is.
 */
export function toolLabel(name: string): string {
  const match = /^mcp__(.+?)__(.+)$/.exec(name);
  return match ? `mcp ${match[1]}/${match[2]}` : name;
}

/** The argument worth showing for a tool call: its command, path, pattern or task description. */
export function keyArgument(argumentsJson: string, max = 100): string {
  const args = parseArguments(argumentsJson);
  for (const key of ["command", "path", "pattern", "description"]) {
    const value = args[key];
    if (typeof value === "string") return clip(oneLine(value), max);
  }
  return "";
}

/** The call's arguments as an object; empty when they are not a JSON object. */
export function parseArguments(argumentsJson: string): Record<string, unknown> {
  try {
    const args: unknown = JSON.parse(argumentsJson);
    if (typeof args === "object" && args !== null && !Array.isArray(args)) {
      return args as Record<string, unknown>;
    }
  } catch {
    // Unparseable arguments are reported by the tool itself.
  }
  return {};
}

/** The first non-blank line of a tool's output, with the count of lines when there are more. */
export function preview(output: string, max = 100): string {
  const lines = output.split("\n").filter((l) => l.trim() !== "");
  if (lines.length === 0) return "(no output)";
  const first = clip(terminalLine(lines[0].replace(/\t/g, "  ")), max);
  return lines.length === 1 ? first : `${first} … (${lines.length} lines)`;
}

/** The text with every run of whitespace made one space, and its other controls made visible. */
export function oneLine(text: string): string {
  return terminalLine(text.replace(/\s+/g, " ").trim());
}

/** At most `max` characters, the last one an ellipsis when the text was cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

/** `1 more line`, `3 more lines`: a count with its noun, plural when it is not one. */
export function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * A progress update in words: `2/5 (40%) – message`, or the bare count when the total is unknown.
 * Safe for a terminal: the message is the server's.
 */
export function progressText(
  update: { progress: number; total?: number; message?: string },
): string {
  const { progress, total, message } = update;
  const count = total !== undefined && total > 0
    ? `${progress}/${total} (${Math.round(Math.min(1, progress / total) * 100)}%)`
    : String(progress);
  return message === undefined || message.trim() === "" ? count : `${count} – ${oneLine(message)}`;
}
