/**
 * What the chat drives while it opens: the chat's host before its runtime is open, which the chat
 * paints without.
 */

import type { ChatHost } from "../ui/chat/chat_host.ts";

/** What the chat's host knows before its runtime is open. */
export type HostAtOnce = Pick<ChatHost, "workspaceLabel" | "initial" | "whole" | "mcp">;

/**
 * The chat's host while `runtime` opens: what the chat paints with is known at once (`now`);
 * everything else waits for the runtime's host. `ready` rejects when the runtime cannot be
 * opened.
 */
export function deferredHost(runtime: Promise<ChatHost>, now: HostAtOnce): ChatHost {
  let skills: ChatHost["skills"] = [];
  const ready = runtime.then((host) => void (skills = host.skills));
  // Its failure ends the chat (see chat.ts); the chat only waits for it.
  ready.catch(() => {});
  // A runtime that cannot be opened ends the chat: what waits for it then waits for nothing.
  const later = () => runtime.catch(() => new Promise<never>(() => {}));
  return {
    ...now,
    get skills() {
      return skills;
    },
    ready,
    runTurn: async (...args) => await (await later()).runTurn(...args),
    newSession: () => void later().then((host) => host.newSession()),
    resume: async (id) => await (await later()).resume(id),
    sessions: async () => await (await later()).sessions(),
    sessionIds: async () => await (await later()).sessionIds(),
    undo: async () => await (await later()).undo(),
    compact: async (focus) => await (await later()).compact(focus),
    status: async () => await (await later()).status(),
    quota: async () => await (await later()).quota(),
    readFile: async (path) => await (await later()).readFile(path),
    readImage: async (path) => await (await later()).readImage(path),
    listFolder: async (dir) => await (await later()).listFolder(dir),
  };
}
