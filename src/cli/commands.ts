/**
 * Every command by name, each loaded only when it is needed: `pixir --version` and `pixir run`
 * do not pay (in start-up time and memory) for the chat, the login flows or the doctor. Each
 * command's module is named by a constant rather than a literal: Deno builds the module graph of
 * every literal `import()` when the importing module loads, so literals here would make every
 * command read and resolve the whole program's sources (`BUILD.lazyModules` names them for the
 * compiler).
 */

import type { Command } from "./command.ts";

/** A command's name and how to load its module. */
export interface CommandEntry {
  name: string;
  /** Left out of `pixir help` and completion: a command for Pixir's own scripts. */
  hidden?: boolean;
  load(): Promise<Command>;
}

const CHAT = "./chat.ts";
const RUN = "./run.ts";
const RESUME = "./resume.ts";
const SESSIONS = "./sessions.ts";
const EXPORT = "./export.ts";
const UNDO = "./undo.ts";
const REVIEW = "./review.ts";
const COMPACT = "./compact.ts";
const USAGE = "./usage.ts";
const MODELS = "./models.ts";
const LOGIN = "./login.ts";
const LOGOUT = "./logout.ts";
const STATUS = "./status.ts";
const AUTH = "./auth.ts";
const PERMISSIONS = "./permissions.ts";
const CONFIG = "./config.ts";
const MCP = "./mcp.ts";
const SKILLS = "./skills.ts";
const TRUST = "./trust.ts";
const DOCTOR = "./doctor.ts";
const ACP = "./acp.ts";
const HELP = "./help.ts";
const COMPLETION = "./completion.ts";
const SESSION_IDS = "./session_ids.ts";

/** Every command, in the order `pixir help` lists them. */
export const COMMAND_ENTRIES: readonly CommandEntry[] = [
  { name: "chat", load: async () => (await import(CHAT)).chatCommand },
  { name: "run", load: async () => (await import(RUN)).runCommand },
  { name: "resume", load: async () => (await import(RESUME)).resumeCommand },
  { name: "sessions", load: async () => (await import(SESSIONS)).sessionsCommand },
  { name: "export", load: async () => (await import(EXPORT)).exportCommand },
  { name: "undo", load: async () => (await import(UNDO)).undoCommand },
  { name: "review", load: async () => (await import(REVIEW)).reviewCommand },
  { name: "compact", load: async () => (await import(COMPACT)).compactCommand },
  { name: "usage", load: async () => (await import(USAGE)).usageCommand },
  { name: "models", load: async () => (await import(MODELS)).modelsCommand },
  { name: "login", load: async () => (await import(LOGIN)).loginCommand },
  { name: "logout", load: async () => (await import(LOGOUT)).logoutCommand },
  { name: "status", load: async () => (await import(STATUS)).statusCommand },
  { name: "auth", load: async () => (await import(AUTH)).authCommand },
  { name: "permissions", load: async () => (await import(PERMISSIONS)).permissionsCommand },
  { name: "config", load: async () => (await import(CONFIG)).configCommand },
  { name: "mcp", load: async () => (await import(MCP)).mcpCommand },
  { name: "skills", load: async () => (await import(SKILLS)).skillsCommand },
  { name: "trust", load: async () => (await import(TRUST)).trustCommand },
  { name: "doctor", load: async () => (await import(DOCTOR)).doctorCommand },
  { name: "acp", load: async () => (await import(ACP)).acpCommand },
  { name: "help", load: async () => (await import(HELP)).helpCommand },
  { name: "completion", load: async () => (await import(COMPLETION)).completionCommand },
  {
    name: "__session-ids",
    hidden: true,
    load: async () => (await import(SESSION_IDS)).sessionIdsCommand,
  },
];

/** The command called `name`, loaded; undefined when there is none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return await COMMAND_ENTRIES.find((entry) => entry.name === name)?.load();
}
