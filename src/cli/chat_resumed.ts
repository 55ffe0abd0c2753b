/**
 * The session a chat starts in when `--continue` or `--resume` names one: found, read from its
 * last compaction (a long one only previewed, its last turns first), and shown as the chat shows a
 * session. A new chat never loads this module (nor the session modules it imports) before its
 * first frame; `chat.ts` loads it by a constant name only when a session is named.
 */

import type { Session } from "../agent/session.ts";
import { type LogState, readLogPreview } from "../agent/session_read.ts";
import {
  findNamedSession,
  openNamedSession,
  sessionModel,
  type SessionQuery,
} from "../app/session_lookup.ts";
import type { PixirPaths } from "../config/paths.ts";
import type { ModelChoice, OpenedSession } from "../ui/chat/chat_host.ts";
import type { Io } from "../util/io.ts";

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

/** Turns of a long session shown before the rest is read: more than a screen holds. */
const PREVIEW_TURNS = 12;

/** The session a chat starts in, as far as it is read before the chat paints. */
export interface ResumedChat {
  /** Its workspace and start, and the model and effort it last ran with. */
  started: LogState | Session;
  model: ReturnType<typeof sessionModel>;
  /** What the chat shows at once. */
  initial: OpenedSession;
  /** The session opened whole (a short one); else `opening` opens it behind its preview. */
  session?: Session;
  opening?: { preview: OpenedSession; open(): Promise<Session> };
}

/**
 * The session `--continue` or `--resume` names (`query`), read from its last compaction, as
 * `pixir resume` reads it (what the next turn needs, and what the chat shows). A long one is only
 * previewed: its last turns, so the chat shows them before reading the rest; `onOpenFailure` hears
 * when reading the rest fails.
 */
export async function resumedChat(
  paths: PixirPaths,
  query: SessionQuery,
  io: Io,
  onOpenFailure: (error: unknown) => void,
): Promise<ResumedChat> {
  const { id, path } = await findNamedSession(paths.sessionsDir, query);
  const preview = await readLogPreview(id, path, PREVIEW_TURNS).catch(() => null);
  if (preview !== null && !preview.whole) {
    const { state } = preview;
    const shown: OpenedSession = { id, events: state.events, warnings: [], ...sessionModel(state) };
    return {
      started: state,
      model: sessionModel(state),
      initial: shown,
      opening: {
        preview: shown,
        open: () => {
          const whole = openNamedSession(paths.sessionsDir, { id }, io.now, false, true);
          whole.catch(onOpenFailure);
          return whole;
        },
      },
    };
  }
  // A short log (or an unusual one, whose problem the whole reading reports) is opened now.
  const session = await openNamedSession(paths.sessionsDir, { id }, io.now, false, true);
  return { started: session, model: sessionModel(session), initial: opened(session), session };
}
