import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  assertNoStackTrace,
  bodyOf,
  hintedSessionId,
  inputOf,
  jsonObject,
  type Sandbox,
  sandbox,
} from "./helpers.ts";

/** A SKILL.md with this front matter and body. */
function skillFile(front: string, body: string): string {
  return `---\n${front}\n---\n${body}\n`;
}

async function put(path: string, text: string): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/**
 * A repository (the workspace, holding `.git`) with a package folder, skills at each level, one
 * in the person's home, one in Pixir's home, and one above the repository that must not count.
 */
async function skilledBox(): Promise<{ box: Sandbox; home: string; pkg: string }> {
  const box = await sandbox();
  const home = join(box.root, "user-home");
  const pkg = join(box.workspace, "pkg");
  await Deno.mkdir(join(box.workspace, ".git"), { recursive: true });
  await put(
    join(pkg, ".agents/skills/release-notes/SKILL.md"),
    skillFile(
      "name: release-notes\ndescription: >\n  Write release notes:\n  from the git log.",
      "NEAREST-BODY run scripts/notes.sh",
    ),
  );
  await put(
    join(box.workspace, ".agents/skills/release-notes/SKILL.md"),
    skillFile("name: release-notes\ndescription: the root one", "ROOT-BODY"),
  );
  await put(
    join(box.workspace, ".agents/skills/no-description/SKILL.md"),
    skillFile("name: no-description", "x"),
  );
  await put(
    join(box.workspace, ".agents/skills/Bad_Name/SKILL.md"),
    skillFile("name: Bad_Name\ndescription: d", "x"),
  );
  await put(join(box.workspace, ".agents/skills/broken/SKILL.md"), "---\nname: [broken\n---\n");
  await put(
    join(home, ".agents/skills/deploy/SKILL.md"),
    skillFile('name: deploy\ndescription: "Deploy the app"', "DEPLOY-BODY"),
  );
  await put(
    join(box.home, "skills/triage/SKILL.md"),
    skillFile("name: triage\ndescription: Triage an issue", "TRIAGE-BODY"),
  );
  await put(
    join(box.root, ".agents/skills/outside/SKILL.md"),
    skillFile("name: outside\ndescription: above the repository", "OUTSIDE"),
  );
  return { box, home, pkg };
}

Deno.test("pixir skills lists the nearest skill of each name with its origin, and warns about bad files", async () => {
  const { box, home, pkg } = await skilledBox();
  await using _ = box;

  const result = await box.run(["skills", "--json"], { cwd: pkg, env: { HOME: home } });

  assert.equal(result.code, 0, result.stderr);
  const out = jsonObject(result.stdout);
  const skills = out.skills as Record<string, unknown>[];
  assert.deepEqual(skills.map((s) => [s.name, s.scope]), [
    ["release-notes", "project"],
    ["deploy", "user"],
    ["triage", "pixir"],
  ]);
  assert.equal(skills[0].description, "Write release notes: from the git log.");
  assert.equal(skills[0].path, join(pkg, ".agents/skills/release-notes/SKILL.md"));
  const warnings = (out.warnings as string[]).join("\n");
  const root = join(box.workspace, ".agents/skills");
  assert.ok(
    warnings.includes(
      `${root}/no-description/SKILL.md: skipped, its front matter has no \`description\``,
    ),
    warnings,
  );
  assert.ok(
    warnings.includes(`${root}/Bad_Name/SKILL.md: skipped, its name "Bad_Name" must be`),
    warnings,
  );
  assert.ok(
    warnings.includes(`${root}/broken/SKILL.md: skipped, its front matter is not valid YAML`),
    warnings,
  );
  assert.ok(
    warnings.includes(`${root}/release-notes/SKILL.md: skipped, the skill release-notes of`),
    warnings,
  );
  assert.ok(
    !JSON.stringify(out).includes("outside"),
    "a folder above the repository is not searched",
  );

  const plain = await box.run(["skills"], { cwd: pkg, env: { HOME: home } });
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(
    plain.stdout.startsWith("release-notes (project)\n  Write release notes: from the git log.\n"),
    plain.stdout,
  );
  assert.match(plain.stdout, /deploy \(~\/\.agents\)/);
  assert.match(plain.stderr, /pixir: warning: .*no-description\/SKILL\.md: skipped/);
  assertNoStackTrace(plain.stderr);
});

