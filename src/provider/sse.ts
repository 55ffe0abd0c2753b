/**
 * Server-sent events: turns a response body (bytes) into `event`/`data` messages, following the
 * WHATWG `text/event-stream` rules for line ends, fields and comments.
 */

/** One dispatched server-sent event. */
export interface SseMessage {
  /** The `event:` field, when the server sent a non-empty one. */
  event?: string;
  /** The `data:` lines of the event, joined with "\n". */
  data: string;
}

/**
 * Line splitting and field handling for decoded text that arrives in arbitrary pieces. Keeps the
 * unfinished line as a list of pieces, so a long line split over many chunks costs linear time.
 */
class SseParser {
  /** Any of the three line terminators SSE allows: CRLF, lone LF, lone CR. */
  #lineEnd = /\r\n|\r|\n/g;
  #partial: string[] = [];
  /** The previous piece ended in CR, so an LF that starts the next piece ends nothing. */
  #pendingCr = false;
  #event: string | undefined;
  #data: string[] = [];

  /** Consumes one piece of text; returns the events it completed. */
  push(text: string): SseMessage[] {
    const out: SseMessage[] = [];
    if (text === "") return out;
    let start = this.#pendingCr && text.startsWith("\n") ? 1 : 0;
    this.#pendingCr = false;
    const lineEnd = this.#lineEnd;
    lineEnd.lastIndex = start;
    for (let match = lineEnd.exec(text); match !== null; match = lineEnd.exec(text)) {
      this.#partial.push(text.slice(start, match.index));
      const line = this.#partial.join("");
      this.#partial = [];
      this.#line(line, out);
      start = lineEnd.lastIndex;
      this.#pendingCr = match[0] === "\r" && start === text.length;
    }
    if (start < text.length) this.#partial.push(text.slice(start));
    return out;
  }

  /**
   * Finishes the stream. The spec drops an event not followed by a blank line; Pixir dispatches it,
   * because a server that closes right after its last `data:` line still meant to send it.
   */
  end(): SseMessage[] {
    const out: SseMessage[] = [];
    if (this.#partial.length > 0) {
      this.#line(this.#partial.join(""), out);
      this.#partial = [];
    }
    this.#dispatch(out);
    return out;
  }

  #line(line: string, out: SseMessage[]): void {
    if (line === "") {
      this.#dispatch(out);
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value === "" ? undefined : value;
    // `id`, `retry` and unknown fields carry nothing Pixir uses.
  }

  #dispatch(out: SseMessage[]): void {
    const data = this.#data.join("\n");
    const event = this.#event;
    this.#data = [];
    this.#event = undefined;
    if (data === "") return;
    out.push(event === undefined ? { data } : { event, data });
  }
}

/**
 * The reads of a body: a `ReadableStream`'s reader, or reads wrapped around one. A chunk may be
 * overwritten by the next read (a reused buffer), so it is decoded before the next read.
 */
export interface ChunkReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}

/**
 * Decodes an SSE body (a stream, or the reads of one) into messages. Stops early without error when the consumer stops; either way
 * the body is cancelled on exit, so a server that keeps the socket open does not keep it alive.
 * When `signal` aborts, the body is cancelled and the generator throws `signal.reason`.
 */
export async function* decodeSse(
  body: ReadableStream<Uint8Array> | ChunkReader,
  signal?: AbortSignal,
): AsyncGenerator<SseMessage> {
  const reader = body instanceof ReadableStream ? body.getReader() : body;
  const cancel = () => reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener("abort", cancel, { once: true });
  // A streaming decoder keeps a multibyte character split across chunks, and drops a leading BOM.
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    while (true) {
      signal?.throwIfAborted();
      const chunk = await reader.read();
      signal?.throwIfAborted();
      if (chunk.done) break;
      // `for … yield` rather than `yield*`: delegating to an array wraps every message in an
      // async iterator step of its own, a cost paid per event of a long answer.
      for (const message of parser.push(decoder.decode(chunk.value, { stream: true }))) {
        yield message;
      }
    }
    for (const message of parser.push(decoder.decode())) yield message;
    for (const message of parser.end()) yield message;
  } finally {
    signal?.removeEventListener("abort", cancel);
    await cancel();
    reader.releaseLock();
  }
}
