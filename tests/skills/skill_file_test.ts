import assert from "node:assert/strict";
import { parseSkillFile } from "../../src/skills/skill_file.ts";

Deno.test("front matter in YAML: folded, quoted and CRLF descriptions, extra keys allowed", () => {
  const folded = parseSkillFile(
    "\uFEFF---\r\nname: pdf\r\ndescription: |\r\n  Fill PDF forms.\r\n  Extract text.\r\nlicense: MIT\r\nmetadata:\r\n  version: 1\r\n---\r\nBODY\r\n",
    "pdf",
  );
  assert.deepEqual(folded, {
    ok: true,
    name: "pdf",
    description: "Fill PDF forms. Extract text.",
    body: "BODY",
  });
  const quoted = parseSkillFile(`---\nname: a-b\ndescription: "x: y"\n---\n`, "a-b");
  assert.ok(quoted.ok && quoted.description === "x: y" && quoted.body === "");
});

Deno.test("each broken rule is named", () => {
  const problem = (text: string, folder = "x") => {
    const parsed = parseSkillFile(text, folder);
    assert.ok(!parsed.ok);
    return parsed.problem;
  };
  assert.match(problem("no front matter"), /does not start with YAML front matter/);
  assert.match(problem("---\nname: x\ndescription: d\n"), /does not start with YAML front matter/);
  assert.match(problem("---\n- a\n---\n"), /not a mapping/);
  assert.match(problem("---\ndescription: d\n---\n"), /no `name`/);
  assert.match(problem("---\nname: x\n---\n"), /no `description`/);
  assert.match(problem("---\nname: x\ndescription: '  '\n---\n"), /no `description`/);
  assert.match(problem("---\nname: a--b\ndescription: d\n---\n", "a--b"), /single hyphens/);
  assert.match(problem(`---\nname: ${"a".repeat(65)}\ndescription: d\n---\n`), /at most 64/);
  assert.match(problem("---\nname: y\ndescription: d\n---\n"), /differs from its folder's \(x\)/);
  assert.match(
    problem(`---\nname: x\ndescription: ${"d".repeat(1025)}\n---\n`),
    /longer than 1024/,
  );
  assert.match(problem("---\nname: x\ndescription: [d\n---\n"), /not valid YAML/);
});
