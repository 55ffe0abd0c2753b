/**
 * A run never waits for a person: at a terminal nobody types into (tmux), an approval question is
 * denied once its time limit passes, and an unattended run (CI, --unattended, config) asks nothing.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, toolCallAnswer } from "../fakes/fixtures.ts";
import { type ResponsesServer, startResponsesServer } from "../fakes/responses_server.ts";
import { denoDir, pixirArgv } from "../harness/cli.ts";
import { startPane } from "../harness/tmux.ts";
import { API_KEY, inputOf, type Sandbox, sandbox } from "./helpers.ts";

const QUESTION = /allow\?/;

/** A model that asks to run `touch made.txt` (which needs approval), then answers. */
function touchingModel(): ResponsesServer {
  return startResponsesServer({
    script: [
      {
        sse: toolCallAnswer({
          name: "bash",
          arguments: JSON.stringify({ command: "touch made.txt" }),
          callId: "c1",
        }),
      },
      { sse: textAnswer("Done.") },
    ],
  });
}

/** `pixir run <args>` in a tmux pane nobody types into; the pane shows `exit=<code>` at the end. */
async function runInPane(
  box: Sandbox,
  server: ResponsesServer,
  args: string[],
  env: Record<string, string> = {},
) {
  return await startPane({
    command: pixirArgv(["run", ...args]),
    cwd: box.workspace,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: box.root,
      PIXIR_HOME: box.home,
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: API_KEY,
      DENO_DIR: await denoDir(),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      TERM: "xterm-256color",
      ...env,
    },
    columns: 120,
    rows: 40,
    after: 'echo "exit=$status"; sleep 30',
  });
}

/** What the model was told about call c1. */
function refusalOf(server: ResponsesServer): string {
  const output = inputOf(server.requests[1]).find((item) =>
    item.type === "function_call_output" && item.call_id === "c1"
  );
  return String(output?.output);
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

Deno.test("at a terminal nobody types into, the question is denied after approval_timeout_secs", async () => {
  await using box = await sandbox();
  await using server = touchingModel();
  await using pane = await runInPane(box, server, ["make a file"], {
    PIXIR_APPROVAL_TIMEOUT_SECS: "2",
  });

  await pane.waitFor(QUESTION, 30_000);
  const screen = await pane.waitFor(/exit=\d+/, 30_000);

  assert.match(screen, /exit=0/);
  assert.match(refusalOf(server), /nobody answered the approval question within 2 s/);
  assert.equal(await exists(join(box.workspace, "made.txt")), false);
});

for (
  const [name, args, env] of [
    ["CI is set", ["make a file"], { CI: "true" }],
    ["--unattended is given", ["--unattended", "make a file"], {}],
    ["PIXIR_UNATTENDED=1", ["make a file"], { PIXIR_UNATTENDED: "1" }],
  ] as const
) {
  Deno.test(`unattended because ${name}: denied at once at a terminal, no question`, async () => {
    await using box = await sandbox();
    await using server = touchingModel();
    await using pane = await runInPane(box, server, [...args], env);

    const screen = await pane.waitFor(/exit=\d+/, 30_000);

    assert.match(screen, /exit=0/);
    assert.doesNotMatch(screen, QUESTION);
    assert.match(refusalOf(server), /needs approval and nobody can give it/);
    assert.equal(await exists(join(box.workspace, "made.txt")), false);
  });
}

Deno.test("unattended = true in config.toml denies at once, CI=false does not undo it", async () => {
  await using box = await sandbox();
  await Deno.writeTextFile(join(box.home, "config.toml"), "unattended = true\n");
  await using server = touchingModel();
  await using pane = await runInPane(box, server, ["make a file"], { CI: "false" });
  const screen = await pane.waitFor(/exit=\d+/, 30_000);
  assert.doesNotMatch(screen, QUESTION);
  assert.match(refusalOf(server), /needs approval and nobody can give it/);
});

Deno.test("a project's unattended = true applies only once the workspace is trusted", async () => {
  await using box = await sandbox({ ".git/HEAD": "ref: refs/heads/main\n" });
  await Deno.mkdir(join(box.workspace, ".pixir"));
  await Deno.writeTextFile(join(box.workspace, ".pixir/config.toml"), "unattended = true\n");

  // Untrusted: the file is not read, so the question is put (and times out).
  {
    await using server = touchingModel();
    await using pane = await runInPane(box, server, ["make a file"], {
      PIXIR_APPROVAL_TIMEOUT_SECS: "2",
    });
    await pane.waitFor(QUESTION, 30_000);
    const screen = await pane.waitFor(/exit=\d+/, 30_000);
    assert.match(screen, /config\.toml is not read: this workspace is not trusted/);
    assert.match(refusalOf(server), /nobody answered the approval question within 2 s/);
  }

  const trust = await box.run(["trust"]);
  assert.equal(trust.code, 0, trust.stderr);
  await using server = touchingModel();
  await using pane = await runInPane(box, server, ["make a file"]);
  const screen = await pane.waitFor(/exit=\d+/, 30_000);
  assert.doesNotMatch(screen, QUESTION);
  assert.match(refusalOf(server), /needs approval and nobody can give it/);
});

Deno.test("a trusted project's unattended = false does not undo the person's unattended = true", async () => {
  await using box = await sandbox({ ".git/HEAD": "ref: refs/heads/main\n" });
  await Deno.writeTextFile(join(box.home, "config.toml"), "unattended = true\n");
  await Deno.mkdir(join(box.workspace, ".pixir"));
  await Deno.writeTextFile(join(box.workspace, ".pixir/config.toml"), "unattended = false\n");
  const trust = await box.run(["trust"]);
  assert.equal(trust.code, 0, trust.stderr);
  await using server = touchingModel();
  await using pane = await runInPane(box, server, ["make a file"]);
  const screen = await pane.waitFor(/exit=\d+/, 30_000);
  assert.doesNotMatch(screen, QUESTION);
  assert.match(screen, /config\.toml: unattended = false: a project may switch/);
  assert.match(refusalOf(server), /needs approval and nobody can give it/);
});

Deno.test("without a working OS sandbox, --deny-net is named as not enforced", async () => {
  await using box = await sandbox();
  // A bwrap that cannot run, first on PATH, as in a container that forbids user namespaces.
  const bin = join(box.root, "bin");
  await Deno.mkdir(bin);
  await Deno.writeTextFile(
    join(bin, "bwrap"),
    "#!/bin/sh\necho 'bwrap: No permissions' >&2\nexit 1\n",
  );
  await Deno.chmod(join(bin, "bwrap"), 0o755);
  const path = `${bin}:${Deno.env.get("PATH") ?? ""}`;
  const listing = () =>
    startResponsesServer({
      script: [
        { sse: toolCallAnswer({ name: "bash", arguments: '{"command":"ls"}', callId: "c1" }) },
        { sse: textAnswer("Done.") },
      ],
    });
  await using denied = listing();
  await using allowed = listing();

  const deny = await box.run(["run", "--deny-net", "list"], {
    server: denied,
    env: { PATH: path },
  });
  const plain = await box.run(["run", "list"], { server: allowed, env: { PATH: path } });

  assert.equal(deny.code, 0, deny.stderr);
  assert.match(deny.stderr, /without an OS sandbox: bwrap fails: bwrap: No permissions/);
  assert.match(deny.stderr, /--deny-net is not enforced: .*can still open network connections/);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, /without an OS sandbox/);
  assert.doesNotMatch(plain.stderr, /--deny-net/);
});
