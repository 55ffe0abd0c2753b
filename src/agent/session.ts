/**
 * A session: an append-only NDJSON log of canonical events at `<sessionsDir>/<id>.ndjson`, one
 * envelope `{id, session_id, seq, ts, type, data}` per line. The log is the truth; history, resume
 * and listings are all read from it.
 *
 * - `seq` starts at 0 (the `session_started` event) and grows by one per event; a canonical
 *   envelope's `id` is `<session_id>:<seq>`. Ephemeral envelopes are never written; their id is
 *   `<session_id>:<last seq>.<n>`, unique within the session.
 * - The log is created with its first line already in it (written to a temp file, then linked into
 *   place), so no empty log is ever seen. Each later line is written with one write to a file
 *   opened in append mode, so a crash leaves at most one torn line at the end.
 * - The log is forward-readable: a well-formed event of a type this version does not know (written
 *   by a newer Pixir) keeps its place and seq in the file and is skipped, with a note. `flush()` makes the log durable (fdatasync); the turn calls it before
 *   running tools and when a turn ends.
 * - The file is created with mode 0600 inside a folder created with mode 0700.
 */

import { join } from "node:path";
import type { ReasoningEffort } from "../provider/request.ts";
import {
  type CanonicalEvent,
  type Envelope,
  type EphemeralEvent,
  EVENT_FORMAT_VERSION,
} from "./event.ts";
import { readLogFromLastCompaction, readWholeLog } from "./session_read.ts";
import { linkNewFile, removeStaleTemps } from "../util/atomic_write.ts";
import { resolveSessionId, sessionPath, snapshotsDirOf } from "./session_dir.ts";
import { SessionInUseError } from "./session_error.ts";
import { newSessionId } from "./session_id.ts";
import {
  foldEvent,
  savedSummary,
  saveSummary,
  type SessionSummaryRecord,
  stamped,
  startedSummary,
} from "./session_summary.ts";

/** What a session records when it starts. */
export type SessionStarted = Extract<CanonicalEvent, { type: "session_started" }>["data"];

/** Everything needed to start a new session. */
export interface CreateSessionOptions {
  sessionsDir: string;
  /** The workspace the session works in. */
  cwd: string;
  model: string;
  effort: ReasoningEffort;
  /** The model provider, when known. */
  provider?: string;
  /** Pixir's version, recorded for bug reports. */
  version: string;
  /** The clock, epoch milliseconds. */
  now: () => number;
  /** Random numbers in [0, 1), for the session id. */
  random: () => number;
}

/** Effects an opened session needs. */
export interface OpenSessionOptions {
  /** The clock, epoch milliseconds, for the `ts` of new events. */
  now: () => number;
  /**
   * Only read it (`pixir export`): no lease is taken, so it opens while another process writes,
   * and appending fails.
   */
  readOnly?: boolean;
  /**
   * Read only what a new turn needs (`pixir resume`): the events from the last compaction's kept
   * tail on, plus the start, the task's first prompt, the latest replaced prompt and the latest
   * turn's start. Without it, every event is read (export, undo, the chat's transcript).
   */
  fromLastCompaction?: boolean;
}

const CREATE_ATTEMPTS = 5;
const encoder = new TextEncoder();

/** One session's log, opened for reading and appending. Made by `createSession`/`openSession`. */
export interface Session {
  /** The session id. */
  readonly id: string;
  /** The log file. */
  readonly path: string;
  /** The facts recorded when the session started (workspace, model, effort, version). */
  readonly started: SessionStarted;
  /**
   * The canonical events of the session this version knows, in `seq` order: all of them, or
   * (opened `fromLastCompaction`) those a new turn needs.
   */
  readonly events: readonly Envelope<CanonicalEvent>[];
  /** How many user messages (turns) the session holds, including any not in `events`. */
  readonly turns: number;
  /** Problems found while opening that were recovered from (a skipped half-written last line). */
  readonly warnings: readonly string[];
  /** Appends one canonical event as the next line; appends run one at a time, in call order. */
  append(event: CanonicalEvent): Promise<Envelope<CanonicalEvent>>;
  /** Wraps an ephemeral event in its envelope (`seq: null`) without writing it anywhere. */
  stamp(event: EphemeralEvent): Envelope<EphemeralEvent>;
  /** Waits for pending appends, then forces the written lines to disk (fdatasync). */
  flush(): Promise<void>;
  /**
   * Lets another process write to the session: ends this process's exclusive hold on the log,
   * taken when the session was created or opened for writing. Exiting releases it too.
   */
  release(): void;
}

