/**
 * Reading a hooks file. The shape is Claude Code's `hooks` settings, so a section people already
 * wrote can be pasted as it is:
 *
 *   {"hooks": {"PreToolUse": [{"matcher": "bash|edit",
 *                              "hooks": [{"type": "command", "command": "./check.sh", "timeout": 10}]}]}}
 *
 * A matcher is a regular expression matched against the whole tool name, ignoring case (so
 * `Bash` and `Edit|Write` match Pixir's `bash`, `edit` and `write`); empty or `*` matches every
 * tool. Anything wrong in the file is a warning naming the file and the entry, and that entry is
 * left out; the rest still runs.
 */

import { HOOK_EVENTS, type HookEventName, type HookSource } from "./hook.ts";

/** The time limit of a hook that sets none, in seconds (as the format's `timeout`). */
export const DEFAULT_HOOK_TIMEOUT_SECS = 60;

/** The longest time limit a hook may set, in seconds. */
export const MAX_HOOK_TIMEOUT_SECS = 600;

/** One command to run at one event. */
export interface CommandHook {
  event: HookEventName;
  command: string;
  /** Matched against the tool name (PreToolUse, PostToolUse) or the start's source (SessionStart). */
  matcher: RegExp | null;
  timeoutMs: number;
  source: HookSource;
  /** The file it came from. */
  file: string;
}

/** The hooks of a file, and what was wrong in it. */
export interface HookFile {
  hooks: CommandHook[];
  warnings: string[];
}

/** Reads the hooks of `text`, the content of `file` of `source`. */
export function parseHooks(text: string, file: string, source: HookSource): HookFile {
  const hooks: CommandHook[] = [];
  const warnings: string[] = [];
  const warn = (where: string, problem: string) => warnings.push(`${file}: ${where}: ${problem}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    warnings.push(`${file}: not valid JSON (${(error as Error).message}); its hooks are not run`);
    return { hooks, warnings };
  }
  const table = isRecord(value) ? value.hooks : undefined;
  if (!isRecord(table)) {
    warnings.push(`${file}: expected {"hooks": {EVENT: [...]}}; its hooks are not run`);
    return { hooks, warnings };
  }
  for (const [name, groups] of Object.entries(table)) {
    const event = HOOK_EVENTS.find((known) => known === name);
    if (event === undefined) {
      warn(`hooks.${name}`, `not an event Pixir runs hooks at (${HOOK_EVENTS.join(", ")})`);
      continue;
    }
    if (!Array.isArray(groups)) {
      warn(`hooks.${name}`, "expected a list of {matcher, hooks}");
      continue;
    }
    groups.forEach((group, g) => {
      const where = `hooks.${name}[${g}]`;
      if (!isRecord(group) || !Array.isArray(group.hooks)) {
        return warn(where, "expected {matcher, hooks: [...]}");
      }
      const matcher = matcherOf(group.matcher);
      if (matcher === "invalid") {
        return warn(`${where}.matcher`, "not a string holding a valid regular expression");
      }
      group.hooks.forEach((hook, h) => {
        const at = `${where}.hooks[${h}]`;
        if (!isRecord(hook) || hook.type !== "command") {
          return warn(at, 'only {"type": "command", "command": ...} hooks are run');
        }
        if (typeof hook.command !== "string" || hook.command.trim() === "") {
          return warn(`${at}.command`, "expected a command line");
        }
        const timeout = hook.timeout ?? DEFAULT_HOOK_TIMEOUT_SECS;
        if (typeof timeout !== "number" || !(timeout > 0) || timeout > MAX_HOOK_TIMEOUT_SECS) {
          return warn(
            `${at}.timeout`,
            `expected seconds, more than 0, at most ${MAX_HOOK_TIMEOUT_SECS}`,
          );
        }
        hooks.push({
          event,
          command: hook.command,
          matcher,
          timeoutMs: Math.round(timeout * 1000),
          source,
          file,
        });
      });
    });
  }
  return { hooks, warnings };
}

/** A group's matcher: null matches everything. */
function matcherOf(value: unknown): RegExp | null | "invalid" {
  if (value === undefined || value === null || value === "" || value === "*") return null;
  if (typeof value !== "string") return "invalid";
  try {
    return new RegExp(`^(?:${value})$`, "i");
  } catch {
    return "invalid";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
