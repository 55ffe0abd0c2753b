/**
 * Human output for `pixir run`: the answer on stdout and nothing else; tool activity, retries,
 * errors and the resume hint on stderr. The answer streams as it arrives, to a terminal and into a
 * pipe alike (`pixir run … | cat` reads it as it comes); a retry after a partial answer says so on
 * stderr. Without the answer (`answer: false`) it is the human progress beside `--json`. What a
 * terminal shows passes the terminal sanitizer; a piped answer stays exactly the model's text.
 */

import type { TextSink } from "../util/io.ts";
import type { Renderer } from "./renderer.ts";
import type { Style } from "./style.ts";
import { clip, keyArgument, oneLine, preview, progressText, toolLabel } from "./tool_summary.ts";
import { compactionNotice } from "./compaction_notice.ts";
import { retryNotice } from "./retry_notice.ts";
import { terminalLine, terminalText } from "./terminal_text.ts";
import { describeSearchAction, footnotes } from "../provider/web_search.ts";
import { planText } from "../tools/plan.ts";

/** How the plain renderer shows the answer. */
export interface PlainOptions {
  /**
   * The answer is structured (`--output-schema`): nothing streams, and stdout gets only the
   * validated JSON value, on one line, or nothing when the answer did not match.
   */
  structured?: boolean;
  /** Whether stdout gets the answer at all; without it (`false`) only the progress on stderr. */
  answer?: boolean;
}

/** The plain renderer over stdout/stderr with the given styles for stderr. */
export function plainRenderer(
  io: { stdout: TextSink; stderr: TextSink },
  style: Style,
  options: PlainOptions = {},
): Renderer {
  const structured = options.structured ?? false;
  const streaming = (options.answer ?? true) && !structured;
  // On a terminal the answer's controls are shown, not obeyed; a pipe gets the model's text.
  const answerText = (text: string) => io.stdout.isTerminal ? terminalText(text) : text;
  // Whether the last thing streamed to stdout left the cursor mid-line.
  let openLine = false;
  // Whether answer text streamed since the last whole message (one that came whole is printed).
  let streamed = false;
  let thinking = false;
  // Whether stderr's current line is a retry notice that the next one overwrites.
  let retryLine = false;

  const endLine = async () => {
    if (openLine) await io.stdout.write("\n");
    openLine = false;
  };
  const endRetry = async () => {
    if (retryLine) await io.stderr.write("\n");
    retryLine = false;
  };
  const endThinking = async () => {
    await endRetry();
    if (thinking) await io.stderr.write("\n");
    thinking = false;
  };

  return {
    async event(envelope) {
      switch (envelope.type) {
        case "text_delta":
          await endThinking();
          if (streaming && envelope.data.delta !== "") {
            streamed = true;
            await io.stdout.write(answerText(envelope.data.delta));
            openLine = !envelope.data.delta.endsWith("\n");
          }
          return;
        case "reasoning_delta":
          if (io.stderr.isTerminal) {
            await endRetry();
            thinking = true;
            await io.stderr.write(style.dim(terminalText(envelope.data.delta)));
          }
          return;
        case "assistant_message":
          await endThinking();
          if (streaming && !streamed && envelope.data.text !== "") {
            await io.stdout.write(answerText(envelope.data.text));
            openLine = !envelope.data.text.endsWith("\n");
          }
          streamed = false;
          return endLine();
        case "tool_started":
          await endThinking();
          await endLine();
          return io.stderr.write(
            `${style.cyan("→")} ${style.bold(terminalLine(toolLabel(envelope.data.name)))} ${
              keyArgument(envelope.data.arguments)
            }\n`,
          );
        case "tool_progress":
          return io.stderr.write(
            `  ${style.dim(`… ${clip(progressText(envelope.data), 100)}`)}\n`,
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
        case "web_search":
          await endThinking();
          await endLine();
          return io.stderr.write(
            `${style.cyan("⌕")} ${style.bold("web")} ${
              oneLine(describeSearchAction(envelope.data.action))
            } ${style.dim(`(${terminalLine(envelope.data.status)})`)}\n`,
          );
        case "subagent_event": {
          // A child's own tool calls and searches, indented under the parent's task call.
          const child = envelope.data.event;
          const id = style.dim(`[${terminalLine(envelope.data.call_id)}]`);
          if (child.type === "tool_call") {
            return io.stderr.write(
              `  ${style.cyan("↳")} ${id} ${style.bold(terminalLine(toolLabel(child.data.name)))} ${
                keyArgument(child.data.arguments)
              }\n`,
            );
          }
          if (child.type === "web_search") {
            return io.stderr.write(
              `  ${style.cyan("↳")} ${id} web ${
                oneLine(describeSearchAction(child.data.action))
              }\n`,
            );
          }
          return;
        }
        case "plan":
          await endThinking();
          await endLine();
          return io.stderr.write(
            `${style.cyan("•")} ${style.bold("plan")}\n${
              terminalText(planText(envelope.data)).split("\n").map((line) => `  ${line}\n`).join(
                "",
              )
            }`,
          );
        case "compaction":
          await endThinking();
          await endLine();
          return io.stderr.write(style.dim(`… ${compactionNotice(envelope.data)}\n`));
        case "retrying": {
          const overwrite = retryLine;
          retryLine = false;
          await endThinking();
          await endLine();
          const discarded = streamed ? " (the partial answer above is discarded)" : "";
          streamed = false;
          const notice = `! ${retryNotice(envelope.data)}${discarded}`;
          if (!io.stderr.isTerminal) return io.stderr.write(`${style.yellow(notice)}\n`);
          // On a terminal the retries share one line, each rewriting the one before; cut to the
          // width, since a wrapped line could not be rewritten whole.
          retryLine = true;
          const width = io.stderr.columns?.() ?? 80;
          return io.stderr.write(
            `${overwrite ? "\r\x1b[2K" : ""}${style.yellow(clip(notice, Math.max(20, width - 1)))}`,
          );
        }
        default:
          return;
      }
    },
    async finish(result, hint) {
      await endThinking();
      await endLine();
      if (structured && options.answer !== false && result.output !== undefined) {
        await io.stdout.write(`${JSON.stringify(result.output)}\n`);
      }
      const sources = footnotes(result.citations ?? []);
      if (sources.length > 0) {
        // On stderr, with the tool activity: stdout stays exactly the model's text.
        await io.stderr.write(`${style.bold("Sources:")}\n`);
        for (const line of sources) await io.stderr.write(`  ${terminalLine(line)}\n`);
      }
      if (result.status === "incomplete") {
        await io.stderr.write(style.yellow("! the model stopped before finishing its answer\n"));
      }
      if (result.error) {
        await io.stderr.write(`${style.red("pixir:")} ${terminalText(result.error.message)}\n`);
        const fix = result.error.details.hint;
        if (typeof fix === "string") await io.stderr.write(`  ${terminalText(fix)}\n`);
      }
      if (hint) await io.stderr.write(style.dim(`${hint}\n`));
    },
  };
}