/** The log file behind a `Session`, with what is known about its end. */
class SessionLog implements Session {
  readonly id: string;
  readonly path: string;
  readonly started: SessionStarted;
  readonly warnings: readonly string[];
  readonly #now: () => number;
  readonly #events: Envelope<CanonicalEvent>[];
  /** The seq of the next event: one past the last line, known or not. */
  #nextSeq: number;
  #turns: number;
  /** Bytes of the file that hold valid lines. */
  #validLength: number;
  /** A torn line (or a failed write) follows the valid bytes: cut the file back before writing. */
  #torn: boolean;
  /** The last valid line lacks its newline: write one before the next line. */
  #missingNewline: boolean;
  #unsynced = false;
  #queue: Promise<unknown> = Promise.resolve();
  #ephemeral = { afterSeq: -1, count: 0 };
  /** The last timestamp written, and the clock reading it is of. */
  #stampedAt = Number.NaN;
  #stampText = "";
  #lease: Deno.FsFile | null;
  /** The summary kept beside the log, folded as lines are appended; null when there is none. */
  #summary: SessionSummaryRecord | null;
  #summaryUnsaved = false;

  constructor(state: {
    id: string;
    path: string;
    started: SessionStarted;
    now: () => number;
    events: Envelope<CanonicalEvent>[];
    nextSeq: number;
    turns: number;
    validLength: number;
    torn: boolean;
    missingNewline: boolean;
    warnings: string[];
    /** The open, exclusively locked log: the writer's lease (none for a read-only view). */
    lease: Deno.FsFile | null;
    /** The summary that covers exactly the valid lines, when the writer keeps one. */
    summary: SessionSummaryRecord | null;
  }) {
    this.id = state.id;
    this.path = state.path;
    this.started = state.started;
    this.#now = state.now;
    this.#events = state.events;
    this.#nextSeq = state.nextSeq;
    this.#turns = state.turns;
    this.#validLength = state.validLength;
    this.#torn = state.torn;
    this.#missingNewline = state.missingNewline;
    this.warnings = state.warnings;
    this.#lease = state.lease;
    this.#summary = state.summary;
  }

  release(): void {
    this.#lease?.close();
    this.#lease = null;
  }

  get events(): readonly Envelope<CanonicalEvent>[] {
    return this.#events;
  }

  get turns(): number {
    return this.#turns;
  }

  append(event: CanonicalEvent): Promise<Envelope<CanonicalEvent>> {
    const written = this.#queue.then(() => this.#write(event));
    this.#queue = written.catch(() => undefined);
    return written;
  }

