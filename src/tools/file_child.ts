/**
 * The file tools as a child process: the same requests and replies as the Worker (`file_worker.ts`),
 * one JSON object a line over stdin and stdout, bytes (a file's content) as base64. Pixir runs
 * this child inside bubblewrap with only the granted roots mounted, so what a path resolves to —
 * however a folder is swapped for a symlink meanwhile — can only ever be inside those roots.
 */

import type { FileToolReply, FileToolRequest } from "./file_worker.ts";
import { answerFileRequest } from "./file_requests.ts";

/** The child's first line: it is ready for requests. */
export const READY = '{"ready":true}';

/** One protocol message as a line of JSON (without the newline). */
export function encodeMessage(message: FileToolRequest | FileToolReply): string {
  return JSON.stringify(
    message,
    (_key, value) => value instanceof Uint8Array ? { $bytes: toBase64(value) } : value,
  );
}

/** A line of JSON back to a protocol message (the peer is Pixir's own other half). */
export function decodeMessage<T extends FileToolRequest | FileToolReply>(line: string): T {
  return JSON.parse(
    line,
    (_key, value) =>
      typeof value === "object" && value !== null && typeof value.$bytes === "string" &&
        Object.keys(value).length === 1
        ? fromBase64(value.$bytes)
        : value,
  );
}

/** Splits a byte stream into lines of text. */
export async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf("\n")) >= 0) {
      yield pending.slice(0, end);
      pending = pending.slice(end + 1);
    }
  }
}

/**
 * Answers requests from `input` one at a time, in order, on `output`, until `input` ends. The
 * host stops the child (a time limit, an abort) by killing it.
 */
export async function serveFileTools(
  input: ReadableStream<Uint8Array> = Deno.stdin.readable,
  output: WritableStream<Uint8Array> = Deno.stdout.writable,
): Promise<number> {
  const writer = output.getWriter();
  const encoder = new TextEncoder();
  // Started and loaded: the host starts a call's time limit only from here.
  await writer.write(encoder.encode(`${READY}\n`));
  for await (const line of lines(input)) {
    if (line === "") continue;
    const reply = await answerFileRequest(decodeMessage<FileToolRequest>(line));
    await writer.write(encoder.encode(`${encodeMessage(reply)}\n`));
  }
  await writer.close();
  return 0;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: String.fromCharCode takes its bytes as arguments.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
