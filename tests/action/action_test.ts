/**
 * The GitHub Action and the example workflows: validated against GitHub's schemas by
 * @action-validator/core; the action's install step run as a runner would run it against a stand-in
 * release (checksum verified), and its run step executed as a script against the stand-in backend.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { validateAction, validateWorkflow } from "@action-validator/core";
import { parse } from "yaml";
import { fakeArchive, releaseFiles, serveRelease } from "../fakes/release_server.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { textAnswer } from "../fakes/fixtures.ts";
import { denoDir, pixirArgv } from "../harness/cli.ts";
import { quote } from "../harness/shell_quote.ts";
import {
  ACCOUNT,
  chatgptLogin,
  sandbox,
  seedAuthFile,
  startChatgptBackend,
  subscriptionEnv,
} from "../cli/helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const read = (path: string) => Deno.readTextFileSync(join(ROOT, path));

/** The validator's errors, as `code at path` lines. */
function errorsOf(result: { errors?: { code: string; path?: string }[] }): string[] {
  return (result.errors ?? []).map((error) => `${error.code} at ${error.path ?? "/"}`);
}

Deno.test("action.yml and the example workflows pass GitHub's schemas; broken copies do not", () => {
  assert.deepEqual(errorsOf(validateAction(read("action.yml"))), []);
  for (const workflow of ["examples/github/holder.yml", "examples/github/fan-out.yml"]) {
    assert.deepEqual(errorsOf(validateWorkflow(read(workflow))), [], workflow);
  }
  const noRuns = read("action.yml").replace(/^runs:[\s\S]*$/m, "");
  assert.notDeepEqual(errorsOf(validateAction(noRuns)), [], "an action without runs is refused");
  const noJobs = read("examples/github/fan-out.yml").replace(/^jobs:[\s\S]*$/m, "jobs: {}\n");
  assert.notDeepEqual(errorsOf(validateWorkflow(noJobs)), [], "a workflow without jobs is refused");
});

/** The outputs a step wrote to $GITHUB_OUTPUT (multi-line values included). */
function outputs(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const heredoc = lines[i].match(/^([\w-]+)<<(\S+)$/);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      found[heredoc[1]] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (lines[i].includes("=")) {
      const at = lines[i].indexOf("=");
      found[lines[i].slice(0, at)] = lines[i].slice(at + 1);
    }
  }
  return found;
}

Deno.test("the action's run step, on a bundle from the holder: outputs, summary, exit code", async () => {
  await using holder = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT, accessTokenSeconds: 4 * 3600 });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("All green.") }]);
  await seedAuthFile(holder.home, chatgptLogin(server.origin, issuer.issueTokens()));
  const exported = await holder.run(["auth", "export", "--access-only"], {
    apiKey: null,
    env: subscriptionEnv(server),
  });
  assert.equal(exported.code, 0, exported.stderr);
  await using runner = await sandbox();
  const wrapper = join(runner.root, "pixir");
  await Deno.writeTextFile(
    wrapper,
    `#!/bin/sh\nexec ${pixirArgv([]).map(quote).join(" ")} "$@"\n`,
  );
  await Deno.chmod(wrapper, 0o755);
  const outputFile = join(runner.root, "output");
  const summaryFile = join(runner.root, "summary");
  const denoCache = await denoDir();
  const step = (bundle: string) =>
    new Deno.Command("sh", {
      args: [join(ROOT, "scripts/action_run.sh")],
      cwd: runner.workspace,
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: runner.root,
        DENO_DIR: denoCache,
        DENO_NO_UPDATE_CHECK: "1",
        PIXIR: wrapper,
        PIXIR_HOME: runner.home,
        PIXIR_ACCESS_BUNDLE: bundle,
        OPENAI_API_KEY: "",
        PIXIR_UNATTENDED: "1",
        PROMPT: "check the build",
        PERMISSIONS: "--read-only",
        GITHUB_OUTPUT: outputFile,
        GITHUB_STEP_SUMMARY: summaryFile,
        ...subscriptionEnv(server),
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
  const answered = await step(exported.stdout.trim());

  assert.equal(answered.code, 0, new TextDecoder().decode(answered.stderr));
  const written = outputs(await Deno.readTextFile(outputFile));
  assert.equal(written["exit-code"], "0");
  assert.equal(written["final-message"], "All green.");
  assert.match(written["session-id"], /\S/);
  assert.equal(JSON.parse(written.usage).total_tokens > 0, true);
  assert.match(await Deno.readTextFile(summaryFile), /### Pixir \(exit 0\)\n\nAll green\./);

  await Deno.writeTextFile(outputFile, "");
  const refused = await step("pixir-bundle-v1.broken");
  assert.equal(refused.code, 7);
  assert.equal(outputs(await Deno.readTextFile(outputFile))["exit-code"], "7");
});

/** A composite step of action.yml, as parsed. */
interface ActionStep {
  name: string;
  id?: string;
  if?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

function actionStep(name: string): ActionStep {
  const steps = parse(read("action.yml")).runs.steps as ActionStep[];
  const step = steps.find((s) => s.name === name);
  assert.ok(step, `action.yml has a step named ${name}`);
  return step;
}

/** `text` with each `${{ name }}` replaced from `context`; any other expression fails the test. */
function expand(text: string, context: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) => {
    assert.ok(Object.hasOwn(context, name), `the test does not know ${whole}`);
    return context[name];
  });
}

