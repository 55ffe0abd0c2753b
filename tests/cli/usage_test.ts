import assert from "node:assert/strict";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { assertNoStackTrace, finalResult, jsonOutput, sandbox } from "./helpers.ts";

/** A command line that is bad usage, and what the plain run's stderr must point at. */
interface Misuse {
  args: string[];
  env?: Record<string, string>;
  stderr: RegExp;
}

const MISUSES: Record<string, Misuse> = {
  "an unknown command": { args: ["frobnicate"], stderr: /unknown command "frobnicate"/ },
  "an unknown flag of run": { args: ["run", "--bogus", "hi"], stderr: /--bogus/ },
  "an unknown flag of sessions": { args: ["sessions", "--bogus"], stderr: /--bogus/ },
  "a flag without its value": { args: ["run", "hi", "--model"], stderr: /--model/ },
  "a bad --effort": { args: ["run", "--effort", "extreme", "hi"], stderr: /--effort: "extreme"/ },
  "a bad PIXIR_EFFORT": {
    args: ["run", "hi"],
    env: { PIXIR_EFFORT: "extreme" },
    stderr: /PIXIR_EFFORT: "extreme"/,
  },
  "a bad --timeout": { args: ["run", "--timeout", "soon", "hi"], stderr: /--timeout: "soon"/ },
  "a workspace that does not exist": {
    args: ["run", "-C", "no/such/dir", "hi"],
    stderr: /no\/such\/dir does not exist/,
  },
  "resume with nothing at all": { args: ["resume"], stderr: /give a session id or --last/ },
  "help for an unknown command": { args: ["help", "frobnicate"], stderr: /"frobnicate"/ },
};

Deno.test("bad usage is exit 2, explained on stderr, and reaches no server", async (t) => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });

  for (const [name, misuse] of Object.entries(MISUSES)) {
    await t.step(name, async () => {
      const result = await box.run(misuse.args, { server, env: misuse.env });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, "");
      assert.match(result.stderr, misuse.stderr);
      assertNoStackTrace(result.stderr);
    });
  }
  assert.equal(server.requests.length, 0);
  assert.deepEqual(await box.sessionIds(), []);
});

Deno.test("bad usage with --json prints the error object", async (t) => {
  await using box = await sandbox();

  for (
    const args of [["run", "--json", "--bogus", "hi"], ["run", "--json", "--effort", "x", "hi"]]
  ) {
    await t.step(args.join(" "), async () => {
      const result = await box.run(args);
      assert.equal(result.code, 2);
      const final = jsonOutput(result.stdout);
      assert.equal(final.ok, false);
      assert.equal(final.session_id, null);
      assert.equal(final.error?.kind, "usage");
      // stdout holds only the JSON; the person reads the same failure on stderr.
      assert.match(result.stderr, new RegExp(`^pixir: ${escape(final.error?.message ?? "")}\n`));
    });
  }
});

Deno.test("--json with --jsonl reports the usage error as the final JSON line", async () => {
  await using box = await sandbox();

  const result = await box.run(["run", "--json", "--jsonl", "hi"]);

  assert.equal(result.code, 2);
  const lines = result.stdout.trim().split("\n");
  assert.equal(lines.length, 1);
  const final = finalResult(lines[0]);
  assert.equal(final.error?.kind, "usage");
  assert.match(final.error?.message ?? "", /--json and --jsonl cannot be combined/);
});

/** `text` as a literal inside a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
