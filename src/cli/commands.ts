/**
 * Every command by name, each loaded only when it is needed: `pixir --version` and `pixir run`
 * do not pay (in start-up time and memory) for the chat, the login flows or the doctor.
 */

import type { Command } from "./command.ts";

/** A command's name and how to load its module. */
export interface CommandEntry {
  name: string;
  /** Left out of `pixir help` and completion: a command for Pixir's own scripts. */
  hidden?: boolean;
  load(): Promise<Command>;
}

/** Every command, in the order `pixir help` lists them. */
export const COMMAND_ENTRIES: readonly CommandEntry[] = [
  { name: "chat", load: async () => (await import("./chat.ts")).chatCommand },
  { name: "run", load: async () => (await import("./run.ts")).runCommand },
  { name: "resume", load: async () => (await import("./resume.ts")).resumeCommand },
  { name: "sessions", load: async () => (await import("./sessions.ts")).sessionsCommand },
  { name: "export", load: async () => (await import("./export.ts")).exportCommand },
  { name: "undo", load: async () => (await import("./undo.ts")).undoCommand },
  { name: "review", load: async () => (await import("./review.ts")).reviewCommand },
  { name: "compact", load: async () => (await import("./compact.ts")).compactCommand },
  { name: "usage", load: async () => (await import("./usage.ts")).usageCommand },
  { name: "models", load: async () => (await import("./models.ts")).modelsCommand },
  { name: "login", load: async () => (await import("./login.ts")).loginCommand },
  { name: "logout", load: async () => (await import("./logout.ts")).logoutCommand },
  { name: "status", load: async () => (await import("./status.ts")).statusCommand },
  { name: "auth", load: async () => (await import("./auth.ts")).authCommand },
  {
    name: "permissions",
    load: async () => (await import("./permissions.ts")).permissionsCommand,
  },
  { name: "config", load: async () => (await import("./config.ts")).configCommand },
  { name: "mcp", load: async () => (await import("./mcp.ts")).mcpCommand },
  { name: "trust", load: async () => (await import("./trust.ts")).trustCommand },
  { name: "doctor", load: async () => (await import("./doctor.ts")).doctorCommand },
  { name: "acp", load: async () => (await import("./acp.ts")).acpCommand },
  { name: "help", load: async () => (await import("./help.ts")).helpCommand },
  {
    name: "completion",
    load: async () => (await import("./completion.ts")).completionCommand,
  },
  {
    name: "__session-ids",
    hidden: true,
    load: async () => (await import("./session_ids.ts")).sessionIdsCommand,
  },
];

/** The command called `name`, loaded; undefined when there is none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return await COMMAND_ENTRIES.find((entry) => entry.name === name)?.load();
}
