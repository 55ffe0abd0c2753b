/**
 * The chat's host: the current session (created on the first prompt), turns built from the shared
 * turn wiring, session listing and switching, undo, the account status, and workspace files for
 * `@path`.
 */

import { join } from "node:path";
import type { Io } from "../util/io.ts";
import { openSessionForCli, sessionModel } from "./session_lookup.ts";
import { describeStatus, statusReport } from "./status.ts";
import { describeUndo, undoTurn } from "./undo.ts";
import { authHint, catalogFor, modelCaller, sandboxProbe, turnWiring } from "./turn_wiring.ts";
import { compactSession } from "../agent/compaction.ts";
import { createSession, type Session } from "../agent/session.ts";
import { listSessions, type SessionSummary } from "../agent/session_list.ts";
import { runTurn, type TurnOutcome } from "../agent/turn.ts";
import type { ContextFile } from "../agent/project_context.ts";
import type { RunPolicy } from "./run_policy.ts";
import { baseInstructions, environmentContext } from "../agent/prompt.ts";
import type { RunCredentials } from "./inputs.ts";
import type { PixirPaths } from "../config/paths.ts";
import { loadQuota } from "../quota/store.ts";
import type { Settings } from "../config/settings.ts";
import { modelCatalogPath } from "../provider/model_catalog.ts";
import { displayPath, resolveInWorkspace } from "../tools/workspace.ts";
import { counted } from "../ui/tool_summary.ts";
import type { ChatHost, ModelChoice, OpenedSession } from "../ui/chat/chat_host.ts";
import type { FolderEntry } from "../ui/chat/completion.ts";
import { VERSION } from "../version.ts";

/** What the host is built from. */
export interface ChatHostInputs {
  io: Io;
  settings: Settings;
  credentials: RunCredentials;
  paths: PixirPaths;
  /** Real path of the workspace. */
  workspace: string;
  quotaFile: string;
  /** Where the quota warnings already given are kept. */
  quotaAlertsFile: string;
  /** What the tools may do. */
  policy: RunPolicy;
  /** The `AGENTS.md` files sent with the instructions. */
  projectContext: readonly ContextFile[];
  /** The session to start in, or null for a new one. */
  session: Session | null;
}

/** Most sessions `/sessions` lists and `/resume` offers. */
const LISTED_SESSIONS = 20;

