import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { bodyOf, hintedSessionId, sandbox } from "./helpers.ts";

const answer = () => ({ sse: textAnswer("Done.") });

Deno.test("run sends the user's and the project's AGENTS.md with the instructions, nearest last", async () => {
  await using box = await sandbox({ ".git/HEAD": "ref: main", "AGENTS.md": "Use tabs." });
  await Deno.writeTextFile(join(box.home, "AGENTS.md"), "Answer briefly.");
  await Deno.mkdir(join(box.workspace, "pkg"));
  await Deno.writeTextFile(join(box.workspace, "pkg/AGENTS.md"), "Run the pkg tests.");
  await using server = startResponsesServer({ script: [answer()] });

  const result = await box.run(["run", "hi"], { server, cwd: join(box.workspace, "pkg") });

  assert.equal(result.code, 0, result.stderr);
  const instructions = String(bodyOf(server.requests[0]).instructions);
  const at = ["Answer briefly.", "Use tabs.", "Run the pkg tests."].map((t) =>
    instructions.indexOf(t)
  );
  assert.ok(at[0] > 0 && at[0] < at[1] && at[1] < at[2], instructions);
});

Deno.test("--no-context leaves the AGENTS.md files out, for run and resume", async () => {
  await using box = await sandbox({ "AGENTS.md": "Use tabs." });
  await using server = startResponsesServer({ script: [answer(), answer(), answer()] });

  const run = await box.run(["run", "--no-context", "hi"], { server });
  const id = hintedSessionId(run.stderr);
  const resumed = await box.run(["resume", id, "--no-context", "again"], { server });
  const withContext = await box.run(["resume", id, "once more"], { server });

  assert.equal(run.code, 0, run.stderr);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(withContext.code, 0, withContext.stderr);
  const instructions = server.requests.map((r) => String(bodyOf(r).instructions));
  assert.doesNotMatch(instructions[0], /Use tabs\./);
  assert.doesNotMatch(instructions[1], /Use tabs\./);
  assert.match(instructions[2], /Use tabs\./);
});

Deno.test("resume from elsewhere reads the AGENTS.md of the session's workspace", async () => {
  await using box = await sandbox({ "AGENTS.md": "Workspace rules." });
  await Deno.writeTextFile(join(box.root, "AGENTS.md"), "Rules of another folder.");
  await using server = startResponsesServer({ script: [answer(), answer()] });
  const id = hintedSessionId((await box.run(["run", "hi"], { server })).stderr);

  const result = await box.run(["resume", id, "again"], { server, cwd: box.root });

  assert.equal(result.code, 0, result.stderr);
  const instructions = String(bodyOf(server.requests[1]).instructions);
  assert.match(instructions, /Workspace rules\./);
  assert.doesNotMatch(instructions, /Rules of another folder\./);
});

Deno.test("a context file linking out of the repository is skipped with a warning on stderr", async () => {
  await using box = await sandbox({ ".git/HEAD": "ref: main" });
  await Deno.writeTextFile(join(box.root, "private.txt"), "private notes");
  await Deno.symlink(join(box.root, "private.txt"), join(box.workspace, "AGENTS.md"));
  await using server = startResponsesServer({ script: [answer()] });

  const result = await box.run(["run", "hi"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /warning: .*AGENTS\.md: skipped, it links outside the repository/);
  assert.doesNotMatch(String(bodyOf(server.requests[0]).instructions), /private notes/);
});
