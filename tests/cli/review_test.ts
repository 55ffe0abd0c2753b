/**
 * `pixir review` through the real CLI, in real git repositories, against the loopback stand-in:
 * the diff each choice builds, the read-only tools, the findings schema on the wire, the printed
 * findings and JSON, `--fail-on`, bounded diffs, bad input, and a hostile repository whose git
 * configuration tries to run programs.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import {
  assertNoStackTrace,
  bodyOf,
  hintedSessionId,
  inputOf,
  jsonObject,
  type Sandbox,
  sandbox,
} from "./helpers.ts";

/** Runs git in the workspace with a fixed identity, failing the test when git fails. */
async function git(box: Sandbox, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args],
    cwd: box.workspace,
    env: { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (!out.success) throw new Error(`git ${args.join(" ")}: ${text(out.stderr)}`);
  return text(out.stdout).trim();
}

/** A repository with one commit on `main` holding `src/app.ts`. */
async function repository(): Promise<Sandbox> {
  const box = await sandbox({ "src/app.ts": "export const a = 1;\nexport const b = 2;\n" });
  await git(box, "init", "-q", "-b", "main");
  await git(box, "add", ".");
  await git(box, "commit", "-q", "-m", "first");
  return box;
}

const FINDINGS = {
  summary: "Adds a division that can fail.",
  findings: [
    {
      file: "src/app.ts",
      start_line: 3,
      end_line: 4,
      severity: "low",
      title: "Unclear name",
      explanation: "The name c says nothing about what it holds.",
    },
    {
      file: "src/app.ts",
      start_line: 3,
      end_line: 3,
      severity: "high",
      title: "Division by zero",
      explanation: "When b is 0 the result is Infinity; check b first.",
    },
  ],
};

/** The prompt the review sent: the last user message's text. */
function promptOf(request: RecordedRequest): string {
  const user = inputOf(request).filter((item) => item.role === "user").at(-1);
  const content = user?.content as { type: string; text: string }[];
  return content.filter((part) => part.type === "input_text").map((part) => part.text).join("\n");
}

function toolNames(request: RecordedRequest): string[] {
  return (bodyOf(request).tools as { name: string }[]).map((tool) => tool.name).sort();
}

Deno.test("review --uncommitted: the diff with untracked files, read-only tools, findings printed", async () => {
  await using box = await repository();
  await Deno.writeTextFile(
    join(box.workspace, "src/app.ts"),
    "export const a = 1;\nexport const b = 2;\nexport const c = a / b;\n",
  );
  await Deno.writeTextFile(join(box.workspace, "notes.md"), "a new untracked file\n");
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({
          name: "read",
          arguments: JSON.stringify({ path: "src/app.ts" }),
          callId: "c1",
        }),
      },
      { sse: textAnswer(JSON.stringify(FINDINGS), { responseId: "resp_2" }) },
    ],
  });
  const result = await box.run(["review"], { server });
  assert.equal(result.code, 0, result.stderr);

  const [first, second] = server.requests;
  const prompt = promptOf(first);
  assert.match(prompt, /uncommitted changes/);
  assert.match(prompt, /\+export const c = a \/ b;/);
  assert.match(prompt, /\+\+\+ b\/notes\.md\n@@ -0,0 \+1 @@\n\+a new untracked file/);
  assert.deepEqual(toolNames(first), ["find", "grep", "ls", "read"], "only reading tools");
  const format = (bodyOf(first).text as { format: Record<string, unknown> }).format;
  assert.equal(format.type, "json_schema");
  assert.equal(format.strict, true);
  assert.deepEqual(
    (format.schema as { required: string[] }).required,
    ["summary", "findings"],
  );
  const output = inputOf(second).find((i) => i.type === "function_call_output");
  assert.match(String(output?.output), /export const c = a \/ b;/, "the read tool ran");

  // Most severe first; file, line range, severity, title and explanation for each.
  assert.match(
    result.stdout,
    /\[high\] Division by zero\n {2}src\/app\.ts:3\n {2}When b is 0 the result is Infinity; check b first\.\n\n\[low\] Unclear name\n {2}src\/app\.ts:3-4\n/,
  );
  assert.match(result.stdout, /2 findings \(1 high, 1 low\)\n$/);
  assert.match(result.stdout, /^Adds a division that can fail\./);
  const id = hintedSessionId(result.stderr);
  assert.deepEqual(await box.sessionIds(), [id], "the review is a session one can resume");
});

