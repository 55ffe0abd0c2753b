/**
 * Machine output: `--jsonl` writes every event envelope as one line and ends with the final result;
 * `--json` writes only the final result. Nothing else ever reaches stdout in these modes.
 */

import type { TextSink } from "../util/io.ts";
import type { Renderer } from "./renderer.ts";

/** A renderer for `--json` (`streamEvents: false`) or `--jsonl` (`streamEvents: true`). */
export function jsonRenderer(stdout: TextSink, streamEvents: boolean): Renderer {
  return {
    async event(envelope) {
      if (streamEvents) await stdout.write(JSON.stringify(envelope) + "\n");
    },
    async finish(result) {
      await stdout.write(JSON.stringify(result) + "\n");
    },
  };
}
