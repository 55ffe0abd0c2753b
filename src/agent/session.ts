/**
 * A session: an append-only NDJSON log of canonical events at `<sessionsDir>/<id>.ndjson`, one
 * envelope `{id, session_id, seq, ts, type, data}` per line. The log is the truth; history, resume
 * and listings are all read from it.
 *
 * - `seq` starts at 0 (the `session_started` event) and grows by one per event; a canonical
 *   envelope's `id` is `<session_id>:<seq>`. Ephemeral envelopes are never written; their id is
 *   `<session_id>:<last seq>.<n>`, unique within the session.
 * - Each line is written with one write to a file opened in append mode, so a crash leaves at most
 *   one torn line at the end. `flush()` makes the log durable (fdatasync); the turn calls it before
 *   running tools and when a turn ends.
 * - The file is created with mode 0600 inside a folder created with mode 0700.
 */

import type { ReasoningEffort } from "../provider/request.ts";
import {
  type CanonicalEvent,
  type Envelope,
  type EphemeralEvent,
  EVENT_FORMAT_VERSION,
} from "./event.ts";
import { type ParsedLine, parseLogLine } from "./log_line.ts";
import { readLinesForward } from "./log_lines.ts";
import { resolveSessionId, sessionPath } from "./session_dir.ts";
import { CorruptSessionError, SessionInUseError } from "./session_error.ts";
import { newSessionId } from "./session_id.ts";

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
  /** Every canonical event of the session, in `seq` order. */
  readonly events: readonly Envelope<CanonicalEvent>[];
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
  /** Bytes of the file that hold valid lines. */
  #validLength: number;
  /** A torn line (or a failed write) follows the valid bytes: cut the file back before writing. */
  #torn: boolean;
  /** The last valid line lacks its newline: write one before the next line. */
  #missingNewline: boolean;
  #unsynced = false;
  #queue: Promise<unknown> = Promise.resolve();
  #ephemeral = { afterSeq: -1, count: 0 };
  #lease: Deno.FsFile | null;

  constructor(state: {
    id: string;
    path: string;
    started: SessionStarted;
    now: () => number;
    events: Envelope<CanonicalEvent>[];
    validLength: number;
    torn: boolean;
    missingNewline: boolean;
    warnings: string[];
    /** The open, exclusively locked log: the writer's lease (none for a read-only view). */
    lease: Deno.FsFile | null;
  }) {
    this.id = state.id;
    this.path = state.path;
    this.started = state.started;
    this.#now = state.now;
    this.#events = state.events;
    this.#validLength = state.validLength;
    this.#torn = state.torn;
    this.#missingNewline = state.missingNewline;
    this.warnings = state.warnings;
    this.#lease = state.lease;
  }

  release(): void {
    this.#lease?.close();
    this.#lease = null;
  }

  get events(): readonly Envelope<CanonicalEvent>[] {
    return this.#events;
  }

  append(event: CanonicalEvent): Promise<Envelope<CanonicalEvent>> {
    const written = this.#queue.then(() => this.#write(event));
    this.#queue = written.catch(() => undefined);
    return written;
  }

  stamp(event: EphemeralEvent): Envelope<EphemeralEvent> {
    const afterSeq = this.#events.length - 1;
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
    if (!this.#unsynced) return;
    using file = await Deno.open(this.path, { append: true });
    await file.syncData();
    this.#unsynced = false;
  }

  async #write(event: CanonicalEvent): Promise<Envelope<CanonicalEvent>> {
    if (this.#lease === null) {
      throw new Error(`session ${this.id} was opened read-only or released; it cannot be written`);
    }
    const seq = this.#events.length;
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
      // Part of the line may be on disk; cut it off before the next append rather than glue to it.
      this.#torn = true;
      throw error;
    }
    this.#validLength += bytes.length;
    this.#torn = false;
    this.#missingNewline = false;
    this.#unsynced = true;
    this.#events.push(envelope);
    return envelope;
  }

  #timestamp(): string {
    return new Date(this.#now()).toISOString();
  }
}

