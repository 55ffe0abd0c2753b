/** The effects a command may use, passed in so commands can be driven by tests. */

/** A text sink (stdout or stderr). */
export interface TextSink {
  /** Writes the text completely. */
  write(text: string): Promise<void>;
  /** True when a person is looking at it (a terminal). */
  isTerminal: boolean;
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
}

/** The real process: Deno's stdio, environment, clock and signals. */
export function processIo(): Io {
  const encoder = new TextEncoder();
  const sink = (file: typeof Deno.stdout): TextSink => ({
    isTerminal: file.isTerminal(),
    async write(text) {
      const bytes = encoder.encode(text);
      let offset = 0;
      while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
    },
  });
  return {
    stdout: sink(Deno.stdout),
    stderr: sink(Deno.stderr),
    stdin: {
      isTerminal: Deno.stdin.isTerminal(),
      readAll: () => new Response(Deno.stdin.readable).text(),
      readLine: (signal) => readLine(Deno.stdin.readable, signal),
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
  };
}

/** The first line of `stream`, giving up (and releasing stdin) when `signal` aborts. */
async function readLine(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal,
): Promise<string | null> {
  if (signal.aborted) return null;
  const reader = stream.getReader();
  const cancel = () => reader.cancel().catch(() => undefined);
  signal.addEventListener("abort", cancel, { once: true });
  const decoder = new TextDecoder();
  let line = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return signal.aborted || line === "" ? null : line;
      line += decoder.decode(value, { stream: true });
      const end = line.indexOf("\n");
      if (end >= 0) return line.slice(0, end).replace(/\r$/, "");
    }
  } finally {
    signal.removeEventListener("abort", cancel);
    reader.releaseLock();
  }
}
