/**
 * The Kubernetes examples run for real under podman: the image built from the Containerfile, the
 * holder CronJob's container exporting a bundle into the Secret (through a fake API server that
 * authorizes with the manifest's Role), then the Indexed Job's pod template as N pods under
 * `podman kube play` (podman has no Job kind: one Pod per index, JOB_COMPLETION_INDEX set as
 * Kubernetes sets it), each its own containers and filesystem, on one bundle from a podman secret.
 * Pods use the host's network so they reach the loopback stand-ins. Skipped, with the reason, where
 * podman cannot run containers (`scripts/podman-setup` sets it up; `.ci/run` runs it).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { stringify } from "yaml";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { textAnswer } from "../fakes/fixtures.ts";
import { type PolicyRule, startKubernetesApi } from "../fakes/kubernetes_api.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import {
  ACCOUNT,
  chatgptLogin,
  inputOf,
  seedAuthFile,
  startChatgptBackend,
  subscriptionEnv,
} from "../cli/helpers.ts";
import { gitRepository, serveWithGitDaemon } from "./git_repository.ts";
import {
  type Container,
  containersOf,
  find,
  type Manifest,
  meta,
  podSpec,
  readManifests,
  resolveEnv,
} from "./manifests.ts";
import { buildImage, IMAGE, podman, podmanUnavailable, runContainer } from "./podman.ts";

const unavailable = await podmanUnavailable();
const skipped = unavailable === undefined ? "" : ` (skipped: ${unavailable})`;
const NAMESPACE = "agents";
const WORKERS = 3;
const IMAGE_UID = 10001;

/** Fails with podman's own words unless it succeeded. */
function ok(result: { code: number; stderr: string }, what: string): void {
  assert.equal(result.code, 0, `${what}: ${result.stderr}`);
}

// The build is a test of its own, so the tests after it have their whole time limit.
Deno.test({
  name: `the image builds from the Containerfile${skipped}`,
  ignore: unavailable !== undefined,
  fn: async () => ok(await buildImage(), "podman build"),
});

Deno.test({
  name:
    `doctor inside the image reports a working bubblewrap, and why not under /proc masks${skipped}`,
  ignore: unavailable !== undefined,
  fn: async () => {
    ok(await buildImage(), "podman build");
    const osCheck = async (options: string[]) => {
      const doctor = await runContainer([...options, IMAGE, "doctor", "--json"]);
      const report = JSON.parse(doctor.stdout);
      return report.checks.find((c: { id: string }) => c.id === "sandbox.os");
    };
    const unmasked = await osCheck(["--security-opt", "unmask=/proc/*"]);
    assert.equal(unmasked.status, "ok", unmasked.summary);
    assert.match(unmasked.summary, /bubblewrap/);
    // podman's default masks over /proc forbid a new /proc: doctor names the failure.
    const masked = await osCheck([]);
    assert.equal(masked.status, "warn");
    assert.match(masked.summary, /bwrap fails: .*proc/);
    const user = await runContainer(["--entrypoint", "id", IMAGE, "-u"]);
    assert.equal(user.stdout.trim(), String(IMAGE_UID), "the image runs unprivileged");
  },
});

/** The pod for `index` of the Job: its template, with JOB_COMPLETION_INDEX and per-pod volumes. */
function workerPod(job: Manifest, index: number, extraEnv: Record<string, string>): Manifest {
  const name = `${meta(job).name}-${index}`;
  const spec = structuredClone(podSpec(job));
  const rename = (volume: string) => `${name}-${volume}`;
  for (const container of containersOf(spec)) {
    container.image = IMAGE;
    container.env = [
      ...container.env ?? [],
      { name: "JOB_COMPLETION_INDEX", value: String(index) },
      ...Object.entries(extraEnv).map(([k, v]) => ({ name: k, value: v })),
    ];
    for (const mount of container.volumeMounts ?? []) mount.name = rename(mount.name);
  }
  // podman turns a pod's volumes into named volumes shared by every pod: one set per pod.
  for (const volume of spec.volumes as { name: string }[]) volume.name = rename(volume.name);
  return { apiVersion: "v1", kind: "Pod", metadata: { name }, spec };
}