/** Starts a new session: creates its log (0600, in a 0700 folder) and records `session_started`. */
export async function createSession(options: CreateSessionOptions): Promise<Session> {
  await Deno.mkdir(options.sessionsDir, { recursive: true, mode: 0o700 });
  const { id, path } = await createLogFile(options);
  const lease = await takeLease(path, id);
  const started: SessionStarted = {
    format: EVENT_FORMAT_VERSION,
    cwd: options.cwd,
    model: options.model,
    effort: options.effort,
    pixir_version: options.version,
    ...(options.provider === undefined ? {} : { provider: options.provider }),
  };
  const session = new SessionLog({
    id,
    path,
    started,
    now: options.now,
    events: [],
    validLength: 0,
    torn: false,
    missingNewline: false,
    warnings: [],
    lease,
  });
  await session.append({ type: "session_started", data: started });
  await session.flush();
  return session;
}

/** Claims a fresh id by creating its file exclusively; a clash (same second, same random) retries. */
async function createLogFile(
  options: CreateSessionOptions,
): Promise<{ id: string; path: string }> {
  for (let attempt = 1;; attempt++) {
    const id = newSessionId(options.now(), options.random);
    const path = sessionPath(options.sessionsDir, id);
    try {
      const file = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
      file.close();
      return { id, path };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists) || attempt >= CREATE_ATTEMPTS) throw error;
    }
  }
}

/**
 * Opens an existing session by id or unique prefix and reads its whole log. A broken last line (a
 * write cut short by a crash) is skipped and reported in `warnings`, and cut off before the next
 * append; a broken line anywhere else is a `CorruptSessionError` naming the file and line.
 * Unknown, malformed and ambiguous ids throw the errors of `resolveSessionId`.
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
    return await readSession(id, path, options.now, lease);
  } catch (error) {
    lease?.close();
    throw error;
  }
}

/** Reads a session's log into a Session holding `lease`. */
async function readSession(
  id: string,
  path: string,
  now: () => number,
  lease: Deno.FsFile | null,
): Promise<Session> {
  const events: Envelope<CanonicalEvent>[] = [];
  let validLength = 0;
  let missingNewline = false;
  let broken: { line: number; reason: string } | null = null;
  let lineNumber = 0;
  for await (const line of readLinesForward(path)) {
    lineNumber += 1;
    if (broken) throw new CorruptSessionError(path, broken.line, broken.reason);
    const parsed = parseLineOf(line.text, id, events.length);
    if (!parsed.ok) {
      broken = { line: lineNumber, reason: parsed.reason };
      continue;
    }
    events.push(parsed.envelope);
    validLength = line.end;
    missingNewline = !line.terminated;
  }
  // parseLineOf admits only session_started as the first event; an empty result is the problem here.
  const first = events[0];
  if (first?.type !== "session_started") {
    throw new CorruptSessionError(path, 1, broken?.reason ?? "the log is empty");
  }
  const warnings: string[] = [];
  if (broken) {
    warnings.push(`${path}:${broken.line}: skipped a half-written last line (${broken.reason})`);
  }
  return new SessionLog({
    id,
    path,
    started: first.data,
    now,
    events,
    validLength,
    torn: broken !== null,
    missingNewline,
    warnings,
    lease,
  });
}

/**
 * Takes the exclusive lock on a session's log that only one writer at a time may hold (an flock
 * on an open handle: released when the handle closes or the process ends). Throws
 * SessionInUseError when another process holds it.
 */
async function takeLease(path: string, id: string): Promise<Deno.FsFile> {
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

/** Parses the line holding event `seq` of session `id`, checking that it belongs exactly there. */
function parseLineOf(text: string | null, id: string, seq: number): ParsedLine {
  if (text === null) return { ok: false, reason: "not valid UTF-8" };
  const parsed = parseLogLine(text);
  if (!parsed.ok) return parsed;
  const { envelope } = parsed;
  if (envelope.session_id !== id) {
    return { ok: false, reason: `event of another session (${envelope.session_id})` };
  }
  if (envelope.seq !== seq) {
    return { ok: false, reason: `seq ${envelope.seq} where ${seq} was expected` };
  }
  if ((seq === 0) !== (envelope.type === "session_started")) {
    return {
      ok: false,
      reason: seq === 0
        ? "the log does not begin with session_started"
        : "a second session_started",
    };
  }
  return parsed;
}
