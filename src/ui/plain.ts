/**
 * Human output for `pixir run`: the answer on stdout and nothing else; tool activity, retries,
 * errors and the resume hint on stderr. The answer streams as it arrives, to a terminal and into a
 * pipe alike (`pixir run … | cat` reads it as it comes); a retry after a partial answer says so on
 * stderr. Without the answer (`answer: false`) it is the human progress beside `--json`.
 */

import type { TextSink } from "../util/io.ts";
import type { Renderer } from "./renderer.ts";
import type { Style } from "./style.ts";
import { keyArgument, oneLine, preview } from "./tool_summary.ts";
import { compactionNotice } from "./compaction_notice.ts";

/** The plain renderer over stdout/stderr with the given styles for stderr. */
export function plainRenderer(
  io: { stdout: TextSink; stderr: TextSink },
  style: Style,
  options: { answer: boolean } = { answer: true },
): Renderer {
  const streaming = options.answer;
  // Whether the last thing streamed to stdout left the cursor mid-line.
  let openLine = false;
  // The answer text streamed since the last whole message, to print a message that came whole.
  let streamed = "";
  let thinking = false;

  const endLine = async () => {
    if (openLine) await io.stdout.write("\n");
    openLine = false;
  };
  const endThinking = async () => {
    if (thinking) await io.stderr.write("\n");
    thinking = false;
  };

  return {
    async event(envelope) {
      switch (envelope.type) {
        case "text_delta":
          await endThinking();
          if (streaming && envelope.data.delta !== "") {
            streamed += envelope.data.delta;
            await io.stdout.write(envelope.data.delta);
            openLine = !envelope.data.delta.endsWith("\n");
          }
          return;
        case "reasoning_delta":
          if (io.stderr.isTerminal) {
            thinking = true;
            await io.stderr.write(style.dim(envelope.data.delta));
          }
          return;
        case "assistant_message":
          await endThinking();
          if (streaming && streamed === "" && envelope.data.text !== "") {
            await io.stdout.write(envelope.data.text);
            openLine = !envelope.data.text.endsWith("\n");
          }
          streamed = "";
          return endLine();
        case "tool_started":
          await endThinking();
          await endLine();
          return io.stderr.write(
            `${style.cyan("→")} ${style.bold(envelope.data.name)} ${
              keyArgument(envelope.data.arguments)
            }\n`,
          );
        case "tool_result":
          return io.stderr.write(
            envelope.data.ok
              ? `  ${style.green("✓")} ${style.dim(preview(envelope.data.output))}\n`
              : `  ${style.red("✗")} ${
                envelope.data.error
                  ? `${envelope.data.error.kind}: ${oneLine(envelope.data.error.message)}`
                  : "failed"
              }\n`,
          );
        case "compaction":
          await endThinking();
          await endLine();
          return io.stderr.write(style.dim(`… ${compactionNotice(envelope.data)}\n`));
        case "retrying": {
          await endThinking();
          await endLine();
          const seconds = (envelope.data.delay_ms / 1000).toFixed(1);
          const discarded = streamed !== "" ? " (the partial answer above is discarded)" : "";
          streamed = "";
          return io.stderr.write(
            style.yellow(
              `! ${
                oneLine(envelope.data.error.message)
              }; retry ${envelope.data.attempt} in ${seconds} s${discarded}\n`,
            ),
          );
        }
        default:
          return;
      }
    },
    async finish(result, hint) {
      await endThinking();
      await endLine();
      if (result.status === "incomplete") {
        await io.stderr.write(style.yellow("! the model stopped before finishing its answer\n"));
      }
      if (result.error) {
        await io.stderr.write(`${style.red("pixir:")} ${result.error.message}\n`);
        const fix = result.error.details.hint;
        if (typeof fix === "string") await io.stderr.write(`  ${fix}\n`);
      }
      if (hint) await io.stderr.write(style.dim(`${hint}\n`));
    },
  };
}
