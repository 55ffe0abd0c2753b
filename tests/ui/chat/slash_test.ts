import assert from "node:assert/strict";
import { isCompleteCommand, parseSlash, SLASH_COMMANDS } from "../../../src/ui/chat/slash.ts";

Deno.test("plain text, a path and a lone slash are messages", () => {
  for (const text of ["hello", "/etc/hosts is missing", "/ not a command", "use @a.ts"]) {
    assert.deepEqual(parseSlash(text), { kind: "message", text });
  }
});

Deno.test("a known command is read with its trimmed argument", () => {
  assert.deepEqual(parseSlash("/model  gpt-5.4 "), {
    kind: "command",
    name: "model",
    argument: "gpt-5.4",
  });
  assert.deepEqual(parseSlash("/quit"), { kind: "command", name: "quit", argument: "" });
});

Deno.test("an unknown command is reported by its name", () => {
  assert.deepEqual(parseSlash("/frobnicate now"), { kind: "unknown", name: "frobnicate" });
});

Deno.test("a missing required argument and an unexpected one are invalid", () => {
  assert.deepEqual(parseSlash("/resume"), {
    kind: "invalid",
    name: "resume",
    problem: "/resume needs <session-id>",
  });
  assert.deepEqual(parseSlash("/quit now"), {
    kind: "invalid",
    name: "quit",
    problem: "/quit takes no argument",
  });
});

Deno.test("only commands that can run as typed are complete", () => {
  assert.equal(isCompleteCommand("/model gpt-5.4"), true);
  assert.equal(isCompleteCommand("/help"), true);
  assert.equal(isCompleteCommand("/mo"), false);
  assert.equal(isCompleteCommand("/resume"), false);
  assert.equal(isCompleteCommand("hello"), false);
});

Deno.test("every command the issue names is in the table", () => {
  assert.deepEqual(SLASH_COMMANDS.map((c) => c.name), [
    "help",
    "model",
    "effort",
    "new",
    "resume",
    "sessions",
    "status",
    "mcp",
    "undo",
    "compact",
    "clear",
    "quit",
  ]);
});