/** The chat host over the real session store, agent, account and workspace. */
export function chatHost(x: ChatHostInputs): ChatHost {
  let session = x.session;
  const sandbox = sandboxProbe(x.io, x.workspace);
  const workspaceSessions = async (): Promise<SessionSummary[]> =>
    (await listSessions(x.paths.sessionsDir)).sessions
      .filter((s) => s.cwd === x.workspace)
      .slice(0, LISTED_SESSIONS);

  return {
    workspaceLabel: homeRelative(x.workspace, x.io.env("HOME")),
    initial: session === null ? null : opened(session),
    async runTurn(prompt, choice, sink, signal) {
      session ??= await createSession({
        sessionsDir: x.paths.sessionsDir,
        cwd: x.workspace,
        model: choice.model,
        effort: choice.effort,
        provider: x.credentials.modelProvider.id,
        version: VERSION,
        now: x.io.now,
        random: x.io.random,
      });
      const current = session;
      // The TUI owns the terminal, so a command that needs approval is asked about inside it.
      const { wiring, close } = await turnWiring({
        ...x,
        model: choice.model,
        sandbox,
        session: current,
        modelCatalogFile: modelCatalogPath(x.paths.dataDir),
        emit: sink.emit,
        warn: sink.warn,
        notice: sink.warn,
        ask: sink.ask,
      });
      let outcome: TurnOutcome;
      try {
        outcome = await runTurn({
          ...wiring,
          session: current,
          prompt,
          model: choice.model,
          effort: choice.effort,
          provider: x.credentials.modelProvider.id,
          instructions: baseInstructions({ projectContext: x.projectContext }),
          environment: environmentContext({ cwd: x.workspace, now: x.io.now(), platform: x.io.os }),
          signal,
          emit: sink.emit,
        });
      } finally {
        close();
      }
      // The log records the failure; how to fix a rejected credential is known here.
      if (outcome.status === "failed" && outcome.error.kind === "auth") {
        sink.warn(authHint(x.credentials));
      }
      return outcome;
    },
    newSession() {
      session?.release();
      session = null;
    },
    async resume(id) {
      // The chat already holds this session's lease; opening it again would be refused.
      if (session && session.id.startsWith(id)) return opened(session);
      const next = await openSessionForCli(x.paths.sessionsDir, { id }, x.io.now);
      // A session runs in its own workspace (as with `pixir resume`); this chat's tools, policy and
      // AGENTS.md belong to another, so a session from elsewhere is opened in a chat of its own.
      if (next.started.cwd !== x.workspace) {
        next.release();
        throw new Error(
          `session ${next.id} works in ${next.started.cwd}, not in this chat's workspace; ` +
            `continue it there with: pixir chat --resume ${next.id}`,
        );
      }
      session?.release();
      session = next;
      return opened(next);
    },
    async sessions() {
      const list = await workspaceSessions();
      if (list.length === 0) return "no sessions in this workspace yet";
      return list.map((s) =>
        `${s.id}  ${s.updated.slice(0, 16).replace("T", " ")}  ${
          counted(s.turns, "turn")
        }  ${s.title}`
      ).join("\n");
    },
    async sessionIds() {
      return (await workspaceSessions()).map((s) => ({
        value: s.id,
        label: s.id,
        description: s.title,
      }));
    },
    async undo() {
      if (session === null) throw new Error("nothing to undo: this chat has no session yet");
      const data = await undoTurn(session, { dryRun: false, force: false });
      return describeUndo(data, false, (path) => displayPath(x.workspace, path), session.id);
    },
    async compact(focus) {
      if (session === null) throw new Error("nothing to compact yet: the session has not started");
      const warnings: string[] = [];
      const callModel = await modelCaller({ ...x, warn: (message) => void warnings.push(message) });
      const { model, effort } = sessionModel(session);
      const outcome = await compactSession({
        session,
        model,
        effort,
        provider: x.credentials.modelProvider.id,
        callModel,
        reason: "manual",
        ...(focus === "" ? {} : { focus }),
        catalog: await catalogFor({
          credentials: x.credentials,
          modelCatalogFile: modelCatalogPath(x.paths.dataDir),
        }, model),
        emit: () => {},
        // The chat has no key that stops a compaction; the model call still has its timeouts.
        signal: new AbortController().signal,
      });
      if (!outcome.ok) throw new Error(outcome.error.message);
      return [...warnings.map((w) => `warning: ${w}`), outcome.compaction.summary].join("\n");
    },
    async status() {
      return describeStatus(await statusReport(x.io), x.io.now()).trimEnd();
    },
    async quota() {
      return (await loadQuota(x.quotaFile)).snapshot;
    },
    readFile: (path) => readWorkspaceFile(x.workspace, path),
    listFolder: (dir) => listWorkspaceFolder(x.workspace, dir),
  };
}

/** A session as the chat opens it: its events and the model and effort it last ran with. */
function opened(session: Session): OpenedSession {
  const choice: ModelChoice = sessionModel(session);
  return { id: session.id, events: session.events, warnings: session.warnings, ...choice };
}

/** The file's text when `path` is a readable file inside the workspace, else null. */
export async function readWorkspaceFile(workspace: string, path: string): Promise<string | null> {
  const resolved = await resolveInWorkspace(workspace, path);
  if (!resolved.ok) return null;
  try {
    const info = await Deno.stat(resolved.path);
    return info.isFile ? await Deno.readTextFile(resolved.path) : null;
  } catch {
    return null;
  }
}

/** The entries of a folder inside the workspace (symlinks to folders count as folders), else null. */
export async function listWorkspaceFolder(
  workspace: string,
  dir: string,
): Promise<FolderEntry[] | null> {
  const resolved = await resolveInWorkspace(workspace, dir === "" ? "." : dir);
  if (!resolved.ok) return null;
  try {
    const entries: FolderEntry[] = [];
    for await (const entry of Deno.readDir(resolved.path)) {
      const isDirectory = entry.isDirectory ||
        (entry.isSymlink && await isDirectoryPath(join(resolved.path, entry.name)));
      entries.push({ name: entry.name, isDirectory });
    }
    return entries;
  } catch {
    return null;
  }
}

async function isDirectoryPath(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** `~/code/app` for a path below the home folder; other paths unchanged. */
export function homeRelative(path: string, home: string | undefined): string {
  if (!home || home === "/") return path;
  if (path === home) return "~";
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
