import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runScript } from "./cli.ts";
import { tempWorkspace } from "./workspace.ts";

const report = fileURLToPath(new URL("./testdata/report.ts", import.meta.url));
const awaitSigint = fileURLToPath(new URL("./testdata/await_sigint.ts", import.meta.url));

interface Report {
  args: string[];
  cwd: string;
  home: string | null;
  pixirHome: string | null;
  openaiApiKey: string | null;
  extra: string | null;
  stdin: string;
}

Deno.test("runScript passes args, stdin and extra env, and returns output and exit code", async () => {
  await using workspace = await tempWorkspace();
  const result = await runScript(report, ["run", "--json", "hi there"], {
    cwd: workspace.path,
    env: { PIXIR_TEST_EXTRA: "yes", PIXIR_TEST_EXIT: "7" },
    stdin: "piped text\n",
  });
  assert.equal(result.code, 7);
  assert.equal(result.signal, null);
  assert.equal(result.stderr, "reported\n");
  const seen: Report = JSON.parse(result.stdout);
  assert.deepEqual(seen.args, ["run", "--json", "hi there"]);
  assert.equal(seen.cwd, workspace.path);
  assert.equal(seen.extra, "yes");
  assert.equal(seen.stdin, "piped text\n");
});

Deno.test("runScript gives a clean environment with fresh HOME and PIXIR_HOME", async () => {
  const previous = Deno.env.get("OPENAI_API_KEY");
  Deno.env.set("OPENAI_API_KEY", "sk-must-not-leak");
  try {
    const result = await runScript(report, []);
    const seen: Report = JSON.parse(result.stdout);
    assert.equal(seen.openaiApiKey, null);
    assert.equal(seen.stdin, "");
    assert.ok(seen.home && seen.home !== Deno.env.get("HOME"));
    assert.ok(seen.pixirHome && seen.pixirHome !== seen.home);
    assert.ok(seen.cwd !== Deno.cwd());
    for (const path of [seen.home, seen.pixirHome, seen.cwd]) {
      await assert.rejects(Deno.stat(path), Deno.errors.NotFound, "temporary dirs are removed");
    }
  } finally {
    if (previous === undefined) Deno.env.delete("OPENAI_API_KEY");
    else Deno.env.set("OPENAI_API_KEY", previous);
  }
});

Deno.test("runScript keeps a PIXIR_HOME given by the caller", async () => {
  await using pixirHome = await tempWorkspace();
  const result = await runScript(report, [], { env: { PIXIR_HOME: pixirHome.path } });
  assert.equal((JSON.parse(result.stdout) as Report).pixirHome, pixirHome.path);
  assert.ok((await Deno.stat(pixirHome.path)).isDirectory);
});

Deno.test("runScript sends SIGINT once the output so far says so", async () => {
  const seen: string[] = [];
  const result = await runScript(awaitSigint, [], {
    signalAfter: {
      signal: "SIGINT",
      when: (stderr) => {
        seen.push(stderr);
        return stderr.includes("ready\n");
      },
    },
    timeoutMs: 15_000,
  });
  assert.equal(result.code, 130);
  assert.equal(result.signal, null);
  assert.equal(result.stdout, "interrupted\n");
  assert.ok(seen.at(-1)?.endsWith("ready\n"));
});

Deno.test("runScript sends the signal after a delay", async () => {
  const result = await runScript(awaitSigint, [], {
    signalAfter: { signal: "SIGINT", ms: 300 },
    timeoutMs: 15_000,
  });
  assert.equal(result.code, 130);
});

Deno.test("runScript kills a run that outlives its timeout and reports its output", async () => {
  // Long enough for Deno to start and print on a loaded machine, where a second was not.
  await assert.rejects(
    runScript(awaitSigint, [], { timeoutMs: 5_000 }),
    /did not exit within 5000 ms[\s\S]*ready/,
  );
});

Deno.test("runScript copes with a program that exits without reading its stdin", async () => {
  const exitEarly = fileURLToPath(new URL("./testdata/exit_early.ts", import.meta.url));
  const result = await runScript(exitEarly, ["5"], { stdin: "x".repeat(4_000_000) });
  assert.equal(result.code, 5);
});
