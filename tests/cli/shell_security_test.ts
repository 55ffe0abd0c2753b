// deno-lint-ignore-file no-console
/**
 * The security model of shell commands, git and "always" rules, tried as an attacker through the
 * real CLI: the model's tool calls are scripted against the loopback stand-in, headless (nobody
 * to ask), with and without an OS sandbox (bubblewrap runs only where it works on this machine).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import type { RecordedRequest } from "../fakes/loopback_server.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { hintedSessionId, inputOf, type Sandbox, sandbox } from "./helpers.ts";
import { GIT_ENVIRONMENT, hardenedGit } from "../../src/policy/git_hardening.ts";
import { bubblewrapWorks } from "../harness/bubblewrap.ts";

/** One tool call of the scripted model. */
interface Call {
  tool: string;
  args: Record<string, unknown>;
}

const bash = (command: string): Call => ({ tool: "bash", args: { command } });
const write = (path: string, content: string): Call => ({ tool: "write", args: { path, content } });

/** What a run did with each call: the output the model read and the recorded decision. */
interface Outcome {
  code: number;
  stderr: string;
  outputs: string[];
  decisions: { decision: string; source: string }[];
}

/** Runs `pixir run` with a model that makes `calls` one after the other, then answers. */
async function runCalls(
  box: Sandbox,
  calls: readonly Call[],
  options: { flags?: string[]; env?: Record<string, string> } = {},
): Promise<Outcome> {
  await using server = startResponsesServer({
    script: [
      ...calls.map((call, i) => ({
        sse: toolCallAnswer({
          name: call.tool,
          arguments: JSON.stringify(call.args),
          callId: `call_${i}`,
        }),
      })),
      { sse: textAnswer("Done.") },
    ],
  });
  const result = await box.run(["run", ...options.flags ?? [], "go"], {
    server,
    env: options.env,
  });
  assert.equal(result.code, 0, result.stderr);
  const last: RecordedRequest = server.requests[server.requests.length - 1];
  const outputs = calls.map((_, i) => {
    const item = inputOf(last).find((it) =>
      it.type === "function_call_output" && it.call_id === `call_${i}`
    );
    assert.ok(item, `no output for call_${i}`);
    return String(item.output);
  });
  const log = await box.log(hintedSessionId(result.stderr));
  const decisions = log.flatMap((e) =>
    e.type === "permission_decision"
      ? [{ decision: String(e.data.decision), source: String(e.data.source) }]
      : []
  );
  return { code: result.code, stderr: result.stderr, outputs, decisions };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The two ways shell commands run: inside bubblewrap where it works, and without an OS sandbox
 * (a `bwrap` that fails first on PATH, as in a container without user namespaces).
 */
const MODES: {
  name: string;
  ignore: boolean;
  env(box: Sandbox): Promise<Record<string, string>>;
}[] = [
  {
    name: "without an OS sandbox",
    ignore: false,
    env: async (box) => {
      const bin = join(box.root, "no-sandbox-bin");
      await Deno.mkdir(bin, { recursive: true });
      await Deno.writeTextFile(
        join(bin, "bwrap"),
        "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n",
        { mode: 0o755 },
      );
      return { PATH: `${bin}:${Deno.env.get("PATH") ?? ""}` };
    },
  },
  {
    name: "inside bubblewrap",
    ignore: !(await bubblewrapWorks()),
    env: () => Promise.resolve({}),
  },
];
if (MODES[1].ignore) console.log("bubblewrap cannot run here: its variants are ignored");

for (const mode of MODES) {
  Deno.test({
    name: `${mode.name}: the issue's expansions are never judged safe, and nothing they hide runs`,
    ignore: mode.ignore,
    async fn() {
      await using box = await sandbox({ "a.txt": "alpha\n" });
      await Deno.mkdir(join(box.root, "outside"));
      await Deno.writeTextFile(join(box.root, "outside", "secret.txt"), "TOP-SECRET\n");
      const env = await mode.env(box);
      const lines = [
        `find . -maxdepth 0 {-exec,bash,-c,"touch pwned-find",\\;}`,
        "cat {..,.}/outside/secret.txt",
        "git diff {--output,f}",
        'cat "`touch pwned-backtick`"',
      ];
      for (const flags of [[], ["--read-only"]]) {
        const run = await runCalls(box, lines.map(bash), { flags, env });
        const refusal = flags.length === 0 ? "non_interactive" : "read_only";
        assert.deepEqual(
          run.decisions,
          lines.map(() => ({ decision: "deny", source: refusal })),
          flags.join(" "),
        );
        for (const output of run.outputs) assert.doesNotMatch(output, /TOP-SECRET/);
        for (const made of ["pwned-find", "f", "pwned-backtick"]) {
          assert.equal(await exists(join(box.workspace, made)), false, made);
        }
      }
    },
  });

  Deno.test({
    name:
      `${mode.name}: a safe-list command runs as its argv, without bash; an approved one via bash`,
    ignore: mode.ignore,
    async fn() {
      await using box = await sandbox({ "a b.txt": "spaced\n" });
      const env = await mode.env(box);
      // bash reads BASH_ENV before any command it runs: a marker that only a shell would make.
      const startup = join(box.root, "bash_env.sh");
      // (Only `bash -c`, whose $0 is bash: the launcher of this test's Pixir is a bash script.)
      await Deno.writeTextFile(
        startup,
        `case "$0" in bash | */bash) touch ${join(box.workspace, "bash-ran")} ;; esac\n`,
      );
      const run = await runCalls(box, [bash("cat 'a b.txt'"), bash("ls")], {
        env: { ...env, BASH_ENV: startup },
      });
      assert.deepEqual(run.decisions.map((d) => d.source), ["safe_list", "safe_list"]);
      assert.match(run.outputs[0], /^spaced\nexit code: 0$/);
      assert.equal(await exists(join(box.workspace, "bash-ran")), false, "no shell ran");

      const approved = await runCalls(box, [bash("touch made.txt")], {
        flags: ["--allow-run=touch"],
        env: { ...env, BASH_ENV: startup },
      });
      assert.deepEqual(approved.decisions.map((d) => d.source), ["allow_run"]);
      assert.ok(await exists(join(box.workspace, "made.txt")));
      assert.ok(await exists(join(box.workspace, "bash-ran")), "an approved line runs via bash");
    },
  });

  Deno.test({
    name: `${mode.name}: a safe-list program is never found in a PATH folder the model can fill`,
    ignore: mode.ignore,
    async fn() {
      await using box = await sandbox({ "a.txt": "alpha\n" });
      const env = await mode.env(box);
      const marker = join(box.root, "planted-ran");
      for (const dir of ["bin", "tools"]) {
        await Deno.mkdir(join(box.workspace, dir));
        await Deno.writeTextFile(join(box.workspace, dir, "cat"), `#!/bin/sh\ntouch ${marker}\n`, {
          mode: 0o755,
        });
      }
      const path = `bin:${join(box.workspace, "tools")}:${env.PATH ?? Deno.env.get("PATH")}`;
      const run = await runCalls(box, [bash("cat a.txt")], { env: { ...env, PATH: path } });
      assert.deepEqual(run.decisions.map((d) => d.source), ["safe_list"]);
      assert.match(run.outputs[0], /^alpha\n/);
      assert.equal(await exists(marker), false);
    },
  });

  Deno.test({
    name:
      `${mode.name}: file tools cannot plant git configuration, and planted config runs nothing`,
    ignore: mode.ignore,
    async fn() {
      await using box = await sandbox();
      const env = await mode.env(box);
      const ws = box.workspace;
      const marker = join(ws, "fsmonitor-ran");
      const fsmonitor = `touch ${marker}; false`;
      const bareConfig = `[core]\n\tbare = false\n\tworktree = .\n\tfsmonitor = ${fsmonitor}\n`;
      // The workspace is the home folder, so `.gitconfig` there is git's global config.
      const homeEnv = { ...env, HOME: ws };
      const planted = await runCalls(box, [
        write("HEAD", "ref: refs/heads/main\n"),
        write("config", bareConfig),
        write("objects/keep", ""),
        write("refs/heads/keep", ""),
        write(".git/config", bareConfig),
        write(".gitconfig", `[core]\n\tfsmonitor = ${fsmonitor}\n`),
        write(".config/git/config", `[core]\n\tfsmonitor = ${fsmonitor}\n`),
        bash("git status"),
      ], { env: homeEnv });
      for (const i of [0, 1, 4, 5, 6]) {
        assert.match(planted.outputs[i], /"kind":"denied"/, `write ${i}`);
      }
      for (const path of ["HEAD", "config", ".git", ".gitconfig", ".config/git"]) {
        assert.equal(await exists(join(ws, path)), false, path);
      }
      assert.equal(await exists(marker), false);

      // Planted by other means (a person's own command): git still runs none of it.
      await Deno.writeTextFile(join(ws, "HEAD"), "ref: refs/heads/main\n");
      await Deno.writeTextFile(join(ws, "config"), bareConfig);
      const bare = await runCalls(box, [bash("git status")], { env: homeEnv });
      assert.deepEqual(bare.decisions.map((d) => d.source), ["safe_list"]);
      assert.match(bare.outputs[0], /bare repository/);
      assert.equal(await exists(marker), false, "the bare layout's fsmonitor did not run");
      await Deno.remove(join(ws, "HEAD"));
      await Deno.remove(join(ws, "config"));
      await Deno.remove(join(ws, "objects"), { recursive: true });
      await Deno.remove(join(ws, "refs"), { recursive: true });

      await gitRepo(ws);
      await Deno.writeTextFile(join(ws, ".gitconfig"), `[core]\n\tfsmonitor = ${fsmonitor}\n`);
      // The attack is real: plain git runs the planted fsmonitor.
      await git(ws, ["status"], { HOME: ws });
      assert.ok(await exists(marker), "git itself runs a .gitconfig fsmonitor");
      await Deno.remove(marker);
      const viaHome = await runCalls(box, [bash("git status")], { env: homeEnv });
      assert.match(viaHome.outputs[0], /exit code: 0/);
      assert.equal(await exists(marker), false, "safe-list git ignored ~/.gitconfig");
    },
  });

  Deno.test({
    name: `${mode.name}: safe-list git runs no fsmonitor, external diff or textconv from config`,
    ignore: mode.ignore,
    async fn() {
      await using box = await sandbox();
      const env = await mode.env(box);
      const ws = box.workspace;
      await gitRepo(ws);
      await Deno.writeTextFile(join(ws, "f.txt"), "changed\n");
      const marks = ["fsmonitor", "external", "textconv"].map((n) => join(box.root, `${n}-ran`));
      await git(ws, ["config", "core.fsmonitor", `touch ${marks[0]}; false`]);
      await git(ws, ["config", "diff.external", `sh -c 'touch ${marks[1]}'`]);
      await git(ws, ["config", "diff.evil.textconv", `sh -c 'touch ${marks[2]}; cat "$0"'`]);
      await Deno.writeTextFile(join(ws, ".gitattributes"), "* diff=evil\n");
      const config = await Deno.readTextFile(join(ws, ".git", "config"));
      const run = await runCalls(box, [
        {
          tool: "edit",
          args: { path: ".git/config", old_text: "[core]", new_text: "[core]\n\tpager = evil" },
        },
        bash("git status"),
        bash("git diff"),
        bash("git log -p"),
      ], { env });
      assert.match(run.outputs.shift() ?? "", /"kind":"denied"/);
      assert.equal(await Deno.readTextFile(join(ws, ".git", "config")), config);
      assert.deepEqual(run.decisions.map((d) => d.source), ["safe_list", "safe_list", "safe_list"]);
      assert.match(run.outputs[0], /modified: {3}f\.txt/);
      assert.match(run.outputs[1], /\+changed/);
      for (const mark of marks) assert.equal(await exists(mark), false, mark);
      // The same repository does run them under plain git: the test can fail.
      await git(ws, ["diff"]);
      assert.ok(await exists(marks[1]) || await exists(marks[2]));
    },
  });

  Deno.test({
    name:
      `${mode.name}: an include in .git/config pointing into the workspace takes git off the safe list`,
    ignore: mode.ignore,
    async fn() {
      await using box = await sandbox();
      const env = await mode.env(box);
      const ws = box.workspace;
      await gitRepo(ws);
      const mark = join(box.root, "filter-ran");
      // The person's own config includes a file in the workspace (relative to .git/).
      await git(ws, ["config", "include.path", "../planted.cfg"]);
      const run = await runCalls(box, [
        write("planted.cfg", `[filter "x"]\n\tclean = touch ${mark} && cat\n`),
        write(".gitattributes", "* filter=x\n"),
        write("f.txt", "changed\n"),
        bash("git diff"),
        bash("git status"),
      ], { env });
      assert.deepEqual(run.decisions.map((d) => d.source), [
        "non_interactive",
        "non_interactive",
      ]);
      for (const output of run.outputs.slice(3)) {
        assert.match(output, /"kind":"denied"/);
        assert.match(output, /includes other files \(include\.path in \.git\/config\)/);
      }
      assert.equal(await exists(mark), false, "the planted filter did not run");
      // The attack is real: git with every switch the safe list adds still runs the filter.
      await git(ws, hardenedGit(["git", "diff"]).argv.slice(1), GIT_ENVIRONMENT);
      assert.ok(await exists(mark), "hardened git runs a filter from an included file");
    },
  });
}

Deno.test("headless: rules saved for the issue's line allow that line, never rm -rf important", async () => {
  await using box = await sandbox();
  await Deno.mkdir(join(box.workspace, "important"));
  await Deno.writeTextFile(
    join(box.home, "permissions.json"),
    JSON.stringify({
      version: 1,
      workspaces: {
        [box.workspace]: {
          always: ["rm -rf build", "mkdir build", "echo done > build/out.log"],
        },
      },
    }),
  );
  const run = await runCalls(box, [
    bash("rm -rf build && mkdir build && echo done > build/out.log"),
    bash("rm -rf important"),
    bash("rm -rf build important"),
    bash("mkdir build2"),
  ]);
  assert.deepEqual(run.decisions, [
    { decision: "allow", source: "rule" },
    { decision: "deny", source: "non_interactive" },
    // A rule is a prefix of words: the person approved commands starting with `rm -rf build`.
    { decision: "allow", source: "rule" },
    { decision: "deny", source: "non_interactive" },
  ]);
  assert.match(run.outputs[1], /Not pre-approved: rm -rf important\./);
  assert.equal(await exists(join(box.workspace, "important")), false, "the prefix rule's reach");
  assert.equal(await exists(join(box.workspace, "build2")), false);

  const listed = await box.run(["permissions"]);
  assert.match(
    listed.stdout,
    /always:\n {4}rm -rf build\n {4}mkdir build\n {4}echo done > build\/out\.log\n/,
  );
  const removed = await box.run(["permissions", "remove", "rm -rf 'build'"]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stderr, /removed "rm -rf 'build'"/);
  const saved = JSON.parse(await Deno.readTextFile(join(box.home, "permissions.json")));
  assert.deepEqual(saved.workspaces[box.workspace].always, [
    "mkdir build",
    "echo done > build/out.log",
  ]);
});

Deno.test("a permissions.json from an older version: its one-word rules are retired with a warning naming the file and the fix", async () => {
  await using box = await sandbox();
  const file = join(box.home, "permissions.json");
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      version: 1,
      workspaces: { [box.workspace]: { policy: {}, always: ["touch", "git commit", "x 'open"] } },
    }),
  );
  // Before, `touch` (saved for one `touch` command) allowed every touch command.
  const run = await runCalls(box, [bash("touch a.txt"), bash("touch b.txt > log")]);
  assert.deepEqual(run.decisions, [
    { decision: "deny", source: "non_interactive" },
    { decision: "deny", source: "non_interactive" },
  ]);
  assert.equal(await exists(join(box.workspace, "a.txt")), false);
  assert.match(run.stderr, new RegExp(`${file} was saved by an earlier Pixir`));
  assert.match(run.stderr, /"touch" \(/);
  assert.match(run.stderr, /pixir permissions set --allow-run=NAME/);
  const saved = JSON.parse(await Deno.readTextFile(file));
  assert.equal(saved.version, 2);
  assert.deepEqual(saved.workspaces[box.workspace].always, ["git commit", "x 'open"]);
  assert.deepEqual(saved.workspaces[box.workspace].retired_always, ["touch"]);
  // Said once: the next run has nothing to migrate.
  const again = await runCalls(box, []);
  assert.doesNotMatch(again.stderr, /earlier Pixir/);

  const listed = await box.run(["permissions"]);
  assert.match(listed.stdout, /x 'open {3}\(matches nothing: not one plain command\)/);
  assert.match(listed.stdout, /git commit\n/);
  assert.match(
    listed.stdout,
    /retired, not applied:\n {4}touch {3}\(saved by an earlier Pixir; it would allow every touch command\)/,
  );
  assert.equal((await box.run(["permissions", "remove", "touch"])).code, 0);
  assert.doesNotMatch((await box.run(["permissions"])).stdout, /retired/);
});

