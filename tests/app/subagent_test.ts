import assert from "node:assert/strict";
import { oneQuestionAtATime } from "../../src/app/subagent.ts";
import type { Answer, ApprovalRequest } from "../../src/policy/approval.ts";

Deno.test("children's questions are put one at a time, in the order asked", async () => {
  const open: string[] = [];
  let most = 0;
  const answers = new Map<string, (answer: Answer) => void>();
  const ask = oneQuestionAtATime((request: ApprovalRequest) => {
    open.push(request.command);
    most = Math.max(most, open.length);
    return new Promise<Answer>((resolve) =>
      answers.set(request.command, (answer) => {
        open.splice(open.indexOf(request.command), 1);
        resolve(answer);
      })
    );
  });
  const signal = new AbortController().signal;
  const first = ask({ command: "make a", prefixes: [] }, signal);
  const second = ask({ command: "make b", prefixes: [] }, signal);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(open, ["make a"], "the second question waits for the first's answer");
  answers.get("make a")?.({ kind: "once" });
  assert.deepEqual(await first, { kind: "once" });
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(open, ["make b"]);
  answers.get("make b")?.({ kind: "deny", reason: "no" });
  assert.deepEqual(await second, { kind: "deny", reason: "no" });
  assert.equal(most, 1);
});

Deno.test("a question that fails does not block the next one", async () => {
  let calls = 0;
  const ask = oneQuestionAtATime(() => {
    calls++;
    return calls === 1
      ? Promise.reject(new Error("terminal gone"))
      : Promise.resolve({ kind: "once" });
  });
  const signal = new AbortController().signal;
  await assert.rejects(ask({ command: "a", prefixes: [] }, signal), /terminal gone/);
  assert.deepEqual(await ask({ command: "b", prefixes: [] }, signal), { kind: "once" });
});
