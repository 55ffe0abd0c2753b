/** A TextSink that records what was written, for renderer tests. */

import type { TextSink } from "../../src/util/io.ts";

/** A recording sink; `text` is everything written so far. */
export function recordingSink(isTerminal: boolean): TextSink & { text: string } {
  const sink = {
    isTerminal,
    text: "",
    write(chunk: string) {
      sink.text += chunk;
      return Promise.resolve();
    },
  };
  return sink;
}
