/** Finding the session a person names, with every lookup failure as a Failure. */

import { Failure } from "./failure.ts";
import { openSession, type Session } from "../agent/session.ts";
import { latestSessionFor } from "../agent/session_list.ts";
import { resolveSessionId, sessionPath } from "../agent/session_dir.ts";
import {
  AmbiguousSessionError,
  CorruptSessionError,
  SessionInUseError,
  UnknownSessionError,
} from "../agent/session_error.ts";
import type { ReasoningEffort } from "../provider/request.ts";

/** Which session: by id (or unique prefix), or the newest one of a workspace. */
export type SessionQuery = { id: string } | { last: string };

/**
 * Opens the session the user named, for writing unless `readOnly`, reading it whole unless
 * `fromLastCompaction`; unknown or ambiguous ids, and a session another Pixir process is writing
 * to, are exit 2.
 */
export async function openNamedSession(
  sessionsDir: string,
  query: SessionQuery,
  now: () => number,
  readOnly = false,
  fromLastCompaction = false,
): Promise<Session> {
  const id = "last" in query ? (await findNamedSession(sessionsDir, query)).id : query.id;
  try {
    return await openSession(sessionsDir, id, { now, readOnly, fromLastCompaction });
  } catch (error) {
    throw lookupFailure(error);
  }
}

/**
 * The id and log of the session `query` names, without opening it; failures as with
 * `openNamedSession`.
 */
export async function findNamedSession(
  sessionsDir: string,
  query: SessionQuery,
): Promise<{ id: string; path: string }> {
  if (!("last" in query)) return await namedSessionLog(sessionsDir, query.id);
  const latest = await latestSessionFor(sessionsDir, query.last);
  if (!latest) {
    throw new Failure("unknown_session", `no session found for workspace ${query.last}`, {
      hint: 'start one with: pixir run "…"',
    });
  }
  return { id: latest.id, path: sessionPath(sessionsDir, latest.id) };
}

/**
 * The log of the session `query` names (an id or unique prefix), for reading it as it is on disk;
 * unknown or ambiguous ids are Failures, as with `openNamedSession`.
 */
export async function namedSessionLog(
  sessionsDir: string,
  query: string,
): Promise<{ id: string; path: string }> {
  try {
    const id = await resolveSessionId(sessionsDir, query);
    return { id, path: sessionPath(sessionsDir, id) };
  } catch (error) {
    throw lookupFailure(error);
  }
}

/**
 * A session lookup's error as the Failure a person reads (unknown, ambiguous, damaged or busy
 * session); any other error unchanged.
 */
export function lookupFailure(error: unknown): unknown {
  if (error instanceof UnknownSessionError) {
    return new Failure("unknown_session", error.message, {
      hint: "see `pixir sessions --all` for the ids",
    });
  }
  if (error instanceof AmbiguousSessionError) {
    return new Failure("unknown_session", error.message, {
      details: { candidates: [...error.candidates] },
    });
  }
  if (error instanceof CorruptSessionError) {
    return new Failure("io", error.message, {
      details: { path: error.path, line: error.line },
      hint: "a line before the last is damaged: fix that line by hand (keep a copy first), " +
        "or remove the session with `pixir sessions rm`",
    });
  }
  if (error instanceof SessionInUseError) {
    return new Failure("usage", error.message, {
      hint: "wait for that run or chat to end, or start a new session",
    });
  }
  return error;
}

/** The model, effort and provider (when recorded) the session last ran with. */
export function sessionModel(
  session: Pick<Session, "events" | "started">,
): { model: string; effort: ReasoningEffort; provider?: string } {
  for (let i = session.events.length - 1; i >= 0; i--) {
    const event = session.events[i];
    if (event.type === "turn_started") {
      const { model, effort, provider } = event.data;
      return { model, effort, ...(provider === undefined ? {} : { provider }) };
    }
  }
  const { model, effort, provider } = session.started;
  return { model, effort, ...(provider === undefined ? {} : { provider }) };
}
