/**
 * Every manifest in examples/kubernetes against the Kubernetes API schema, as published in
 * kubernetes-models: its validators (types, enums, required fields, formats) at run time, and its
 * type declarations under `deno check`, where a misspelled or unknown field is an error, as it is
 * for `kubectl apply` (strict field validation).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Pod } from "kubernetes-models/v1/Pod";
import { Secret } from "kubernetes-models/v1/Secret";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { tempWorkspace } from "../harness/workspace.ts";
import {
  containersOf,
  find,
  type Manifest,
  type ManifestDocument,
  meta,
  podSpec,
  readManifests,
} from "./manifests.ts";

/** A model class: validates its data, throwing the schema's errors. */
type ModelClass = new (data: never) => { validate(): void };

/** The kinds the examples use, by `apiVersion/kind`, with the module that declares each. */
const MODELS: Readonly<Record<string, { model: ModelClass; module: string; type: string }>> = {
  "v1/ConfigMap": { model: ConfigMap, module: "v1/ConfigMap", type: "IConfigMap" },
  "v1/PersistentVolumeClaim": {
    model: PersistentVolumeClaim,
    module: "v1/PersistentVolumeClaim",
    type: "IPersistentVolumeClaim",
  },
  "v1/Pod": { model: Pod, module: "v1/Pod", type: "IPod" },
  "v1/Secret": { model: Secret, module: "v1/Secret", type: "ISecret" },
  "v1/ServiceAccount": {
    model: ServiceAccount,
    module: "v1/ServiceAccount",
    type: "IServiceAccount",
  },
  "batch/v1/CronJob": { model: CronJob, module: "batch/v1/CronJob", type: "ICronJob" },
  "batch/v1/Job": { model: Job, module: "batch/v1/Job", type: "IJob" },
  "rbac.authorization.k8s.io/v1/Role": {
    model: Role,
    module: "rbac.authorization.k8s.io/v1/Role",
    type: "IRole",
  },
  "rbac.authorization.k8s.io/v1/RoleBinding": {
    model: RoleBinding,
    module: "rbac.authorization.k8s.io/v1/RoleBinding",
    type: "IRoleBinding",
  },
};

function modelOf({ file, manifest }: ManifestDocument) {
  const entry = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  assert.ok(entry, `${file}: ${manifest.apiVersion} ${manifest.kind} is not a kind the test knows`);
  return entry;
}

/** The schema's complaints about `manifest`, or "" when it is valid. */
function schemaErrors(doc: ManifestDocument): string {
  const { model } = modelOf(doc);
  try {
    new model(structuredClone(doc.manifest) as never).validate();
    return "";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** `deno check` of the manifests as typed literals; the type checker's output, or "" when clean. */
async function typeErrors(docs: readonly ManifestDocument[]): Promise<string> {
  await using dir = await tempWorkspace();
  const lines: string[] = [];
  docs.forEach((doc, i) => {
    const { module, type } = modelOf(doc);
    lines.push(`import type { ${type} as T${i} } from "kubernetes-models/${module}";`);
    lines.push(`export const m${i}: T${i} = ${JSON.stringify(doc.manifest)};`);
  });
  const file = join(dir.path, "manifests.ts");
  await Deno.writeTextFile(file, lines.join("\n") + "\n");
  const config = new URL("../../deno.json", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["check", "-q", "--frozen", "--config", config, file],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return out.success ? "" : new TextDecoder().decode(out.stderr) || "deno check failed";
}

const docs = await readManifests();

Deno.test("every example manifest is valid under the Kubernetes schema", () => {
  assert.ok(docs.length >= 9, `found ${docs.length} manifests`);
  for (const doc of docs) {
    assert.equal(
      schemaErrors(doc),
      "",
      `${doc.file}: ${doc.manifest.kind} ${meta(doc.manifest).name}`,
    );
  }
});

Deno.test("the schema check refuses broken copies: a wrong type, a bad enum, a missing field", () => {
  const job = docs.find((d) => d.manifest.kind === "Job")!;
  const broken = (edit: (m: Manifest) => void): ManifestDocument => {
    const manifest = structuredClone(job.manifest);
    edit(manifest);
    return { file: job.file, manifest };
  };
  const spec = (m: Manifest) => m.spec as Record<string, unknown>;
  assert.match(schemaErrors(broken((m) => spec(m).completions = "4")), /completions/);
  assert.match(schemaErrors(broken((m) => spec(m).completionMode = "Numbered")), /completionMode/);
  assert.match(schemaErrors(broken((m) => delete spec(m).template)), /template/);
});

Deno.test("no manifest sets a field the API does not have; a misspelled one is caught", async () => {
  assert.equal(await typeErrors(docs), "");
  const job = docs.find((d) => d.manifest.kind === "Job")!;
  const manifest = structuredClone(job.manifest);
  const container = containersOf(podSpec(manifest)).at(-1)!;
  (container as Record<string, unknown>).envv = [];
  assert.match(await typeErrors([{ file: job.file, manifest }]), /envv/);
});

Deno.test("the workers: an Indexed Job, no API access, the bundle from the Secret, unattended", () => {
  const job = find(docs, "Job", "pixir-workers");
  const spec = job.spec as Record<string, unknown>;
  assert.equal(spec.completionMode, "Indexed");
  assert.ok((spec.parallelism as number) <= (spec.completions as number));
  const pod = podSpec(job);
  assert.equal(pod.automountServiceAccountToken, false, "workers get no service account token");
  assert.equal(pod.serviceAccountName, undefined);
  const worker = containersOf(pod).find((c) => c.name === "pixir")!;
  const env = Object.fromEntries((worker.env ?? []).map((e) => [e.name, e]));
  assert.deepEqual(env.PIXIR_ACCESS_BUNDLE.valueFrom, {
    secretKeyRef: { name: "pixir-bundle", key: "bundle" },
  });
  assert.equal(env.PIXIR_UNATTENDED.value, "1");
  assert.ok(!JSON.stringify(pod).includes("auth.json"), "no sign-in file reaches a worker");
});

Deno.test("the holder's Role allows patching the one Secret and nothing else", () => {
  const role = find(docs, "Role", "pixir-holder");
  assert.deepEqual(role.rules, [{
    apiGroups: [""],
    resources: ["secrets"],
    resourceNames: ["pixir-bundle"],
    verbs: ["patch"],
  }]);
  const binding = find(docs, "RoleBinding", "pixir-holder");
  assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "pixir-holder" }]);
  assert.deepEqual(binding.roleRef, {
    apiGroup: "rbac.authorization.k8s.io",
    kind: "Role",
    name: "pixir-holder",
  });
  const cron = find(docs, "CronJob", "pixir-holder");
  assert.equal((cron.spec as Record<string, unknown>).concurrencyPolicy, "Forbid");
  assert.equal(podSpec(cron).serviceAccountName, "pixir-holder");
  // The refresh token lives on the holder's volume: no other pod mounts it.
  const mounting = docs.filter((d) => JSON.stringify(d.manifest).includes('"pixir-holder-home"'))
    .map((d) => `${d.manifest.kind}/${meta(d.manifest).name}`).sort();
  assert.deepEqual(mounting, [
    "CronJob/pixir-holder",
    "PersistentVolumeClaim/pixir-holder-home",
    "Pod/pixir-holder-login",
  ]);
});