Deno.test("review --json prints the documented object; --fail-on turns findings into exit 8", async () => {
  await using box = await repository();
  await Deno.writeTextFile(join(box.workspace, "src/app.ts"), "export const c = 1 / 0;\n");
  const answer = { sse: textAnswer(JSON.stringify(FINDINGS)) };
  await using server = startResponsesServer({ script: [answer, answer, answer] });

  const gated = await box.run(["review", "--json", "--fail-on", "high"], { server });
  assert.equal(gated.code, 8, gated.stderr);
  assert.match(gated.stderr, /1 finding at or above high \(--fail-on\)/);
  const object = jsonObject(gated.stdout);
  assert.deepEqual(Object.keys(object).sort(), [
    "diff",
    "fail_on",
    "failing",
    "findings",
    "ok",
    "session_id",
    "summary",
    "target",
    "usage",
    "v",
  ]);
  assert.equal(object.v, 1);
  assert.equal(object.ok, true);
  assert.deepEqual(object.target, { kind: "uncommitted" });
  assert.deepEqual(object.diff, {
    files: 1,
    bytes: (object.diff as { bytes: number }).bytes,
    left_out: [],
  });
  assert.equal(object.fail_on, "high");
  assert.equal(object.failing, 1);
  assert.equal(object.summary, FINDINGS.summary);
  assert.deepEqual(object.findings, [FINDINGS.findings[1], FINDINGS.findings[0]]);

  const passing = await box.run(["review", "--fail-on", "critical"], { server });
  assert.equal(passing.code, 0, passing.stderr);
  const low = await box.run(["review", "--fail-on", "low", "--json"], { server });
  assert.equal(low.code, 8, low.stderr);
  assert.equal(jsonObject(low.stdout).failing, 2);
});

Deno.test("review --base and --commit send those diffs", async () => {
  await using box = await repository();
  await git(box, "checkout", "-q", "-b", "feature");
  await Deno.writeTextFile(join(box.workspace, "src/feature.ts"), "export const f = 1;\n");
  await git(box, "add", ".");
  await git(box, "commit", "-q", "-m", "add the feature\n\nWith a body.");
  const featureSha = await git(box, "rev-parse", "HEAD");
  await Deno.writeTextFile(join(box.workspace, "src/later.ts"), "export const l = 2;\n");
  await git(box, "add", ".");
  await git(box, "commit", "-q", "-m", "later");
  const none = { sse: textAnswer(JSON.stringify({ summary: "fine", findings: [] })) };
  await using server = startResponsesServer({ script: [none, none] });

  const base = await box.run(["review", "--base", "main"], { server });
  assert.equal(base.code, 0, base.stderr);
  assert.match(base.stdout, /no findings/);
  const branchPrompt = promptOf(server.requests[0]);
  assert.match(branchPrompt, /against main/);
  assert.match(branchPrompt, /\+export const f = 1;/);
  assert.match(branchPrompt, /\+export const l = 2;/);

  // From a subfolder: the review works in the repository's root, where the diff's paths start.
  const commit = await box.run(["review", "-C", "src", "--commit", featureSha.slice(0, 10)], {
    server,
  });
  assert.equal(commit.code, 0, commit.stderr);
  const started = (await box.log(hintedSessionId(commit.stderr)))[0];
  assert.equal(
    started.type === "session_started" && started.data.cwd,
    await Deno.realPath(box.workspace),
  );
  const commitPrompt = promptOf(server.requests[1]);
  assert.match(commitPrompt, /\+export const f = 1;/);
  assert.doesNotMatch(commitPrompt, /export const l/, "only that commit");
  assert.match(commitPrompt, /add the feature\n\s+\n\s+With a body\./);
});

