/**
 * The ways finding or reading a session can fail. The CLI maps unknown and ambiguous ids to a usage
 * error (exit 2) and a corrupt log to a runtime error naming the file and line.
 */

/** No session matches the id or prefix given, or the text cannot be a session id at all. */
export class UnknownSessionError extends Error {
  /** The id or prefix the user gave. */
  readonly query: string;
  constructor(query: string, why: "not_found" | "invalid_id") {
    super(
      why === "invalid_id"
        ? `not a session id: ${JSON.stringify(query)}`
        : `no session matches ${JSON.stringify(query)}`,
    );
    this.name = "UnknownSessionError";
    this.query = query;
  }
}

/** A prefix matches more than one session. */
export class AmbiguousSessionError extends Error {
  /** The prefix the user gave. */
  readonly query: string;
  /** Every session id it matches, sorted. */
  readonly candidates: readonly string[];
  constructor(query: string, candidates: readonly string[]) {
    super(
      `${JSON.stringify(query)} matches ${candidates.length} sessions: ${candidates.join(", ")}`,
    );
    this.name = "AmbiguousSessionError";
    this.query = query;
    this.candidates = candidates;
  }
}

/** A session log that cannot be replayed: a broken line before the last, or no valid start. */
export class CorruptSessionError extends Error {
  /** The log file. */
  readonly path: string;
  /** The 1-based line number of the first unusable line. */
  readonly line: number;
  constructor(path: string, line: number, reason: string) {
    super(`${path}:${line}: ${reason}`);
    this.name = "CorruptSessionError";
    this.path = path;
    this.line = line;
  }
}

/** Another Pixir process is writing to the session; two writers would break its log. */
export class SessionInUseError extends Error {
  /** The session id. */
  readonly id: string;
  constructor(id: string) {
    super(`session ${id} is in use by another Pixir process`);
    this.name = "SessionInUseError";
    this.id = id;
  }
}