/** A repository with one committed file, made by git itself (not by Pixir's tools). */
async function gitRepo(dir: string): Promise<void> {
  await git(dir, ["init", "-q"]);
  await Deno.writeTextFile(join(dir, "f.txt"), "first\n");
  await git(dir, ["add", "f.txt"]);
  await git(dir, ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one"]);
}

async function git(dir: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  await new Deno.Command("git", {
    args,
    cwd: dir,
    env: { GIT_CONFIG_NOSYSTEM: "1", ...env },
    stdout: "null",
    stderr: "null",
    signal: AbortSignal.timeout(10_000),
  }).output();
}

Deno.test("headless --allow-run: an approved line may pipe into safe-list parts, never into others", async () => {
  await using box = await sandbox();
  const run = await runCalls(box, [
    bash("printf 'one\\ntwo\\n' 2>&1 | head -n 1"),
    bash("printf x | tee copied.txt"),
    bash("ls | head -n 1"),
  ], { flags: ["--allow-run=printf"] });
  assert.deepEqual(run.decisions, [
    { decision: "allow", source: "allow_run" },
    { decision: "deny", source: "non_interactive" },
    { decision: "deny", source: "non_interactive" },
  ]);
  assert.match(run.outputs[0], /^one\nexit code: 0$/);
  assert.equal(await exists(join(box.workspace, "copied.txt")), false);
});
