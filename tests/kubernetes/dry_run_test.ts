/**
 * The Kubernetes examples' own command lines, run outside a cluster against the loopback stand-ins:
 * the holder CronJob's container exports a bundle and patches the Secret through a fake API server
 * that authorizes each request with the manifest's Role; then every index of the Indexed Job runs
 * its init container (the clone) and its worker with the environment the kubelet would give it.
 * Mount paths become temporary folders; `pixir` on PATH runs Pixir from source.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { textAnswer } from "../fakes/fixtures.ts";
import { type PolicyRule, startKubernetesApi } from "../fakes/kubernetes_api.ts";
import type { ResponsesServer } from "../fakes/responses_server.ts";
import { denoDir, pixirArgv } from "../harness/cli.ts";
import { quote } from "../harness/shell_quote.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import {
  ACCOUNT,
  chatgptLogin,
  inputOf,
  seedAuthFile,
  startChatgptBackend,
  subscriptionEnv,
} from "../cli/helpers.ts";
import {
  commandLine,
  type Container,
  containersOf,
  find,
  type ManifestDocument,
  podSpec,
  readManifests,
  resolveEnv,
} from "./manifests.ts";
import { gitRepository } from "./git_repository.ts";

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
const NAMESPACE = "agents";
const decoder = new TextDecoder();

/** Runs `argv` with a clean environment holding `env`, `pixir` on PATH and Deno's cache. */
async function runCommand(
  argv: string[],
  env: Record<string, string>,
  bin: string,
  home: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    clearEnv: true,
    env: {
      PATH: `${bin}:${Deno.env.get("PATH") ?? ""}`,
      HOME: home,
      DENO_DIR: await denoDir(),
      DENO_NO_UPDATE_CHECK: "1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** A folder with a `pixir` that runs Pixir from source, as the image's `pixir` does. */
async function pixirBin(root: string): Promise<string> {
  const bin = join(root, "bin");
  await Deno.mkdir(bin);
  await Deno.writeTextFile(
    join(bin, "pixir"),
    `#!/bin/sh\nexec ${pixirArgv([]).map(quote).join(" ")} "$@"\n`,
    { mode: 0o755 },
  );
  return bin;
}

/** The ConfigMap files a pod sees under its mount. */
async function configMapFolder(docs: readonly ManifestDocument[], dir: string): Promise<string> {
  await Deno.mkdir(dir);
  const data = find(docs, "ConfigMap", "pixir-tasks").data as Record<string, string>;
  for (const [key, value] of Object.entries(data)) await Deno.writeTextFile(join(dir, key), value);
  return dir;
}

/** The mount paths of `container` mapped onto fresh (or given) folders under `root`. */
async function mountsFor(
  container: Container,
  root: string,
  given: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const mounts: Record<string, string> = {};
  for (const mount of container.volumeMounts ?? []) {
    mounts[mount.mountPath] = given[mount.name] ?? join(root, mount.name);
    await Deno.mkdir(mounts[mount.mountPath], { recursive: true });
  }
  return mounts;
}

Deno.test("the holder CronJob exports a bundle into the Secret; the Indexed Job's workers answer on it", async () => {
  const docs = await readManifests();
  await using root = await tempWorkspace();
  const bin = await pixirBin(root.path);
  const issuer = createAuthIssuer({ account: ACCOUNT, accessTokenSeconds: 4 * 3600 });
  const tasks = find(docs, "ConfigMap", "pixir-tasks").data as Record<string, string>;
  await using server = startChatgptBackend(issuer, (request) => {
    const text = JSON.stringify(inputOf(request));
    const index = Object.keys(tasks).find((key) =>
      key.startsWith("task-") && text.includes(tasks[key])
    );
    return { sse: textAnswer(`answer for ${index ?? "an unknown task"}`) };
  });
  const role = find(docs, "Role", "pixir-holder");
  await using api = startKubernetesApi(role.rules as PolicyRule[], {
    [`${NAMESPACE}/pixir-bundle`]: { bundle: btoa("not-exported-yet") },
  });

  // The holder: signed in on its volume, its token 30 minutes from expiry.
  const cron = find(docs, "CronJob", "pixir-holder");
  const [exporter] = containersOf(podSpec(cron));
  const serviceAccount = join(root.path, "serviceaccount");
  await Deno.mkdir(serviceAccount);
  await Deno.writeTextFile(join(serviceAccount, "token"), api.token);
  await Deno.writeTextFile(join(serviceAccount, "namespace"), NAMESPACE);
  await Deno.writeTextFile(join(serviceAccount, "ca.crt"), "");
  const holderMounts: Record<string, string> = {
    ...await mountsFor(exporter, join(root.path, "holder"), {}),
    [SERVICE_ACCOUNT_DIR]: serviceAccount,
  };
  const holderHome = holderMounts["/home/pixir/.pixir"];
  await seedAuthFile(
    holderHome,
    chatgptLogin(server.origin, issuer.issueTokens({ accessTokenSeconds: 30 * 60 })),
  );
  const exported = await runCommand(
    commandLine(exporter, holderMounts),
    {
      ...resolveEnv(exporter, docs),
      PIXIR_HOME: holderHome,
      KUBERNETES_API_URL: api.url,
      ...subscriptionEnv(server),
    },
    bin,
    root.path,
  );

  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /pixir-bundle holds a bundle valid for at least 3h/);
  assert.equal(issuer.refreshRequests, 1, "the export refreshed the expiring token once");
  assert.deepEqual(
    api.requests.map((r) => `${r.verb} ${r.resource}/${r.name} in ${r.namespace}: ${r.allowed}`),
    [`patch secrets/pixir-bundle in ${NAMESPACE}: true`],
    "one request, allowed by the Role",
  );
  const bundle = atob(api.secret(NAMESPACE, "pixir-bundle")!.bundle);
  assert.match(bundle, /^pixir-bundle-v1\./);
  for (const [k, v] of Object.entries(await readAuthTokens(holderHome))) {
    if (k !== "access_token") assert.ok(!bundle.includes(v), `the bundle holds no ${k}`);
  }

  // The workers: the Secret as the API server now holds it, the ConfigMap naming a local repository.
  const url = `file://${await gitRepository(join(root.path, "origin"))}`;
  const patched = docs.map((doc) => {
    const manifest = structuredClone(doc.manifest);
    if (manifest.kind === "Secret") manifest.stringData = { bundle };
    if (manifest.kind === "ConfigMap") (manifest.data as Record<string, string>).repository = url;
    return { ...doc, manifest };
  });
  const job = find(patched, "Job", "pixir-workers");
  const completions = (job.spec as Record<string, number>).completions;
  const taskDir = await configMapFolder(patched, join(root.path, "tasks"));
  const refreshesBefore = issuer.refreshRequests;
  const results = await Promise.all(
    Array.from({ length: completions }, async (_, index) => {
      const podRoot = join(root.path, `pod-${index}`);
      let last = { code: -1, stdout: "", stderr: "" };
      let home = "";
      for (const container of containersOf(podSpec(job))) {
        const mounts = await mountsFor(container, podRoot, { tasks: taskDir });
        home = mounts["/home/pixir/.pixir"] ?? home;
        last = await runCommand(
          commandLine(container, mounts),
          {
            ...resolveEnv(container, patched),
            JOB_COMPLETION_INDEX: String(index),
            PIXIR_HOME: join(podRoot, "pixir-home"),
            ...subscriptionEnv(server),
          },
          bin,
          podRoot,
        );
        assert.equal(last.code, 0, `${container.name} of pod ${index}: ${last.stderr}`);
      }
      return { ...last, home };
    }),
  );

  for (const [index, result] of results.entries()) {
    const final = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    assert.equal(final.ok, true, result.stdout);
    assert.equal(final.answer, `answer for task-${index}`);
    const files = [...Deno.readDirSync(result.home)].map((e) => e.name);
    assert.ok(!files.includes("auth.json"), `worker ${index} wrote no sign-in: ${files}`);
  }
  assert.equal(issuer.refreshRequests, refreshesBefore, "no worker refreshed");
  const bearer = JSON.parse(atob(
    bundle.slice("pixir-bundle-v1.".length).replaceAll("-", "+")
      .replaceAll("_", "/"),
  )).access_token;
  const answered = server.requests.filter((r) => r.path.endsWith("/responses"));
  assert.equal(answered.length, completions);
  for (const request of answered) assert.equal(request.headers.authorization, `Bearer ${bearer}`);
});

Deno.test("a worker on the Secret as applied, before the holder's first export, ends with exit 7", async () => {
  const docs = await readManifests();
  await using root = await tempWorkspace();
  const bin = await pixirBin(root.path);
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using server: ResponsesServer = startChatgptBackend(issuer, [{ sse: textAnswer("no") }]);
  const worker = containersOf(podSpec(find(docs, "Job", "pixir-workers"))).at(-1)!;
  const taskDir = await configMapFolder(docs, join(root.path, "tasks"));
  const mounts = await mountsFor(worker, join(root.path, "pod"), { tasks: taskDir });
  await Deno.mkdir(join(mounts["/workspace"], "repo"));

  const result = await runCommand(
    commandLine(worker, mounts),
    {
      ...resolveEnv(worker, docs),
      JOB_COMPLETION_INDEX: "0",
      PIXIR_HOME: mounts["/home/pixir/.pixir"],
      ...subscriptionEnv(server),
    },
    bin,
    root.path,
  );

  assert.equal(result.code, 7, result.stderr);
  assert.match(result.stdout + result.stderr, /auth export --access-only/);
  assert.equal(server.requests.length, 0, "nothing was sent on a placeholder");
});

/** The stored sign-in's tokens. */
async function readAuthTokens(home: string): Promise<Record<string, string>> {
  const auth = JSON.parse(await Deno.readTextFile(join(home, "auth.json")));
  return auth.tokens;
}
