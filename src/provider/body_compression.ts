/**
 * Request-body compression for the ChatGPT backend: every request re-sends the whole history, and
 * most of each body (instructions, tool schemas, earlier turns) repeats the last one, so zstd
 * shrinks it several times over. A backend that refuses the encoding (415, or a 400 that names it)
 * gets the same request again uncompressed, and every later one in this process is sent plain.
 */

/** The `Content-Encoding` Pixir compresses with. */
export const BODY_ENCODING = "zstd";

/** Whether bodies are still compressed in this process; shared by every model call. */
export class BodyCompression {
  #refused = false;

  /** False once a backend has refused the encoding. */
  get enabled(): boolean {
    return !this.#refused;
  }

  /** Remembers, for the rest of the process, that bodies go uncompressed. */
  refuse(): void {
    this.#refused = true;
  }

  /**
   * `body` compressed with zstd at its default level, streamed through the compressor a part at a
   * time so the uncompressed whole is never held at once. node:zlib is imported on first use: it
   * costs ~5 MB, which runs that never talk to the ChatGPT backend do not pay.
   */
  async compress(body: Blob): Promise<Uint8Array<ArrayBuffer>> {
    const [{ createZstdCompress }, { Duplex }] = await Promise.all([
      import("node:zlib"),
      import("node:stream"),
    ]);
    const zstd: ReadableWritablePair<Uint8Array, Uint8Array> = Duplex.toWeb(createZstdCompress());
    return await new Response(body.stream().pipeThrough(zstd)).bytes();
  }
}

/** The compression state of this process. */
export const PROCESS_BODY_COMPRESSION: BodyCompression = new BodyCompression();

/**
 * True when a failed response refuses the body's encoding rather than the request: 415 always,
 * 400 when its text names the encoding (a plain 400 is a real validation error).
 */
export function refusesEncoding(status: number, text: string): boolean {
  if (status === 415) return true;
  return status === 400 && /zstd|content-encoding|compress|decod/i.test(text);
}
