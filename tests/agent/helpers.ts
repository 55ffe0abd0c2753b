/**
 * Shared test helpers for the agent layer: temp folders, a fake clock, an input validator and a
 * scripted model.
 */

import assert from "node:assert/strict";
import type { ModelCall } from "../../src/agent/model_call.ts";
import { createSession, type Session } from "../../src/agent/session.ts";
import type { InputItem } from "../../src/provider/item.ts";
import type { ModelEvent } from "../../src/provider/model_event.ts";
import type { ModelRequest } from "../../src/provider/request.ts";

/** Runs `body` with a fresh temporary folder, removed afterwards. */
export async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pixir-agent-test-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** A clock starting at `start` (epoch ms) that advances `stepMs` on every reading. */
export function steppingClock(start: number, stepMs = 1000): () => number {
  let next = start;
  return () => {
    const now = next;
    next += stepMs;
    return now;
  };
}

/** A "random" source that cycles through the given values. */
export function cyclingRandom(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

/**
 * Asserts what the Responses API demands of `input`: no item ids, every function_call followed
 * later by exactly one output with its call_id, no output without an earlier call, and every
 * reasoning item directly followed by an assistant message, a function call or more reasoning
 * that leads to one.
 */
export function assertValidInput(input: readonly InputItem[]): void {
  const open = new Set<string>();
  const answered = new Set<string>();
  input.forEach((item, index) => {
    assert.ok(!("id" in item), `item ${index} carries an id`);
    if (item.type === "function_call") {
      assert.ok(
        !open.has(item.call_id) && !answered.has(item.call_id),
        `call ${item.call_id} twice`,
      );
      open.add(item.call_id);
    } else if (item.type === "function_call_output") {
      assert.ok(open.delete(item.call_id), `output ${item.call_id} without an open call`);
      answered.add(item.call_id);
    } else if (item.type === "reasoning") {
      const following = input.slice(index + 1).find((next) => next.type !== "reasoning");
      assert.ok(
        following !== undefined &&
          (following.type === "function_call" ||
            (following.type === "message" && following.role === "assistant")),
        `reasoning item ${index} is not followed by its item`,
      );
    }
  });
  assert.deepEqual([...open], [], "calls without output");
}

/** What a scripted model plays for one call: its events, or a stream made for the call. */
export type Script = ModelEvent[] | ((signal: AbortSignal) => AsyncIterable<ModelEvent>);

/** A model that plays one script per call and records every request. */
export function scriptedModel(scripts: Script[]): { call: ModelCall; requests: ModelRequest[] } {
  const requests: ModelRequest[] = [];
  const call: ModelCall = (request, signal) => {
    requests.push(structuredClone(request));
    const script = scripts[requests.length - 1];
    if (script === undefined) throw new Error(`unexpected model call ${requests.length}`);
    if (typeof script === "function") return script(signal);
    return (async function* () {
      yield* script;
    })();
  };
  return { call, requests };
}

/** A new session in `dir` for workspace `/ws` and `model`, with a fixed clock and random draw. */
export function testSession(dir: string, model: string): Promise<Session> {
  return createSession({
    sessionsDir: dir,
    cwd: "/ws",
    model,
    effort: "medium",
    version: "0.1.0",
    now: steppingClock(Date.UTC(2026, 10, 24)),
    random: cyclingRandom([0.42]),
  });
}