  stamp(event: EphemeralEvent): Envelope<EphemeralEvent> {
    const afterSeq = this.#nextSeq - 1;
    if (this.#ephemeral.afterSeq !== afterSeq) this.#ephemeral = { afterSeq, count: 0 };
    this.#ephemeral.count += 1;
    return {
      id: `${this.id}:${afterSeq}.${this.#ephemeral.count}`,
      session_id: this.id,
      seq: null,
      ts: this.#timestamp(),
      ...event,
    };
  }

  async flush(): Promise<void> {
    await this.#queue;
    if (this.#unsynced) {
      using file = await Deno.open(this.path, { append: true });
      await file.syncData();
      this.#unsynced = false;
    }
    // After the log is durable, so the summary never covers lines a power cut could lose.
    if (this.#summary && this.#summaryUnsaved && !this.#torn && this.#lease) {
      this.#summaryUnsaved = false;
      await saveSummary(this.path, await stamped(this.#lease, this.#summary));
    }
  }

  async #write(event: CanonicalEvent): Promise<Envelope<CanonicalEvent>> {
    if (this.#lease === null) {
      throw new Error(`session ${this.id} was opened read-only or released; it cannot be written`);
    }
    const seq = this.#nextSeq;
    const envelope: Envelope<CanonicalEvent> = {
      id: `${this.id}:${seq}`,
      session_id: this.id,
      seq,
      ts: this.#timestamp(),
      ...event,
    };
    const prefix = this.#missingNewline ? "\n" : "";
    const bytes = encoder.encode(`${prefix}${JSON.stringify(envelope)}\n`);
    if (this.#torn) await Deno.truncate(this.path, this.#validLength);
    try {
      using file = await Deno.open(this.path, { append: true });
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
    } catch (error) {
      // Part of the line may be on disk (a full disk takes what fits): cut it off now, which frees
      // the space too, or else before the next append, rather than glue the next line to it.
      this.#torn = !(await Deno.truncate(this.path, this.#validLength).then(() =>
        true, () => false));
      throw error;
    }
    this.#validLength += bytes.length;
    this.#torn = false;
    this.#missingNewline = false;
    this.#unsynced = true;
    this.#events.push(envelope);
    this.#nextSeq += 1;
    if (this.#summary) {
      foldEvent(this.#summary, envelope, this.#validLength);
      this.#summaryUnsaved = true;
    }
    if (envelope.type === "user_message") this.#turns += 1;
    return envelope;
  }

  #timestamp(): string {
    // A streamed answer stamps thousands of deltas, many within the same millisecond.
    const now = this.#now();
    if (now !== this.#stampedAt) {
      this.#stampedAt = now;
      this.#stampText = new Date(now).toISOString();
    }
    return this.#stampText;
  }
}

/**
 * Starts a new session: creates its log (0600, in a 0700 folder) holding `session_started` from
 * the first moment, so a crash never leaves an empty log behind.
 */
export async function createSession(options: CreateSessionOptions): Promise<Session> {
  await Deno.mkdir(options.sessionsDir, { recursive: true, mode: 0o700 });
  const started: SessionStarted = {
    format: EVENT_FORMAT_VERSION,
    cwd: options.cwd,
    model: options.model,
    effort: options.effort,
    pixir_version: options.version,
    ...(options.provider === undefined ? {} : { provider: options.provider }),
  };
  const { id, path, envelope, bytes } = await createLogFile(options, started);
  const lease = await takeLease(path, id);
  const summary = await stamped(lease, startedSummary(envelope, bytes));
  await saveSummary(path, summary);
  return new SessionLog({
    id,
    path,
    started,
    now: options.now,
    events: [envelope],
    nextSeq: 1,
    turns: 0,
    validLength: bytes,
    torn: false,
    missingNewline: false,
    warnings: [],
    lease,
    summary,
  });
}

/**
 * Claims a fresh id by linking a complete, synced first line into place: a link never replaces an
 * existing file, so a clash (same second, same random) retries, and the log never exists without
 * its first line. The temp file is named as `writeFileAtomic`'s are, so a crash's leftover is
 * swept the same way.
 */
async function createLogFile(
  options: CreateSessionOptions,
  started: SessionStarted,
): Promise<{ id: string; path: string; envelope: Envelope<CanonicalEvent>; bytes: number }> {
  for (let attempt = 1;; attempt++) {
    const id = newSessionId(options.now(), options.random);
    const path = sessionPath(options.sessionsDir, id);
    const envelope: Envelope<CanonicalEvent> = {
      id: `${id}:0`,
      session_id: id,
      seq: 0,
      ts: new Date(options.now()).toISOString(),
      type: "session_started",
      data: started,
    };
    const line = encoder.encode(`${JSON.stringify(envelope)}\n`);
    try {
      await linkNewFile(path, line, 0o600);
      return { id, path, envelope, bytes: line.length };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists) || attempt >= CREATE_ATTEMPTS) throw error;
    }
  }
}

/**
 * Opens an existing session by id or unique prefix and reads its log (whole, or from the last
 * compaction). A broken last line (a write cut short by a crash) is skipped and reported in
 * `warnings`, and cut off before the next append; a broken line anywhere else is a
 * `CorruptSessionError` naming the file and line. Events of types this version does not know are
 * skipped with a warning. Unknown, malformed and ambiguous ids throw the errors of
 * `resolveSessionId`.
 */
export async function openSession(
  sessionsDir: string,
  query: string,
  options: OpenSessionOptions,
): Promise<Session> {
  const id = await resolveSessionId(sessionsDir, query);
  const path = sessionPath(sessionsDir, id);
  // The lease comes before the read, so no other writer can move the log on after it is read.
  const lease = options.readOnly ? null : await takeLease(path, id);
  try {
    const state = options.fromLastCompaction
      ? await readLogFromLastCompaction(id, path)
      : await readWholeLog(id, path);
    // A writer killed while keeping a file's content for undo left a temp in its turn's folder.
    if (lease) await removeStaleTemps(join(snapshotsDirOf(path), String(state.turns)));
    // The writer keeps the summary only when one covers exactly the lines just read.
    const saved = lease ? await savedSummary(id, path) : null;
    const fits = saved?.record.logBytes === state.validLength &&
      saved.record.nextSeq === state.nextSeq;
    if (fits && saved.stale) await saveSummary(path, saved.record);
    return new SessionLog({
      id,
      path,
      now: options.now,
      ...state,
      torn: state.torn !== null,
      lease,
      summary: fits ? saved.record : null,
    });
  } catch (error) {
    lease?.close();
    throw error;
  }
}

/**
 * Takes the exclusive lock on a session's log that only one writer at a time may hold (an flock
 * on an open handle: released when the handle closes or the process ends). Throws
 * SessionInUseError when another process holds it.
 */
export async function takeLease(path: string, id: string): Promise<Deno.FsFile> {
  const file = await Deno.open(path, { read: true });
  let locked = false;
  try {
    locked = await file.tryLock(true);
  } finally {
    if (!locked) file.close();
  }
  if (!locked) throw new SessionInUseError(id);
  return file;
}
