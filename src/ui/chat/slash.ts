/**
 * The chat's slash commands (their table, and reading a submitted line as one of them) and its
 * keys, as `/help` and `pixir chat --help` list them.
 */

/** The name of a slash command, without its slash. */
export type SlashName =
  | "help"
  | "model"
  | "effort"
  | "new"
  | "resume"
  | "sessions"
  | "status"
  | "mcp"
  | "undo"
  | "compact"
  | "clear"
  | "quit";

/** A slash command as the editor lists it. */
export interface SlashSpec {
  name: SlashName;
  description: string;
  /** What the argument is, for commands that take one. */
  argument?: { hint: string; required: boolean };
}

/** Every slash command, in the order `/help` lists them. */
export const SLASH_COMMANDS: readonly SlashSpec[] = [
  { name: "help", description: "show commands and keys" },
  {
    name: "model",
    description: "show or change the model",
    argument: { hint: "<model>", required: false },
  },
  {
    name: "effort",
    description: "show or change the reasoning effort",
    argument: { hint: "<effort>", required: false },
  },
  { name: "new", description: "start a new session" },
  {
    name: "resume",
    description: "continue another session of this workspace (others: pixir chat --resume ID)",
    argument: { hint: "<session-id>", required: true },
  },
  { name: "sessions", description: "list the sessions of this workspace" },
  { name: "status", description: "account, plan and quota" },
  { name: "mcp", description: "the MCP servers: state, tools, why one failed" },
  {
    name: "undo",
    description: "restore the files the last turn changed (write and edit; not shell commands)",
  },
  {
    name: "compact",
    description: "summarise the conversation so far to free context",
    argument: { hint: "[focus]", required: false },
  },
  { name: "clear", description: "clear the screen (the session goes on)" },
  { name: "quit", description: "leave pixir" },
];

/** What a submitted line is. */
export type SlashInput =
  /** Not a command: a message for the model. */
  | { kind: "message"; text: string }
  /** A known command with its argument (trimmed, empty when none was given). */
  | { kind: "command"; name: SlashName; argument: string }
  /** A slash word that names no command. */
  | { kind: "unknown"; name: string }
  /** A known command that is missing its argument, or got one it does not take. */
  | { kind: "invalid"; name: SlashName; problem: string };

/**
 * Reads a submitted line. A message that starts with `/` and a space, or a path like
 * `/etc/hosts is missing`, is not mistaken for a command: only `/word` at the very start counts.
 */
export function parseSlash(text: string): SlashInput {
  const match = /^\/([a-z][a-z-]*)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return { kind: "message", text };
  const [, word, rest = ""] = match;
  const spec = SLASH_COMMANDS.find((command) => command.name === word);
  if (!spec) return { kind: "unknown", name: word };
  const argument = rest.trim();
  if (argument === "" && spec.argument?.required) {
    return { kind: "invalid", name: spec.name, problem: `/${word} needs ${spec.argument.hint}` };
  }
  if (argument !== "" && !spec.argument) {
    return { kind: "invalid", name: spec.name, problem: `/${word} takes no argument` };
  }
  return { kind: "command", name: spec.name, argument };
}

/** True when `text` is a command that can run as typed (so Enter runs it, not a completion). */
export function isCompleteCommand(text: string): boolean {
  return parseSlash(text).kind === "command";
}

/** The chat's keys, one line per group. */
export const CHAT_KEYS: readonly string[] = [
  "Enter send · Shift+Enter or Alt+Enter newline · Up/Down history · Tab complete · @path attach",
  "Esc or Ctrl+C interrupt the answer · Ctrl+C twice or Ctrl+D quit",
  "asked about a command: y once · a always · n no (then a reason, Enter) · Esc no and stop",
];
