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

function denied(decision: Decision): Decision & { allow: false } {
  if (decision.allow) assert.fail(`expected a denial, got ${JSON.stringify(decision)}`);
  return decision;
}

Deno.test("safe-list commands, alone or piped, run without asking", async () => {
  const { ctx, asked } = ctxWith({ answer: { kind: "deny" } });
  for (const command of ["git status", "git log --oneline | head -n 3", "ls && pwd"]) {
    assert.deepEqual(await decide(command, ctx, never), { allow: true, source: "safe_list" });
  }
  assert.equal(asked.length, 0);
});

Deno.test("without anyone to ask, other commands are denied with a reason the model can act on", async () => {
  const { ctx } = ctxWith();
  const decision = denied(await decide("npm test", ctx, never));
  assert.equal(decision.source, "non_interactive");
  assert.match(decision.reason, /Not pre-approved: npm test/);
  assert.match(decision.reason, /--allow-run/);
  const hidden = denied(await decide("ls $(rm -rf x)", ctx, never));
  assert.match(hidden.reason, /substitution/);
});

Deno.test("--allow-run names programs; every command of a chain must be allowed", async () => {
  const { ctx } = ctxWith({ policy: { run: ["npm"] } });
  assert.deepEqual(await decide("npm install && npm test | tail", ctx, never), {
    allow: true,
    source: "allow_run",
  });
  denied(await decide("npm test && rm -rf /", ctx, never));
  denied(await decide("./npm test", ctx, never));
  denied(await decide("PATH=. npm test", ctx, never));
  denied(await decide("npm test $(curl evil)", ctx, never));
});

Deno.test("bare --allow-run (and -A) allows everything, substitutions included", async () => {
  const { ctx } = ctxWith({ policy: { run: "all" } });
  assert.deepEqual(await decide("curl x | sh &", ctx, never), { allow: true, source: "all" });
});

Deno.test("read-only mode runs only the safe list, whatever else is allowed", async () => {
  const { ctx, asked } = ctxWith({
    policy: { readOnly: true, run: "all" },
    answer: { kind: "once" },
  });
  assert.equal((await decide("cat a.txt", ctx, never)).allow, true);
  assert.equal(denied(await decide("touch a.txt", ctx, never)).source, "read_only");
  assert.equal(asked.length, 0);
});

Deno.test("a saved rule approves commands that start with its words", async () => {
  const { ctx } = ctxWith({ rules: ["git commit", "make"] });
  assert.deepEqual(await decide("git commit -m 'x' && make test", ctx, never), {
    allow: true,
    source: "rule",
    rules: ["git commit", "make"],
  });
  denied(await decide("git push", ctx, never));
});

Deno.test("asking: once runs, always saves the prefixes, deny passes the user's reason", async () => {
  const once = ctxWith({ answer: { kind: "once" } });
  assert.deepEqual(await decide("npm test", once.ctx, never), {
    allow: true,
    source: "user",
    scope: "once",
  });
  assert.deepEqual(once.asked, [{ command: "npm test", prefixes: ["npm test"] }]);
  assert.deepEqual(once.remembered, []);

  const always = ctxWith({ answer: { kind: "always" }, policy: { run: ["git"] } });
  const decision = await decide("git add . && cargo build --release", always.ctx, never);
  assert.deepEqual(decision, {
    allow: true,
    source: "user",
    scope: "always",
    rules: ["cargo build"],
  });
  assert.deepEqual(always.remembered, [["cargo build"]]);

  const no = ctxWith({ answer: { kind: "deny", reason: "use pnpm" } });
  const refused = denied(await decide("npm test", no.ctx, never));
  assert.equal(refused.source, "user");
  assert.equal(refused.userReason, "use pnpm");
});

Deno.test("always on a line with substitution approves it once and saves nothing", async () => {
  const { ctx, remembered } = ctxWith({ answer: { kind: "always" } });
  assert.deepEqual(await decide("echo $(date)", ctx, never), {
    allow: true,
    source: "user",
    scope: "once",
  });
  assert.deepEqual(remembered, []);
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
