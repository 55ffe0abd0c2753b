/**
 * The file-tool Worker's entry point. It runs read, write, edit, ls, find and grep — and undo's
 * reads, restores and deletes — under the Deno permissions its host computed, so a tool that
 * strays past Pixir's own path checks meets the runtime's refusal. Each request is answered with
 * exactly one reply; it never throws. Requests run one at a time, because the tools pin folders
 * through the process's current directory.
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import type { FileToolRequest } from "./file_worker.ts";
import { answerFileRequest } from "./file_requests.ts";

let queue: Promise<void> = Promise.resolve();

self.onmessage = (message: MessageEvent<FileToolRequest>) => {
  queue = queue.then(async () => self.postMessage(await answerFileRequest(message.data)));
};
