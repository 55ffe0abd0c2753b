import assert from "node:assert/strict";
import { parseAnswer, terminalAsk } from "../../src/ui/terminal_ask.ts";

Deno.test("answers: y/yes once, a/always, n/no with an optional reason; anything else is unclear", () => {
  assert.deepEqual(parseAnswer("y"), { kind: "once" });
  assert.deepEqual(parseAnswer(" YES "), { kind: "once" });
  assert.deepEqual(parseAnswer("a"), { kind: "always" });
  assert.deepEqual(parseAnswer("no"), { kind: "deny" });
  assert.deepEqual(parseAnswer("n use pnpm instead"), { kind: "deny", reason: "use pnpm instead" });
  assert.equal(parseAnswer(""), null);
  assert.equal(parseAnswer("maybe"), null);
});

Deno.test("the question shows the command and the prefixes; unclear answers are asked again", async () => {
  const lines = ["what", "a"];
  let written = "";
  const ask = terminalAsk({
    readLine: () => Promise.resolve(lines.shift() ?? null),
    write: (text) => {
      written += text;
      return Promise.resolve();
    },
  });
  const answer = await ask(
    { command: "npm test && make", prefixes: ["npm test", "make"] },
    new AbortController().signal,
  );
  assert.deepEqual(answer, { kind: "always" });
  assert.match(written, /npm test && make/);
  assert.match(written, /"npm test", "make"/);
  assert.match(written, /please answer y, a or n/);
});

Deno.test("end of input is a no", async () => {
  const ask = terminalAsk({
    readLine: () => Promise.resolve(null),
    write: () => Promise.resolve(),
  });
  assert.deepEqual(await ask({ command: "x", prefixes: ["x"] }, new AbortController().signal), {
    kind: "deny",
  });
});
