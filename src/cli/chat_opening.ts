/**
 * What the chat shows and drives while it opens: a session as the chat shows it (opened whole, or
 * a long one's last turns read first), and the chat's host before its runtime is open, which the
 * chat paints without.
 */

import type { Session } from "../agent/session.ts";
import type { LogState } from "../agent/session_read.ts";
import { sessionModel } from "../app/session_lookup.ts";
import type { ChatHost, ModelChoice, OpenedSession } from "../ui/chat/chat_host.ts";

/**
 * A session as the chat opens it: its events and the model and effort it last ran with. A session
 * read from its last compaction says where the turns before it can be read.
 */
export function opened(session: Session): OpenedSession {
  const choice: ModelChoice = sessionModel(session);
  const earlier = readFromCompaction(session)
    ? [`the turns before the compaction are not shown; \`pixir export ${session.id}\` prints them`]
    : [];
  return {
    id: session.id,
    events: session.events,
    warnings: [...session.warnings, ...earlier],
    ...choice,
  };
}

/** Whether events the last compaction replaced were left out when the session was read. */
function readFromCompaction(session: Session): boolean {
  const compaction = session.events.findLast((e) => e.type === "compaction");
  if (compaction?.type !== "compaction") return false;
  const read = new Set(session.events.map((e) => e.seq));
  for (let seq = 1; seq <= compaction.data.replaces_through_seq; seq++) {
    if (!read.has(seq)) return true;
  }
  return false;
}

/** The last turns of a long session, read to show at once; the rest is read after. */
export interface SessionPreview {
  id: string;
  state: LogState;
}

/** A preview as the chat shows it (the whole session's warnings come with it). */
export function previewed({ id, state }: SessionPreview): OpenedSession {
  return { id, events: state.events, warnings: [], ...sessionModel(state) };
}

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