/** Runs the action's install step for `version` as a runner would (bash, its env expanded). */
async function runInstallStep(root: string, version: string, releaseUrl: string) {
  const step = actionStep("Install Pixir (checksum verified)");
  assert.equal(
    step.if,
    "steps.cache.outputs.cache-hit != 'true'",
    "a cached binary is not fetched",
  );
  const context = {
    "inputs.pixir-version": version,
    "runner.tool_cache": join(root, "tool-cache"),
  };
  const env = Object.fromEntries(
    Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, context)]),
  );
  const script = join(root, "install-step.sh");
  await Deno.writeTextFile(script, step.run!);
  const out = await new Deno.Command("bash", {
    args: ["--noprofile", "--norc", "-eo", "pipefail", script],
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: root,
      GITHUB_ACTION_PATH: ROOT,
      PIXIR_RELEASE_BASE_URL: releaseUrl,
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  // Where the cache step keeps the binary and where the run step looks for it.
  const cached = expand(actionStep("Cache the Pixir binary").with!.path, context);
  const binary = expand(actionStep("Run Pixir").env!.PIXIR, context);
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr), cached, binary };
}

const ASSET = `pixir-${Deno.build.arch}-unknown-linux-gnu.tar.gz`;

Deno.test({
  name:
    "the action's install step installs the release it names, checksum verified, where it caches and runs it",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await using dir = await tempWorkspace();
    const archive = await fakeArchive(dir.path, "0.3.0");
    await using release = serveRelease(
      new Map(await releaseFiles("download/v0.3.0", ASSET, archive)),
    );
    const step = await runInstallStep(dir.path, "0.3.0", release.baseUrl);
    assert.equal(step.code, 0, step.stderr);
    assert.equal(step.binary, join(step.cached, "pixir"), "the run step uses the cached folder");
    const ran = await new Deno.Command(step.binary).output();
    assert.equal(new TextDecoder().decode(ran.stdout).trim(), "pixir 0.3.0");
    assert.deepEqual(release.paths, [
      `/releases/download/v0.3.0/${ASSET}`,
      "/releases/download/v0.3.0/SHA256SUMS",
    ]);
  },
});

Deno.test({
  name: "the action's install step fails on a checksum mismatch and installs nothing",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await using dir = await tempWorkspace();
    const archive = await fakeArchive(dir.path, "0.3.0");
    await using release = serveRelease(
      new Map(await releaseFiles("latest/download", ASSET, archive, "cd".repeat(32))),
    );
    const step = await runInstallStep(dir.path, "latest", release.baseUrl);
    assert.notEqual(step.code, 0);
    assert.match(step.stderr, /checksum mismatch for pixir-/);
    await assert.rejects(Deno.stat(step.binary), Deno.errors.NotFound);
  },
});
