/**
 * The chat's host: the chat's view of the session host (the current session, created on the first
 * prompt; turns; compaction; undo), session listing and switching, the account status, and
 * workspace files for `@path`.
 */

import { imageRefusal, storeImages } from "./image_flags.ts";
import { ImageError, looksLikeImage, readImage } from "../agent/images.ts";
import type { ReadWorkspaceImage } from "../ui/chat/mentions.ts";
import { isAbsolute, join } from "node:path";
import type { Io } from "../util/io.ts";
import { openSessionHost, type SessionHost } from "../app/session_host.ts";
import { openNamedSession, sessionModel } from "../app/session_lookup.ts";
import { authHint, mcpEnvironment, type RunCredentials } from "../app/turn_wiring.ts";
import { providerRefusal } from "../config/provider_capabilities.ts";
import type { Session } from "../agent/session.ts";
import { modelCatalogPath } from "../provider/model_catalog.ts";
import { listSessions, type SessionSummary } from "../agent/session_list.ts";
import type { TurnOutcome } from "../agent/turn.ts";
import type { PixirPaths } from "../config/paths.ts";
import { displayPath, resolveInWorkspace } from "../tools/workspace.ts";
import { counted } from "../ui/tool_summary.ts";
import { describeStatus } from "../ui/status_report.ts";
import { describeUndo } from "../ui/undo_report.ts";
import type { ChatHost, OpenedSession } from "../ui/chat/chat_host.ts";
import type { FolderEntry } from "../ui/chat/completion.ts";
import { launchMcpServers, type McpServers } from "../mcp/mcp_servers.ts";
import type { Settings } from "../config/settings.ts";
import type { PolicyPatch } from "../policy/policy.ts";
import { chatReporters, type ChatSink, homeRelative, type McpChatFeed } from "./chat_reporters.ts";
import { opened } from "./chat_resumed.ts";

/** What a chat's runtime is opened with. */
export interface ChatRuntimeInputs {
  io: Io;
  paths: PixirPaths;
  settings: Settings;
  credentials: RunCredentials;
  workspace: string;
  withContext: boolean;
  patch: PolicyPatch;
  /** Where the MCP servers' states and the warnings of the opening go. */
  feed: McpChatFeed;
  /** The session the chat starts in, opened whole; or `opening` for a long one. */
  session?: Session;
  opening?: ChatHostInputs["opening"];
}

/** A chat's runtime: the host the chat drives, and how to shut its MCP servers down. */
export interface ChatRuntime {
  host: ChatHost;
  mcp: McpServers;
}

/**
 * Opens the runtime of a chat: launches the MCP servers (the footer and /mcp show them starting,
 * a failure is a warning in the transcript, and the first turn waits for those still starting),
 * opens the session host (the workspace's policy, AGENTS.md files, skills and hooks; their
 * warnings go to the chat), adopts the starting session, and makes the chat's host over them.
 */
export async function openChatRuntime(x: ChatRuntimeInputs): Promise<ChatRuntime> {
  const { io, workspace, feed } = x;
  const mcp = launchMcpServers(x.settings.mcpServers, mcpEnvironment(io, workspace), feed.warn);
  feed.attach(mcp);
  const sink: ChatSink = { current: null };
  const sessionHost = await openSessionHost({
    io,
    paths: x.paths,
    settings: x.settings,
    credentials: x.credentials,
    workspace,
    withContext: x.withContext,
    patch: x.patch,
    ...chatReporters(sink, feed),
    mcp,
  }).catch(async (error) => {
    await mcp.close();
    throw error;
  });
  if (x.session) sessionHost.adopt(x.session);
  const host = chatHost({
    io,
    paths: x.paths,
    credentials: x.credentials,
    host: sessionHost,
    sink,
    mcp: feed,
    opening: x.opening,
  });
  return { host, mcp };
}

/** What the chat's host is built from. */
export interface ChatHostInputs {
  io: Io;
  paths: PixirPaths;
  credentials: RunCredentials;
  /** The runtime; its events go to `sink.current` (see `chatSink`). */
  host: SessionHost;
  sink: ChatSink;
  /** The MCP servers, starting while the chat opens. */
  mcp: McpChatFeed;
  /**
   * A long session the chat starts in, shown from its last turns (`preview`) before `open` opens
   * it whole; the host adopts it once open. Without it, the chat starts in the host's session, if
   * any.
   */
  opening?: { preview: OpenedSession; open(): Promise<Session> };
}

/** Most sessions `/sessions` lists and `/resume` offers. */
const LISTED_SESSIONS = 20;

