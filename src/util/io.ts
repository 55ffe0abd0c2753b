/** The effects a command may use, passed in so commands can be driven by tests. */

/** A text sink (stdout or stderr). */
export interface TextSink {
  /** Writes the text completely. */
  write(text: string): Promise<void>;
  /** Writes the text completely at once, blocking (for a process that must end now), if it can. */
  writeSync?(text: string): void;
  /** True when a person is looking at it (a terminal). */
  isTerminal: boolean;
  /** The terminal's width in columns, when it is a terminal and the width is known. */
  columns?(): number | undefined;
}

/** Everything a command touches outside its own memory. */
export interface Io {
  stdout: TextSink;
  stderr: TextSink;
  stdin: {
    /** True when stdin is a terminal; Pixir never waits on a terminal stdin. */
    isTerminal: boolean;
    /** Reads all of piped stdin as text (called at most once). */
    readAll(): Promise<string>;
    /** Reads one line typed at a terminal; null at end of input or when `signal` aborts. */
    readLine(signal: AbortSignal): Promise<string | null>;
    /**
     * Reads one key pressed at a terminal, without waiting for Enter and without echoing it (a
     * multi-byte key such as an arrow comes whole); null at end of input or when `signal` aborts.
     * Ctrl+C still interrupts the process.
     */
    readKey(signal: AbortSignal): Promise<string | null>;
  };
  env(name: string): string | undefined;
  cwd: string;
  os: typeof Deno.build.os;
  fetch: typeof fetch;
  now(): number;
  random(): number;
  /** Ends the process at once with `code` (a second Ctrl+C that must not wait). */
  exit(code: number): never;
  /** Calls `handler` on SIGINT/SIGTERM until the returned function is called. */
  onSignal(signal: "SIGINT" | "SIGTERM", handler: () => void): () => void;
  /** Raw stdin and stdout as byte streams, for a protocol spoken over them (`pixir acp`). */
  byteStreams(): { input: ReadableStream<Uint8Array>; output: WritableStream<Uint8Array> };
}

/** The real process: Deno's stdio, environment, clock and signals. */
export function processIo(): Io {
  const encoder = new TextEncoder();
  const sink = (file: typeof Deno.stdout): TextSink => ({
    isTerminal: file.isTerminal(),
    columns: () => {
      try {
        return Deno.consoleSize().columns;
      } catch {
        return undefined;
      }
    },
    async write(text) {
      const bytes = encoder.encode(text);
      let offset = 0;
      while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
    },
    writeSync(text) {
      const bytes = encoder.encode(text);
      let offset = 0;
      while (offset < bytes.length) offset += file.writeSync(bytes.subarray(offset));
    },
  });
  return {
    stdout: sink(Deno.stdout),
    stderr: sink(Deno.stderr),
    stdin: {
      isTerminal: Deno.stdin.isTerminal(),
      readAll: () => new Response(Deno.stdin.readable).text(),
      readLine: (signal) => readFromStdin(signal, lineOf),
      readKey: async (signal) => {
        // cbreak: keys arrive one by one, unechoed, while Ctrl+C still sends SIGINT.
        Deno.stdin.setRaw(true, { cbreak: Deno.build.os !== "windows" });
        try {
          return await readFromStdin(signal, (text) => text === "" ? undefined : text);
        } finally {
          Deno.stdin.setRaw(false);
        }
      },
    },
    env: (name) => Deno.env.get(name),
    cwd: Deno.cwd(),
    os: Deno.build.os,
    fetch: globalThis.fetch,
    now: Date.now,
    random: Math.random,
    exit: (code) => Deno.exit(code),
    onSignal(signal, handler) {
      // SIGTERM listeners are not supported on Windows; Ctrl+C (SIGINT) is.
      if (signal === "SIGTERM" && Deno.build.os === "windows") return () => {};
      Deno.addSignalListener(signal, handler);
      return () => Deno.removeSignalListener(signal, handler);
    },
    byteStreams: () => ({ input: Deno.stdin.readable, output: Deno.stdout.writable }),
  };
}

/** The first line of `text`, without its line ending, once it is complete. */
function lineOf(text: string): string | undefined {
  const end = text.indexOf("\n");
  return end < 0 ? undefined : text.slice(0, end).replace(/\r$/, "");
}

/**
 * Reads stdin until `complete` finds what it wants in the text so far, giving up (and releasing
 * stdin) when `signal` aborts; at end of input, what was read, or null when nothing was.
 */
async function readFromStdin(
  signal: AbortSignal,
  complete: (text: string) => string | undefined,
): Promise<string | null> {
  if (signal.aborted) return null;
  const reader = Deno.stdin.readable.getReader();
  const cancel = () => reader.cancel().catch(() => undefined);
  signal.addEventListener("abort", cancel, { once: true });
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return signal.aborted || text === "" ? null : text;
      text += decoder.decode(value, { stream: true });
      const found = complete(text);
      if (found !== undefined) return found;
    }
  } finally {
    signal.removeEventListener("abort", cancel);
    reader.releaseLock();
  }
}