/** Runs `review` with each set of flags and checks it is exit 2 with the message, no request. */
async function refusedReviews(box: Sandbox, cases: readonly [string[], RegExp][]): Promise<void> {
  await using server = startResponsesServer({ script: [{ sse: textAnswer("never") }] });
  for (const [flags, message] of cases) {
    const result = await box.run(["review", ...flags], { server });
    assert.equal(result.code, 2, `${flags.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assertNoStackTrace(result.stderr);
  }
  assert.equal(server.requests.length, 0);
  assert.deepEqual(await box.sessionIds(), []);
}

Deno.test("review: bad flags are exit 2 before any request, each saying what is wrong", async () => {
  await using box = await repository();
  await refusedReviews(box, [
    [["--base=-x"], /--base: "-x" is not a branch or commit name/],
    [["--commit=--output=/tmp/x"], /--commit: "--output=\/tmp\/x" is not a branch or commit name/],
    [["--base", "main", "--commit", "HEAD"], /give only one of --uncommitted, --base, --commit/],
    [["--fail-on", "severe"], /--fail-on: "severe" is not one of critical, high, medium, low/],
    [["--bogus"], /--bogus/],
  ]);
});

Deno.test("review: an unknown branch or a folder outside a repository is exit 2, also in --json", async () => {
  await using box = await repository();
  await Deno.writeTextFile(join(box.workspace, "src/app.ts"), "changed\n");
  await refusedReviews(box, [
    [["--base", "nope"], /--base: nope names no commit in this repository/],
    [["--commit", "0123abc"], /--commit: 0123abc names no commit in this repository/],
    [["-C", box.home], /not inside a git work tree/],
  ]);
  const json = await box.run(["review", "--json", "--base", "nope"]);
  assert.equal(json.code, 2);
  const object = jsonObject(json.stdout);
  assert.equal(object.ok, false);
  assert.equal((object.error as { kind: string }).kind, "usage");
  assert.deepEqual(object.target, { kind: "base", branch: "nope" });
  assert.equal(object.diff, null);
});

Deno.test("review: nothing changed is exit 0 without a request", async () => {
  await using box = await repository();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("never") }] });
  const result = await box.run(["review"], { server });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "no changes to review\n");
  assert.match(result.stderr, /nothing to review/);
  const json = await box.run(["review", "--json"], { server });
  assert.deepEqual(jsonObject(json.stdout).findings, []);
  assert.equal(server.requests.length, 0);
});

Deno.test("review: a write or shell call is no tool of a review, and nothing is written", async () => {
  await using box = await repository();
  await Deno.writeTextFile(join(box.workspace, "src/app.ts"), "changed\n");
  await using server = startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({
          name: "write",
          arguments: JSON.stringify({ path: "pwned.txt", content: "x" }),
          callId: "w1",
        }),
      },
      {
        sse: toolCallAnswer({
          name: "bash",
          arguments: JSON.stringify({ command: "touch pwned2.txt" }),
          callId: "b1",
          responseId: "resp_b",
        }),
      },
      {
        sse: textAnswer(JSON.stringify({ summary: "", findings: [] }), { responseId: "resp_3" }),
      },
    ],
  });
  const result = await box.run(["review", "-A"], { server });
  // `-A` is no flag of review: it cannot widen what a review may do.
  assert.equal(result.code, 2, result.stderr);
  // Nor can the workspace's saved policy, however wide.
  const saved = await box.run(["permissions", "set", "-A"]);
  assert.equal(saved.code, 0, saved.stderr);
  const review = await box.run(["review"], { server });
  assert.equal(review.code, 0, review.stderr);
  for (const [index, callId] of [[1, "w1"], [2, "b1"]] as const) {
    const output = inputOf(server.requests[index]).find((i) =>
      i.type === "function_call_output" && i.call_id === callId
    );
    assert.match(String(output?.output), /"kind":"unknown_tool"/);
  }
  await assert.rejects(Deno.stat(join(box.workspace, "pwned.txt")));
  await assert.rejects(Deno.stat(join(box.workspace, "pwned2.txt")));
});

Deno.test("review: a large diff is cut at file boundaries, and the files left out are named", async () => {
  await using box = await repository();
  const big = "x".repeat(120) + "\n";
  for (const name of ["a.txt", "b.txt", "c.txt", "d.txt"]) {
    await Deno.writeTextFile(join(box.workspace, name), big.repeat(700));
  }
  await using server = startResponsesServer({
    script: [{ sse: textAnswer(JSON.stringify({ summary: "", findings: [] })) }],
  });
  const result = await box.run(["review", "--json"], { server });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /the diff is \d+ kB in 4 files, more than a review sends: 2 files are sent whole, 2 are left out .*: c\.txt, d\.txt;/,
  );
  const prompt = promptOf(server.requests[0]);
  assert.match(prompt, /2 of 4 files are left out below/);
  assert.match(prompt, /^- c\.txt\n- d\.txt$/m);
  assert.doesNotMatch(prompt, /\+\+\+ b\/[cd]\.txt/);
  assert.match(prompt, /\+\+\+ b\/b\.txt/);
  const diff = jsonObject(result.stdout).diff as { files: number; left_out: string[] };
  assert.deepEqual(diff.left_out, ["c.txt", "d.txt"]);
  assert.equal(diff.files, 4);
});

Deno.test("review: a hostile repository's git config runs nothing (fsmonitor, external diff, textconv)", async () => {
  await using box = await repository();
  const marker = join(box.root, "ran");
  const program = join(box.root, "evil.sh");
  await Deno.writeTextFile(program, `#!/bin/sh\necho "$@" >> '${marker}'\n`);
  await Deno.chmod(program, 0o755);
  // Plain git would run each of these while making a diff.
  await git(box, "config", "core.fsmonitor", program);
  await git(box, "config", "diff.external", program);
  await git(box, "config", "diff.evil.textconv", program);
  await Deno.writeTextFile(join(box.workspace, ".gitattributes"), "* diff=evil\n");
  await Deno.writeTextFile(join(box.workspace, "src/app.ts"), "changed\n");
  await git(box, "diff", "HEAD").catch(() => "");
  assert.ok(await Deno.stat(marker).then(() => true), "plain git does run the planted program");
  await Deno.remove(marker);

  await using server = startResponsesServer({
    script: [{ sse: textAnswer(JSON.stringify({ summary: "", findings: [] })) }],
  });
  const result = await box.run(["review"], { server });
  assert.equal(result.code, 0, result.stderr);
  assert.match(promptOf(server.requests[0]), /\+changed/, "the real diff, not a program's output");
  await assert.rejects(Deno.stat(marker), Deno.errors.NotFound, "nothing ran");
});

Deno.test("review: an answer that is not the findings schema fails the review (exit 6)", async () => {
  await using box = await repository();
  await Deno.writeTextFile(join(box.workspace, "src/app.ts"), "changed\n");
  await using server = startResponsesServer({
    script: [{ sse: textAnswer(JSON.stringify({ findings: [{ file: "x" }] })) }],
  });
  const result = await box.run(["review", "--json"], { server });
  assert.equal(result.code, 6, result.stderr);
  const object = jsonObject(result.stdout);
  assert.equal(object.ok, false);
  assert.equal((object.error as { kind: string }).kind, "schema_mismatch");
  assert.match(result.stderr, /does not match the schema/);
});
