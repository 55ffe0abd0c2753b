/**
 * The stdio transport of an MCP client, on Deno's own process API: the server is a child process
 * speaking newline-delimited JSON-RPC on stdin/stdout. The SDK's stdio transport is not used
 * because it spawns through cross-spawn, which reads variables (OSTYPE, PATHEXT…) that Pixir's
 * permission set does not grant, and merges the parent's environment; this one starts the server
 * with exactly the environment it is given (`clearEnv`).
 */

import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";

/** Longest line a server may send (a tool result, base64 images included). */
const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** How much of the server's stderr is kept to explain a failure. */
const STDERR_TAIL_CHARS = 2000;

/** What the transport starts. */
export interface StdioServerParams {
  command: string;
  args: readonly string[];
  /** The whole environment of the server. */
  env: Readonly<Record<string, string>>;
  cwd: string;
}

/** A client transport over a child process's stdin and stdout. */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  #params: StdioServerParams;
  #child?: Deno.ChildProcess;
  #writer?: WritableStreamDefaultWriter<Uint8Array>;
  #stderr = "";
  #closed = false;
  #exit?: Deno.CommandStatus;

  constructor(params: StdioServerParams) {
    this.#params = params;
  }

  /** The last lines the server wrote to stderr, for a failure message. */
  get stderrTail(): string {
    return this.#stderr.trim();
  }

  /** How the server exited, once it has. */
  get exitStatus(): Deno.CommandStatus | undefined {
    return this.#exit;
  }

  /** Starts the server; rejects when the command cannot be started (not found, not allowed). */
  start(): Promise<void> {
    const child = new Deno.Command(this.#params.command, {
      args: [...this.#params.args],
      env: { ...this.#params.env },
      clearEnv: true,
      cwd: this.#params.cwd,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#readStdout(child.stdout);
    this.#readStderr(child.stderr);
    child.status.then((status) => {
      this.#exit = status;
      this.#finish();
    });
    return Promise.resolve();
  }

  /** Sends one message as one line. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#writer === undefined || this.#closed) throw new Error("the server is not running");
    await this.#writer.write(new TextEncoder().encode(serializeMessage(message)));
  }

  /** Stops the server: closes its stdin, then kills it if it lingers. */
  async close(): Promise<void> {
    const child = this.#child;
    if (child === undefined || this.#exit !== undefined) {
      this.#finish();
      return;
    }
    // Closing stdin is how a stdio server is told to stop; a server that does not read it could
    // keep the close pending, so it is not awaited.
    this.#writer?.close().catch(() => {});
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 500)),
    ]);
    if (!exited) {
      try {
        child.kill("SIGKILL");
      } catch {
        // It exited in between.
      }
      await child.status;
    }
    this.#finish();
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onclose?.();
  }

  async #readStdout(stdout: ReadableStream<Uint8Array>): Promise<void> {
    let buffer = new Uint8Array(0);
    try {
      for await (const chunk of stdout) {
        const joined = new Uint8Array(buffer.length + chunk.length);
        joined.set(buffer);
        joined.set(chunk, buffer.length);
        buffer = joined;
        let newline: number;
        while ((newline = buffer.indexOf(10)) >= 0) {
          const line = new TextDecoder().decode(buffer.subarray(0, newline)).replace(/\r$/, "");
          buffer = buffer.subarray(newline + 1);
          if (line.trim() === "") continue;
          this.#deliver(line);
        }
        if (buffer.length > MAX_LINE_BYTES) {
          this.onerror?.(new Error(`the server sent a line longer than ${MAX_LINE_BYTES} bytes`));
          await this.close();
          return;
        }
      }
    } catch (error) {
      if (!this.#closed) this.onerror?.(asError(error));
    }
  }

  #deliver(line: string): void {
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch (error) {
      this.onerror?.(asError(error));
      return;
    }
    this.onmessage?.(message);
  }

  async #readStderr(stderr: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const text of stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL_CHARS);
      }
    } catch {
      // A server's stderr is only kept to explain failures.
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
