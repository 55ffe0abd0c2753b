import assert from "node:assert/strict";
import { keyChoice, KEYS_PROMPT, parseAnswer, terminalAsk } from "../../src/ui/terminal_ask.ts";

Deno.test("answers: y/yes once, a/always, n/no with an optional reason; anything else is unclear", () => {
  assert.deepEqual(parseAnswer("y"), { kind: "once" });
  assert.deepEqual(parseAnswer(" YES "), { kind: "once" });
  assert.deepEqual(parseAnswer("a"), { kind: "always" });
  assert.deepEqual(parseAnswer("no"), { kind: "deny" });
  assert.deepEqual(parseAnswer("n use pnpm instead"), { kind: "deny", reason: "use pnpm instead" });
  assert.equal(parseAnswer(""), null);
  assert.equal(parseAnswer("maybe"), null);
});

/** A terminal that gives `keys` one by one, then `lines`, and records what was written. */
function scripted(keys: string[], lines: string[] = []) {
  const terminal = {
    written: "",
    readKey: () => Promise.resolve(keys.shift() ?? null),
    readLine: () => Promise.resolve(lines.shift() ?? null),
    write: (text: string) => {
      terminal.written += text;
      return Promise.resolve();
    },
  };
  return terminal;
}

const signal = new AbortController().signal;

Deno.test("one key answers: the question shows the command and prefixes; other keys are ignored", async () => {
  const terminal = scripted(["x", "\x1b[A", "\r", "a"]);
  const answer = await terminalAsk(terminal)(
    { command: "npm test && make", prefixes: ["npm test", "make"] },
    signal,
  );
  assert.deepEqual(answer, { kind: "always" });
  assert.match(terminal.written, /npm test && make/);
  assert.match(terminal.written, /"npm test", "make"/);
  assert.ok(terminal.written.endsWith(`${KEYS_PROMPT}a\n`), terminal.written);
});

Deno.test("y is once; n asks for an optional reason as a line; Esc is a no", async () => {
  const request = { command: "x", prefixes: ["x"] };
  assert.deepEqual(await terminalAsk(scripted(["Y"]))(request, signal), { kind: "once" });
  const no = scripted(["n"], ["  use pnpm  "]);
  assert.deepEqual(await terminalAsk(no)(request, signal), { kind: "deny", reason: "use pnpm" });
  assert.match(no.written, /reason for the model \(optional, Enter to skip\): $/);
  assert.deepEqual(await terminalAsk(scripted(["n"], [""]))(request, signal), { kind: "deny" });
  assert.deepEqual(await terminalAsk(scripted(["\x1b"]))(request, signal), { kind: "deny" });
});

Deno.test("keys: y, a, n in either case, Esc alone; escape sequences and others mean nothing", () => {
  assert.equal(keyChoice("y"), "y");
  assert.equal(keyChoice("A"), "a");
  assert.equal(keyChoice("n\n"), "n");
  assert.equal(keyChoice("\x1b"), "escape");
  assert.equal(keyChoice("\x1b[B"), null);
  assert.equal(keyChoice("q"), null);
});

Deno.test("end of input is a no", async () => {
  assert.deepEqual(await terminalAsk(scripted([]))({ command: "x", prefixes: ["x"] }, signal), {
    kind: "deny",
  });
});
