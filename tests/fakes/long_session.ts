/**
 * A generated session log of many turns shaped like real working sessions: each turn has a
 * reasoning summary, several tool calls (a read, a grep, a test run allowed by the safe list, an
 * edit every other turn) with outputs of realistic size, and a markdown answer that ends with
 * `end of turn N.`, so a test can find every turn on screen.
 */

import { join } from "node:path";
import type { CanonicalEvent, Envelope } from "../../src/agent/event.ts";
import { EVENT_FORMAT_VERSION } from "../../src/agent/event.ts";

/** What to generate. */
export interface LongSessionOptions {
  sessionsDir: string;
  /** A session id (`YYYYMMDD-HHMMSS-xxxxxx`). */
  id: string;
  /** The session's workspace (its real path). */
  cwd: string;
  turns: number;
}

/** The answer of turn `turn`: a paragraph, a list and a code block, ending with its marker. */
export function turnAnswer(turn: number): string {
  return [
    `Turn ${turn}: I read the module, ran the tests and changed what failed. The reason is that`,
    `the parser kept the old offset after a **nested** block, so the next token started late.`,
    "",
    `- fixed \`offset\` in parse_${turn}.ts`,
    "- added a test for nested blocks",
    "- the whole suite passes",
    "",
    "```ts",
    `const offset_${turn} = start + token.length;`,
    "return { offset, token };",
    "```",
    "",
    `end of turn ${turn}.`,
  ].join("\n");
}

/** Writes the session log; returns its size in bytes. */
export async function writeLongSession(options: LongSessionOptions): Promise<number> {
  const { id, cwd, turns } = options;
  const lines: string[] = [];
  let seq = 0;
  const at = Date.UTC(2026, 10, 1);
  const push = (event: CanonicalEvent) => {
    const envelope = {
      id: `${id}:${seq}`,
      session_id: id,
      seq,
      ts: new Date(at + seq * 1000).toISOString(),
      ...event,
    } as Envelope<CanonicalEvent>;
    seq++;
    lines.push(JSON.stringify(envelope));
  };
  const model = "gpt-5.5";
  push({
    type: "session_started",
    data: { format: EVENT_FORMAT_VERSION, cwd, model, effort: "medium", pixir_version: "0.1.0" },
  });
  for (let turn = 1; turn <= turns; turn++) {
    push({ type: "user_message", data: { text: `task ${turn}: fix the parser's nested blocks` } });
    push({ type: "turn_started", data: { turn, model, effort: "medium" } });
    push({
      type: "reasoning",
      data: {
        model,
        summary: [{
          type: "summary_text",
          text: `**Looking at the parser** for turn ${turn}: the offset is kept after a block.`,
        }],
        encrypted_content: "gAAAA" + "x".repeat(1200),
      },
    });
    const call = (name: string, args: Record<string, unknown>, output: string, n: number) => {
      const call_id = `call_${turn}_${n}`;
      push({ type: "tool_call", data: { model, call_id, name, arguments: JSON.stringify(args) } });
      if (name === "bash") {
        push({
          type: "permission_decision",
          data: {
            call_id,
            tool: "bash",
            command: String(args.command),
            decision: "allow",
            source: "safe_list",
          },
        });
      }
      push({ type: "tool_result", data: { call_id, name, ok: true, output } });
    };
    const source = Array.from(
      { length: 60 },
      (_, i) => `${i + 1}\tconst value_${i} = parse(input.slice(${i}, ${i + turn}));`,
    ).join("\n");
    call("read", { path: `src/parse_${turn}.ts` }, source, 1);
    const hits = Array.from(
      { length: 14 },
      (_, i) => `src/module_${i}.ts:${i + 3}: offset = start + token.length`,
    ).join("\n");
    call("grep", { pattern: "offset", path: "src" }, hits, 2);
    const tests = Array.from({ length: 12 }, (_, i) => `ok ${i + 1} - parses case ${i}`).join("\n");
    call("bash", { command: "deno test tests/parse_test.ts" }, tests, 3);
    if (turn % 2 === 0) {
      call(
        "edit",
        { path: `src/parse_${turn}.ts`, old_text: "offset", new_text: "start" },
        `edited src/parse_${turn}.ts`,
        4,
      );
    }
    push({ type: "assistant_message", data: { model, text: turnAnswer(turn) } });
    push({
      type: "usage",
      data: {
        input_tokens: 30000,
        cached_tokens: 28000,
        output_tokens: 700,
        reasoning_tokens: 200,
        total_tokens: 30700,
        model,
      },
    });
    push({ type: "turn_completed", data: { turn, status: "completed" } });
  }
  const text = lines.join("\n") + "\n";
  await Deno.writeTextFile(join(options.sessionsDir, `${id}.ndjson`), text, { mode: 0o600 });
  return text.length;
}
