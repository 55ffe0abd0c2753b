import assert from "node:assert/strict";
import { join } from "node:path";
import { gitIncludeScreen, includeDirectives } from "../../src/policy/git_includes.ts";
import type { SafeInvocation } from "../../src/policy/safe_list.ts";

const gitStatus: SafeInvocation = { kind: "argv", argv: ["git", "status"], env: {} };

async function git(dir: string, ...args: string[]): Promise<void> {
  const done = await new Deno.Command("git", {
    args,
    cwd: dir,
    env: { GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null" },
    stdout: "null",
    stderr: "null",
    signal: AbortSignal.timeout(10_000),
  }).output();
  assert.ok(done.success, `git ${args.join(" ")}`);
}

async function withRepo(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pixir-git-includes-" }));
  try {
    await git(dir, "init", "-q");
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a repository without includes keeps git on the safe list; other programs are not looked at", async () => {
  await withRepo(async (dir) => {
    const screen = gitIncludeScreen(dir, Deno.env.get("PATH"));
    assert.equal(await screen(gitStatus), null);
    assert.equal(await screen({ kind: "argv", argv: ["ls"], env: {} }), null);
  });
});

Deno.test("include.path and includeIf in .git/config take git off the safe list, naming them", async () => {
  await withRepo(async (dir) => {
    await git(dir, "config", "include.path", "../planted.cfg");
    const screen = gitIncludeScreen(dir, Deno.env.get("PATH"));
    assert.match(
      await screen(gitStatus) ?? "",
      /includes other files \(include\.path in \.git\/config\)/,
    );
  });
  await withRepo(async (dir) => {
    // A condition that never holds still names a file the model could write later.
    await git(dir, "config", "includeIf.gitdir:/nowhere/.path", "planted.cfg");
    const reason = await gitIncludeScreen(dir, Deno.env.get("PATH"))(gitStatus);
    assert.match(reason ?? "", /includeif\.gitdir:\/nowhere\/\.path in \.git\/config/);
  });
});

Deno.test("a configuration git cannot read is a reason too; outside a repository there is none", async () => {
  await withRepo(async (dir) => {
    await Deno.writeTextFile(join(dir, ".git", "config"), "[core\n");
    const reason = await gitIncludeScreen(dir, Deno.env.get("PATH"))(gitStatus);
    assert.match(reason ?? "", /git cannot read this repository's configuration \(.*bad config/);
  });
  const plain = await Deno.makeTempDir({ prefix: "pixir-no-repo-" });
  try {
    assert.equal(await gitIncludeScreen(plain, Deno.env.get("PATH"))(gitStatus), null);
  } finally {
    await Deno.remove(plain, { recursive: true });
  }
});

Deno.test("git is looked up on the given PATH only, with the hardening switches and variables", async () => {
  const seen: { argv: readonly string[]; env: Readonly<Record<string, string>> }[] = [];
  const screen = gitIncludeScreen("/ws", "/usr/bin", (argv, env) => {
    seen.push({ argv, env });
    return Promise.resolve({ started: false });
  });
  assert.equal(await screen(gitStatus), null, "no git: the command fails on its own");
  assert.equal(seen[0].env.PATH, "/usr/bin");
  assert.equal(seen[0].env.GIT_CONFIG_GLOBAL, "/dev/null");
  assert.ok(seen[0].argv.includes("safe.bareRepository=explicit"));
  assert.deepEqual(seen[0].argv.slice(-5), [
    "config",
    "--list",
    "--show-origin",
    "--name-only",
    "-z",
  ]);
});

Deno.test("includeDirectives reads origin/name pairs", () => {
  const listing = [
    "command line:",
    "core.fsmonitor",
    "file:.git/config",
    "core.bare",
    "file:.git/config",
    "include.path",
    "file:.git/../x.cfg",
    "includeIf.onbranch:main.path",
    "",
  ].join("\0");
  assert.deepEqual(includeDirectives(listing), [
    "include.path in .git/config",
    "includeIf.onbranch:main.path in .git/../x.cfg",
  ]);
});