/** The chat host over the session host, the session store, the account and the workspace. */
export function chatHost(x: ChatHostInputs): ChatHost {
  const { host, io } = x;
  const workspaceSessions = async (): Promise<SessionSummary[]> =>
    (await listSessions(x.paths.sessionsDir)).sessions
      .filter((s) => s.cwd === host.workspace)
      .slice(0, LISTED_SESSIONS);

  const { opening } = x;
  const whole = opening
    ? async () => {
      const session = await opening.open();
      host.adopt(session);
      return opened(session);
    }
    : null;
  return {
    workspaceLabel: homeRelative(host.workspace, io.env("HOME")),
    skills: host.skills,
    initial: x.opening?.preview ?? (host.session === null ? null : opened(host.session)),
    whole,
    ready: Promise.resolve(),
    async runTurn(prompt, images, choice, sink, signal) {
      const byProvider = providerRefusal(x.credentials.modelProvider, {
        images: images.length > 0,
      });
      if (byProvider) throw new Error(`${byProvider.message}; ${byProvider.hint}`);
      const refusal = images.length === 0
        ? null
        : await imageRefusal(choice.model, modelCatalogPath(x.paths.dataDir));
      if (refusal) throw new Error(`${refusal}; choose another with /model`);
      // Images are kept in the session's data, so the session starts before they are stored.
      const imageRefs = images.length === 0
        ? []
        : await storeImages((host.session ?? await host.start(choice)).path, images);
      x.sink.current = sink;
      let outcome: TurnOutcome;
      try {
        // The TUI owns the terminal, so a command that needs approval is asked about inside it.
        outcome = await host.turn({ prompt, ...choice, ask: sink.ask, signal, images: imageRefs });
      } finally {
        x.sink.current = null;
      }
      // The log records the failure; how to fix a rejected credential is known here.
      if (outcome.status === "failed" && outcome.error.kind === "auth") {
        sink.warn(authHint(x.credentials));
      }
      return outcome;
    },
    newSession() {
      host.close();
    },
    async resume(id) {
      // The chat already holds this session's lease; opening it again would be refused.
      const current = host.session;
      if (current && current.id.startsWith(id)) return opened(current);
      // From its last compaction: what the next turn needs and the chat shows (`/undo` reads
      // further back itself when it must).
      const next = await openNamedSession(x.paths.sessionsDir, { id }, io.now, false, true);
      // A session runs in its own workspace (as with `pixir resume`); this chat's tools, policy and
      // AGENTS.md belong to another, so a session from elsewhere is opened in a chat of its own.
      if (next.started.cwd !== host.workspace) {
        next.release();
        throw new Error(
          `session ${next.id} works in ${next.started.cwd}, not in this chat's workspace; ` +
            `continue it there with: pixir chat --resume ${next.id}`,
        );
      }
      host.adopt(next);
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
      const session = host.session;
      if (session === null) throw new Error("nothing to undo: this chat has no session yet");
      const data = await host.undo({ dryRun: false, force: false });
      return describeUndo(data, false, (path) => displayPath(host.workspace, path), session.id);
    },
    async compact(focus) {
      const session = host.session;
      if (session === null) throw new Error("nothing to compact yet: the session has not started");
      const warnings: string[] = [];
      // Only the summary is shown: the compaction's own events stay out of the transcript.
      x.sink.current = { emit: () => {}, warn: (message) => void warnings.push(message) };
      let outcome;
      try {
        // The chat has no key that stops a compaction; the model call still has its timeouts.
        outcome = await host.compact(sessionModel(session), focus, new AbortController().signal);
      } finally {
        x.sink.current = null;
      }
      if (!outcome.ok) throw new Error(outcome.error.message);
      return [...warnings.map((w) => `warning: ${w}`), outcome.compaction.summary].join("\n");
    },
    async status() {
      return describeStatus(await host.status(), io.now()).trimEnd();
    },
    quota: () => host.quota(),
    mcp: x.mcp,
    readFile: (path) => readWorkspaceFile(host.workspace, path),
    readImage: (path) => readWorkspaceImage(host.workspace, path, io.env("HOME")),
    listFolder: (dir) => listWorkspaceFolder(host.workspace, dir),
  };
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

/**
 * The image at `path`, or why it cannot be attached; null when the path names no image (a text
 * file, nothing, or a relative path leading out of the workspace). A full path (`/…`, `~/…`, as a
 * screenshot dragged onto the terminal is pasted) may name an image anywhere: only the person's
 * own message names it, and only a file whose bytes are an image's is read.
 */
export async function readWorkspaceImage(
  workspace: string,
  path: string,
  home?: string,
): ReturnType<ReadWorkspaceImage> {
  const full = path.startsWith("~/") && home ? join(home, path.slice(2)) : path;
  let target: string;
  if (isAbsolute(full)) target = full;
  else {
    const resolved = await resolveInWorkspace(workspace, full);
    if (!resolved.ok) return null;
    target = resolved.path;
  }
  if (!await looksLikeImage(target)) return null;
  try {
    return { ok: true, image: await readImage(target) };
  } catch (error) {
    if (error instanceof ImageError) return { ok: false, reason: error.message };
    throw error;
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
