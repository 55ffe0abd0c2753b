/**
 * The Kubernetes examples (examples/kubernetes/*.yaml) as objects, and the pieces of them the tests
 * run: a container's command line with its environment resolved the way the kubelet resolves it.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

/** The folder of the examples. */
export const MANIFEST_DIR = fileURLToPath(new URL("../../examples/kubernetes/", import.meta.url));

/** A manifest: any Kubernetes object, as parsed. */
export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string };

/** One document of one file. */
export interface ManifestDocument {
  file: string;
  manifest: Manifest;
}

/** Every document of every `.yaml` file in the examples, in file order. Throws on a YAML error. */
export async function readManifests(dir = MANIFEST_DIR): Promise<ManifestDocument[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".yaml")) files.push(entry.name);
  }
  const found: ManifestDocument[] = [];
  for (const file of files.sort()) {
    for (const doc of parseAllDocuments(await Deno.readTextFile(join(dir, file)))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
      const manifest = doc.toJS();
      if (!isRecord(manifest) || typeof manifest.kind !== "string") {
        throw new Error(`${file}: a document without a kind`);
      }
      found.push({ file, manifest: manifest as Manifest });
    }
  }
  return found;
}

/** The one manifest of `kind` named `name`. */
export function find(docs: readonly ManifestDocument[], kind: string, name: string): Manifest {
  const hits = docs.filter((d) => d.manifest.kind === kind && meta(d.manifest).name === name);
  if (hits.length !== 1) throw new Error(`${hits.length} ${kind} named ${name}`);
  return hits[0].manifest;
}

/** `metadata` of a manifest. */
export function meta(manifest: Record<string, unknown>): Record<string, unknown> {
  return record(manifest.metadata);
}

/** A container of a pod spec, as the tests use it. */
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  [key: string]: unknown;
}

/** An `env` entry. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
    fieldRef?: { fieldPath: string };
  };
}

/** The pod spec of a Job (`spec.template.spec`) or a CronJob (`spec.jobTemplate.spec...`). */
export function podSpec(manifest: Manifest): Record<string, unknown> {
  const spec = record(manifest.spec);
  const job = manifest.kind === "CronJob" ? record(record(spec.jobTemplate).spec) : spec;
  return record(record(job.template).spec);
}

/** The containers (`initContainers` first, as they run) of a pod spec. */
export function containersOf(spec: Record<string, unknown>): Container[] {
  return [
    ...(spec.initContainers as Container[] | undefined ?? []),
    ...(spec.containers as Container[]),
  ];
}

/**
 * A container's environment as the kubelet would give it: literal values, and values taken from the
 * Secrets and ConfigMaps in `docs` (a Secret's `stringData` or base64 `data`).
 */
export function resolveEnv(
  container: Container,
  docs: readonly ManifestDocument[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    const from = entry.valueFrom;
    if (entry.value !== undefined) env[entry.name] = entry.value;
    else if (from?.secretKeyRef) {
      const secret = find(docs, "Secret", from.secretKeyRef.name);
      env[entry.name] = secretValue(secret, from.secretKeyRef.key);
    } else if (from?.configMapKeyRef) {
      const map = find(docs, "ConfigMap", from.configMapKeyRef.name);
      env[entry.name] = String(record(map.data)[from.configMapKeyRef.key]);
    } else throw new Error(`env ${entry.name}: a source the tests do not resolve`);
  }
  return env;
}

/** A Secret's value for `key`, from `stringData` or decoded from `data`. */
export function secretValue(secret: Manifest, key: string): string {
  const text = record(secret.stringData)[key];
  if (typeof text === "string") return text;
  const data = record(secret.data)[key];
  if (typeof data !== "string") throw new Error(`Secret ${meta(secret).name} has no ${key}`);
  return new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`expected an object, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * A container's command line (`command` then `args`) for a run outside a cluster: each path in
 * `mounts` (a mount path in the pod → a folder here) replaced where the text names it.
 */
export function commandLine(
  container: Container,
  mounts: Readonly<Record<string, string>>,
): string[] {
  const paths = Object.keys(mounts).sort((a, b) => b.length - a.length);
  return [...container.command ?? [], ...container.args ?? []].map((word) =>
    paths.reduce((text, path) => text.replaceAll(path, mounts[path]), word)
  );
}
