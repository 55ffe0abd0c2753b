/**
 * Where the chat's runtime reports to, made before the runtime exists: MCP servers' states and
 * problems, warnings (the project context, skills and hooks being read), and each turn's events.
 * They are light, so the chat paints before the runtime's modules are loaded.
 */

import type { SessionHostOptions } from "../app/session_host.ts";
import type { TurnSink } from "../ui/chat/chat_host.ts";
import type { McpFeed } from "../ui/chat/mcp_status.ts";
// Types only: the MCP modules load with the chat's runtime, after its first frame.
import type { McpServers, McpServerState } from "../mcp/mcp_servers.ts";
import type { McpServerConfig } from "../config/mcp_servers.ts";

/**
 * The chat's view of MCP servers that start in the background: made before they are launched (its
 * `warn` is what they, and the runtime while it opens, report through) and attached once they
 * are. Warnings that come before the chat listens are kept and passed on when it does.
 */
export class McpChatFeed implements McpFeed {
  /** The servers once launched; before, `#starting` says each is starting. */
  #servers: McpServers | undefined;
  readonly #starting: readonly McpServerState[];
  #pending: string[] = [];
  #listener: Parameters<McpFeed["subscribe"]>[0] | undefined;

  /** The servers of `configs`, each starting until they are launched and attached. */
  constructor(configs: readonly McpServerConfig[]) {
    this.#starting = configs.map(({ name, transport }) => ({ name, transport, state: "starting" }));
  }

  /** Follows `servers`' changes from now on. */
  attach(servers: McpServers): void {
    this.#servers = servers;
    servers.onChange(() => this.#listener?.changed());
    this.#listener?.changed();
  }

  /** Reports a problem of a server to the chat, or keeps it until the chat listens. */
  readonly warn = (message: string): void => {
    if (this.#listener) this.#listener.warning(message);
    else this.#pending.push(message);
  };

  states(): readonly McpServerState[] {
    return this.#servers?.states ?? this.#starting;
  }

  subscribe(listener: Parameters<McpFeed["subscribe"]>[0]): void {
    this.#listener = listener;
    for (const message of this.#pending.splice(0)) listener.warning(message);
    listener.changed();
  }
}

/** Where the runtime's events and warnings go: the turn (or compaction) running, if any. */
export interface ChatSink {
  current: Pick<TurnSink, "emit" | "warn"> | null;
}

/**
 * The reporters a chat's SessionHost is opened with: into the current sink, and otherwise (the
 * project context, skills and hooks being read while the chat opens) as warnings in the chat.
 */
export function chatReporters(
  sink: ChatSink,
  feed: McpChatFeed,
): Pick<SessionHostOptions, "emit" | "warn" | "notice"> {
  const warn = (message: string) => {
    if (sink.current) sink.current.warn(message);
    else feed.warn(message);
  };
  return {
    emit: async (envelope) => {
      await sink.current?.emit(envelope);
    },
    warn,
    notice: warn,
  };
}

/** `~/code/app` for a path below the home folder; other paths unchanged. */
export function homeRelative(path: string, home: string | undefined): string {
  if (!home || home === "/") return path;
  if (path === home) return "~";
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
