/**
 * Every command by name, each loaded only when it is needed: `pixir --version` and `pixir run`
 * do not pay (in start-up time and memory) for the chat, the login flows or the doctor.
 */

import type { Command } from "./command.ts";
import type * as ChatModule from "./chat.ts";
import type * as RunModule from "./run.ts";
import type * as ResumeModule from "./resume.ts";
import type * as SessionsModule from "./sessions.ts";
import type * as ExportModule from "./export.ts";
import type * as UndoModule from "./undo.ts";
import type * as ReviewModule from "./review.ts";
import type * as CompactModule from "./compact.ts";
import type * as UsageModule from "./usage.ts";
import type * as ModelsModule from "./models.ts";
import type * as LoginModule from "./login.ts";
import type * as LogoutModule from "./logout.ts";
import type * as StatusModule from "./status.ts";
import type * as AuthModule from "./auth.ts";
import type * as PermissionsModule from "./permissions.ts";
import type * as ConfigModule from "./config.ts";
import type * as McpModule from "./mcp.ts";
import type * as SkillsModule from "./skills.ts";
import type * as TrustModule from "./trust.ts";
import type * as DoctorModule from "./doctor.ts";
import type * as AcpModule from "./acp.ts";
import type * as HelpModule from "./help.ts";
import type * as CompletionModule from "./completion.ts";
import type * as SessionIdsModule from "./session_ids.ts";

/**
 * Each command's module, named by a constant rather than a literal: Deno reads the module graph of
 * every literal `import()` when this list is loaded, which would make starting any command read
 * all of them (see main.ts). The build includes them by name (`BUILD.lazyModules`).
 */
const CHAT_MODULE = "./chat.ts";
const RUN_MODULE = "./run.ts";
const RESUME_MODULE = "./resume.ts";
const SESSIONS_MODULE = "./sessions.ts";
const EXPORT_MODULE = "./export.ts";
const UNDO_MODULE = "./undo.ts";
const REVIEW_MODULE = "./review.ts";
const COMPACT_MODULE = "./compact.ts";
const USAGE_MODULE = "./usage.ts";
const MODELS_MODULE = "./models.ts";
const LOGIN_MODULE = "./login.ts";
const LOGOUT_MODULE = "./logout.ts";
const STATUS_MODULE = "./status.ts";
const AUTH_MODULE = "./auth.ts";
const PERMISSIONS_MODULE = "./permissions.ts";
const CONFIG_MODULE = "./config.ts";
const MCP_MODULE = "./mcp.ts";
const SKILLS_MODULE = "./skills.ts";
const TRUST_MODULE = "./trust.ts";
const DOCTOR_MODULE = "./doctor.ts";
const ACP_MODULE = "./acp.ts";
const HELP_MODULE = "./help.ts";
const COMPLETION_MODULE = "./completion.ts";
const SESSION_IDS_MODULE = "./session_ids.ts";

/** A command's name and how to load its module. */
export interface CommandEntry {
  name: string;
  /** Left out of `pixir help` and completion: a command for Pixir's own scripts. */
  hidden?: boolean;
  load(): Promise<Command>;
}

/** Every command, in the order `pixir help` lists them. */
export const COMMAND_ENTRIES: readonly CommandEntry[] = [
  {
    name: "chat",
    load: async () => ((await import(CHAT_MODULE)) as typeof ChatModule).chatCommand,
  },
  { name: "run", load: async () => ((await import(RUN_MODULE)) as typeof RunModule).runCommand },
  {
    name: "resume",
    load: async () => ((await import(RESUME_MODULE)) as typeof ResumeModule).resumeCommand,
  },
  {
    name: "sessions",
    load: async () => ((await import(SESSIONS_MODULE)) as typeof SessionsModule).sessionsCommand,
  },
  {
    name: "export",
    load: async () => ((await import(EXPORT_MODULE)) as typeof ExportModule).exportCommand,
  },
  {
    name: "undo",
    load: async () => ((await import(UNDO_MODULE)) as typeof UndoModule).undoCommand,
  },
  {
    name: "review",
    load: async () => ((await import(REVIEW_MODULE)) as typeof ReviewModule).reviewCommand,
  },
  {
    name: "compact",
    load: async () => ((await import(COMPACT_MODULE)) as typeof CompactModule).compactCommand,
  },
  {
    name: "usage",
    load: async () => ((await import(USAGE_MODULE)) as typeof UsageModule).usageCommand,
  },
  {
    name: "models",
    load: async () => ((await import(MODELS_MODULE)) as typeof ModelsModule).modelsCommand,
  },
  {
    name: "login",
    load: async () => ((await import(LOGIN_MODULE)) as typeof LoginModule).loginCommand,
  },
  {
    name: "logout",
    load: async () => ((await import(LOGOUT_MODULE)) as typeof LogoutModule).logoutCommand,
  },
  {
    name: "status",
    load: async () => ((await import(STATUS_MODULE)) as typeof StatusModule).statusCommand,
  },
  {
    name: "auth",
    load: async () => ((await import(AUTH_MODULE)) as typeof AuthModule).authCommand,
  },
  {
    name: "permissions",
    load: async () =>
      ((await import(PERMISSIONS_MODULE)) as typeof PermissionsModule).permissionsCommand,
  },
  {
    name: "config",
    load: async () => ((await import(CONFIG_MODULE)) as typeof ConfigModule).configCommand,
  },
  { name: "mcp", load: async () => ((await import(MCP_MODULE)) as typeof McpModule).mcpCommand },
  {
    name: "skills",
    load: async () => ((await import(SKILLS_MODULE)) as typeof SkillsModule).skillsCommand,
  },
  {
    name: "trust",
    load: async () => ((await import(TRUST_MODULE)) as typeof TrustModule).trustCommand,
  },
  {
    name: "doctor",
    load: async () => ((await import(DOCTOR_MODULE)) as typeof DoctorModule).doctorCommand,
  },
  { name: "acp", load: async () => ((await import(ACP_MODULE)) as typeof AcpModule).acpCommand },
  {
    name: "help",
    load: async () => ((await import(HELP_MODULE)) as typeof HelpModule).helpCommand,
  },
  {
    name: "completion",
    load: async () =>
      ((await import(COMPLETION_MODULE)) as typeof CompletionModule).completionCommand,
  },
  {
    name: "__session-ids",
    hidden: true,
    load: async () =>
      ((await import(SESSION_IDS_MODULE)) as typeof SessionIdsModule).sessionIdsCommand,
  },
];

/** The command called `name`, loaded; undefined when there is none. */
export async function loadCommand(name: string): Promise<Command | undefined> {
  return await COMMAND_ENTRIES.find((entry) => entry.name === name)?.load();
}
