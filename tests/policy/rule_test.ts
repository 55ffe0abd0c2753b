import assert from "node:assert/strict";
import { parseCommandLine } from "../../src/policy/command_line.ts";
import {
  covers,
  duplicatesDescriptor,
  parseRule,
  ruleFor,
  sameRule,
} from "../../src/policy/rule.ts";

const command = (source: string) => parseCommandLine(source).commands[0];

Deno.test("a rule is the command's whole argv and redirections, quoted to read back the same", () => {
  const cases: Record<string, string> = {
    "rm -rf build": "rm -rf build",
    "echo done >build/out.log": "echo done > build/out.log",
    'git commit -m "fix: it\'s done"': "git commit -m 'fix: it'\\''s done'",
    'cat "a b" "#x" ""': "cat 'a b' '#x' ''",
    "npm test 2>&1": "npm test 2>& 1",
  };
  for (const [source, rule] of Object.entries(cases)) {
    assert.equal(ruleFor(command(source)), rule, source);
    const parsed = parseRule(rule);
    assert.ok(parsed !== null && covers(parsed, command(source)), `${rule} covers ${source}`);
  }
  assert.equal(ruleFor(command("rm *.o")), null, "a glob has no rule");
  assert.equal(ruleFor(command("> out")), null, "no program, no rule");
});

Deno.test("a rule text must be one plain simple command", () => {
  for (const text of ["", "a && b", "rm $X", "x 'open", "ls *", "(ls)"]) {
    assert.equal(parseRule(text), null, text);
  }
});

Deno.test("rules compare by meaning, redirections exactly", () => {
  assert.ok(sameRule("rm  'build'", "rm build"));
  assert.ok(!sameRule("rm build", "rm build x"));
  assert.ok(!sameRule("echo x > a", "echo x"));
  const rule = parseRule("echo x > a");
  assert.ok(rule !== null && covers(rule, command("echo x > a")));
  assert.ok(!covers(rule, command("echo x > a 2> b")));
  assert.ok(!covers(rule, command("echo x >> a")));
});

Deno.test("only a descriptor duplication or close opens no file", () => {
  const dup = (source: string) => duplicatesDescriptor(command(source).redirects[0]);
  for (const source of ["x 2>&1", "x >&2", "x 3<&-", "x 1>&2-"]) assert.ok(dup(source), source);
  for (const source of ["x > f", "x &> 1", "x >&f", "x 2> 1", 'x >&"$F"']) {
    assert.ok(!dup(source), source);
  }
});