Deno.test({
  name:
    `under podman: the holder exports into the Secret, ${WORKERS} worker pods answer on it${skipped}`,
  ignore: unavailable !== undefined,
  fn: async () => {
    ok(await buildImage(), "podman build");
    const docs = await readManifests();
    await using root = await tempWorkspace();
    const issuer = createAuthIssuer({ account: ACCOUNT, accessTokenSeconds: 4 * 3600 });
    const tasks = find(docs, "ConfigMap", "pixir-tasks").data as Record<string, string>;
    await using server = startChatgptBackend(issuer, (request) => {
      const text = JSON.stringify(inputOf(request));
      const key = Object.keys(tasks).find((k) => k.startsWith("task-") && text.includes(tasks[k]));
      return { sse: textAnswer(`answer for ${key ?? "an unknown task"}`) };
    });
    await using api = startKubernetesApi(find(docs, "Role", "pixir-holder").rules as PolicyRule[], {
      [`${NAMESPACE}/pixir-bundle`]: { bundle: btoa("not-exported-yet") },
    });

    // The holder: its container from the CronJob, its sign-in on its own volume.
    const [exporter] = containersOf(podSpec(find(docs, "CronJob", "pixir-holder")));
    const home = join(root.path, "holder-home");
    const account = join(root.path, "serviceaccount");
    await Deno.mkdir(home, { mode: 0o700 });
    await Deno.mkdir(account);
    await seedAuthFile(
      home,
      chatgptLogin(server.origin, issuer.issueTokens({ accessTokenSeconds: 30 * 60 })),
    );
    await Deno.chown(home, IMAGE_UID, IMAGE_UID);
    await Deno.chown(join(home, "auth.json"), IMAGE_UID, IMAGE_UID);
    await Deno.writeTextFile(join(account, "token"), api.token);
    await Deno.writeTextFile(join(account, "namespace"), NAMESPACE);
    await Deno.writeTextFile(join(account, "ca.crt"), "");
    const envFlags = (env: Record<string, string>) =>
      Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
    const holder = await runContainer([
      "--network=host",
      "--volume",
      `${home}:${exporter.volumeMounts![0].mountPath}`,
      "--volume",
      `${account}:/var/run/secrets/kubernetes.io/serviceaccount:ro`,
      ...envFlags({
        ...resolveEnv(exporter, docs),
        KUBERNETES_API_URL: api.url,
        ...subscriptionEnv(server),
      }),
      "--entrypoint",
      exporter.command![0],
      IMAGE,
      ...exporter.command!.slice(1),
      ...exporter.args!,
    ], { timeoutMs: 60_000 });
    ok(holder, "the holder's container");
    assert.equal(issuer.refreshRequests, 1, "the holder refreshed once");
    assert.deepEqual(api.requests.map((r) => `${r.verb} ${r.name} ${r.allowed}`), [
      "patch pixir-bundle true",
    ]);
    const bundleData = api.secret(NAMESPACE, "pixir-bundle")!.bundle;

    // The Secret as a podman secret; the workers' pods from the Job's template.
    await podman(["secret", "rm", "pixir-bundle"]);
    const secretFile = join(root.path, "secret.json");
    await Deno.writeTextFile(secretFile, JSON.stringify({ bundle: bundleData }));
    ok(await podman(["secret", "create", "pixir-bundle", secretFile]), "podman secret create");
    await Deno.remove(secretFile);

    const origin = await gitRepository(join(root.path, "origin"));
    await using repo = await serveWithGitDaemon(origin);
    const configMap = structuredClone(find(docs, "ConfigMap", "pixir-tasks"));
    (configMap.data as Record<string, string>).repository = repo.url;
    const job = find(docs, "Job", "pixir-workers");
    const pods = Array.from(
      { length: WORKERS },
      (_, i) => workerPod(job, i, subscriptionEnv(server)),
    );
    const playFile = join(root.path, "workers.yaml");
    await Deno.writeTextFile(playFile, [configMap, ...pods].map((m) => stringify(m)).join("---\n"));
    const names = pods.map((pod) => String(meta(pod).name));
    const volumes = pods.flatMap((pod) =>
      (pod.spec as { volumes: { name: string }[] }).volumes.map((v) => v.name)
    );
    const dangling = async () =>
      (await podman(["volume", "ls", "--quiet", "--filter", "dangling=true"])).stdout.split("\n")
        .filter((v) => v !== "");
    const danglingBefore = new Set(await dangling());
    try {
      ok(
        await podman(["kube", "play", "--replace", "--network=host", playFile], {
          timeoutMs: 90_000,
        }),
        "podman kube play",
      );
      const worker = containersOf(podSpec(job)).at(-1) as Container;
      const results = await Promise.all(names.map(async (name) => {
        const container = `${name}-${worker.name}`;
        const waited = await podman(["wait", container], { timeoutMs: 90_000 });
        const logs = await podman(["logs", container]);
        return { code: Number(waited.stdout.trim()), logs };
      }));
      const sessions = new Set<string>();
      for (const [index, { code, logs }] of results.entries()) {
        assert.equal(code, 0, `worker ${index}: ${logs.stderr}`);
        const final = JSON.parse(logs.stdout.trim().split("\n").at(-1)!);
        assert.equal(final.answer, `answer for task-${index}`);
        sessions.add(final.session_id);
      }
      assert.equal(sessions.size, WORKERS, "each worker its own session");
      assert.equal(issuer.refreshRequests, 1, "no worker refreshed");
      const bundle = atob(bundleData);
      const token = JSON.parse(
        atob(bundle.slice("pixir-bundle-v1.".length).replaceAll("-", "+").replaceAll("_", "/")),
      ).access_token;
      const answered = server.requests.filter((r) => r.path.endsWith("/responses"));
      assert.equal(answered.length, WORKERS);
      for (const r of answered) assert.equal(r.headers.authorization, `Bearer ${token}`);
    } finally {
      // The containers with their anonymous volumes (the image's VOLUME where a container mounts
      // none), the pods, then the named volumes: one set per pod and the ConfigMap's.
      for (const name of names) {
        const ids = await podman(["ps", "--all", "--quiet", "--filter", `pod=${name}`]);
        const list = ids.stdout.split("\n").filter((id) => id !== "");
        if (list.length > 0) await podman(["rm", "--force", "--volumes", ...list]);
      }
      await podman(["kube", "down", playFile], { timeoutMs: 60_000 });
      await podman(["volume", "rm", "--force", ...volumes, String(meta(configMap).name)]);
      // podman removes an init container once it has run, leaving its anonymous volume behind.
      const left = (await dangling()).filter((v) => !danglingBefore.has(v));
      if (left.length > 0) await podman(["volume", "rm", "--force", ...left]);
      await podman(["secret", "rm", "pixir-bundle"]);
    }
  },
});