Deno.test("a project skill linking outside the repository is skipped", async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.workspace, ".git"));
  const secret = join(box.root, "secret.md");
  await Deno.writeTextFile(secret, skillFile("name: leak\ndescription: d", "SECRET"));
  await Deno.mkdir(join(box.workspace, ".agents/skills/leak"), { recursive: true });
  await Deno.symlink(secret, join(box.workspace, ".agents/skills/leak/SKILL.md"));

  const result = await box.run(["skills", "--json"]);

  assert.equal(result.code, 0, result.stderr);
  const out = jsonObject(result.stdout);
  assert.deepEqual(out.skills, []);
  assert.match(String(out.warnings), /leak\/SKILL\.md: skipped, it links outside the repository/);
});

Deno.test("a run lists skills by name, description and path only; the skill tool loads a body", async () => {
  const { box, home, pkg } = await skilledBox();
  await using _ = box;
  const call = toolCallAnswer({
    name: "skill",
    arguments: JSON.stringify({ name: "deploy" }),
    callId: "call_skill",
  });
  await using server = startResponsesServer({
    script: [{ sse: call }, { sse: textAnswer("Deployed.") }],
  });

  const result = await box.run(["run", "deploy it"], { server, cwd: pkg, env: { HOME: home } });

  assert.equal(result.code, 0, result.stderr);
  const first = bodyOf(server.requests[0]);
  const instructions = String(first.instructions);
  assert.ok(
    instructions.includes(
      `- deploy: Deploy the app (${join(home, ".agents/skills/deploy/SKILL.md")})`,
    ),
    instructions,
  );
  for (const body of ["DEPLOY-BODY", "NEAREST-BODY", "TRIAGE-BODY"]) {
    assert.ok(!JSON.stringify(first).includes(body), `${body} is not sent up front`);
  }
  assert.ok((first.tools as { name: string }[]).some((tool) => tool.name === "skill"));
  const output = inputOf(server.requests[1]).find((item) =>
    item.call_id === "call_skill" &&
    item.type === "function_call_output"
  );
  assert.match(String(output?.output), /Skill deploy \(folder .*deploy\):\n\nDEPLOY-BODY/);
});

Deno.test("$name in a prompt loads the skill up front, and the log keeps it for resume", async () => {
  const { box, home, pkg } = await skilledBox();
  await using _ = box;
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("Notes written.") }, { sse: textAnswer("Again.") }],
  });

  const result = await box.run(["run", "use $release-notes for v2"], {
    server,
    cwd: pkg,
    env: { HOME: home },
  });

  assert.equal(result.code, 0, result.stderr);
  const input = JSON.stringify(inputOf(server.requests[0]));
  assert.ok(input.includes("NEAREST-BODY run scripts/notes.sh"), input);
  assert.ok(!input.includes("ROOT-BODY"), "the shadowed skill is not loaded");
  assert.ok(
    input.indexOf("use $release-notes for v2") < input.indexOf("NEAREST-BODY"),
    "the skill follows the prompt",
  );
  const id = hintedSessionId(result.stderr);
  const message = (await box.log(id)).find((event) => event.type === "user_message");
  assert.ok(message?.type === "user_message");
  assert.deepEqual(message.data.context?.map((part) => [part.source, part.name]), [[
    "skill",
    "release-notes",
  ]]);

  const slash = await box.run(["resume", id, "/triage this one"], {
    server,
    cwd: pkg,
    env: { HOME: home },
  });
  assert.equal(slash.code, 0, slash.stderr);
  const resumed = JSON.stringify(inputOf(server.requests[1]));
  assert.ok(resumed.includes("NEAREST-BODY"), "the earlier skill is replayed");
  assert.ok(resumed.includes("TRIAGE-BODY"), "/name at the start loads a skill too");
});

Deno.test("without skills the request carries no skill tool and no skills section", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Hi.") }] });

  const result = await box.run(["run", "hi $nothing"], { server });

  assert.equal(result.code, 0, result.stderr);
  const body = bodyOf(server.requests[0]);
  assert.ok(!(body.tools as { name: string }[]).some((tool) => tool.name === "skill"));
  assert.ok(!String(body.instructions).includes("Skills ("));
});
