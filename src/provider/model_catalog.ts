/**
 * The models a ChatGPT subscription may use, as its backend lists them, cached in Pixir's data
 * folder for a day (revalidated with the ETag when the server gave one). The list only refines
 * the built-in table: any failure — offline, refused, unexpected JSON — falls back to the cached
 * list or to the table, silently, with the reason kept for debugging.
 */

import { dirname, join } from "node:path";
import type { Credential } from "../auth/credential.ts";
import { writeFileAtomic } from "../util/atomic_write.ts";
import { isRecord, numberField, parseJson, stringField } from "../util/json.ts";
import type { ModelInfo } from "./models.ts";
import { EFFORTS } from "./request.ts";
import { type ProviderEndpoint, routeModelList } from "./route.ts";

/** How long a fetched list is trusted before it is asked for again. */
export const CATALOG_TTL_MS = 24 * 60 * 60 * 1000;

/** Where the cached list lives in Pixir's data folder. */
export function modelCatalogPath(dataDir: string): string {
  return join(dataDir, "models.json");
}

/** What fetching the catalog needs; every effect injected. */
export interface CatalogDeps {
  fetch: typeof fetch;
  /** The clock, epoch milliseconds. */
  now: () => number;
  /** The subscription whose models are listed. */
  credential: Extract<Credential, { kind: "chatgpt" }>;
  /** The ChatGPT backend. */
  endpoint: ProviderEndpoint;
  userAgent: string;
  /** Pixir's version, sent as `client_version`. */
  clientVersion: string;
  /** The cache file. */
  cacheFile: string;
  ttlMs?: number;
  signal?: AbortSignal;
}

/** The models found and where they came from; `reason` says why a fresher source was not used. */
export interface Catalog {
  models: ModelInfo[];
  source: "cache" | "backend" | "table";
  reason?: string;
}

/** The cache file's content; `models` is kept in the backend's own shape, read back the same way. */
interface CachedCatalog {
  v: 1;
  /** When the list was last confirmed by the backend, epoch ms. */
  fetched_at: number;
  etag?: string;
  models: ModelInfo[];
}

/** The subscription's models: the fresh cache, else the backend, else a stale cache, else none. */
export async function modelCatalog(deps: CatalogDeps): Promise<Catalog> {
  const ttl = deps.ttlMs ?? CATALOG_TTL_MS;
  const cached = await readCache(deps.cacheFile);
  if (cached && deps.now() - cached.fetched_at < ttl) {
    return { models: cached.models, source: "cache" };
  }

  const fetched = await fetchList(deps, cached?.etag);
  if (fetched.kind === "failed") {
    return cached
      ? { models: cached.models, source: "cache", reason: `stale: ${fetched.reason}` }
      : { models: [], source: "table", reason: fetched.reason };
  }
  const models = fetched.kind === "unchanged" && cached ? cached.models : fetched.models;
  const entry: CachedCatalog = {
    v: 1,
    fetched_at: deps.now(),
    ...(fetched.etag === undefined ? {} : { etag: fetched.etag }),
    models,
  };
  try {
    await Deno.mkdir(dirname(deps.cacheFile), { recursive: true, mode: 0o700 });
    await writeFileAtomic(deps.cacheFile, `${JSON.stringify(cacheText(entry))}\n`, { mode: 0o600 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { models, source: "backend", reason: `not cached: ${reason}` };
  }
  return { models, source: "backend" };
}

type Fetched =
  | { kind: "listed"; models: ModelInfo[]; etag?: string }
  | { kind: "unchanged"; models: []; etag?: string }
  | { kind: "failed"; reason: string };

async function fetchList(deps: CatalogDeps, etag: string | undefined): Promise<Fetched> {
  const route = routeModelList(deps.credential, deps.endpoint, deps.userAgent, deps.clientVersion);
  if (etag !== undefined) route.headers.set("If-None-Match", etag);
  let response: Response;
  try {
    response = await deps.fetch(route.url, { headers: route.headers, signal: deps.signal });
  } catch (error) {
    return { kind: "failed", reason: error instanceof Error ? error.message : String(error) };
  }
  const newTag = response.headers.get("etag") ?? etag ?? undefined;
  if (response.status === 304) {
    await response.body?.cancel();
    return etag === undefined
      ? { kind: "failed", reason: "304 without a cached list" }
      : { kind: "unchanged", models: [], etag: newTag };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { kind: "failed", reason: `HTTP ${response.status}` };
  }
  const models = parseModelList(parseJson(await response.text()));
  if (models === null) {
    return { kind: "failed", reason: "the model list is not in the expected shape" };
  }
  return { kind: "listed", models, ...(newTag === undefined ? {} : { etag: newTag }) };
}

/**
 * The usable entries of the backend's `{models: [...]}` reply: each needs a `slug` and a positive
 * `context_window`; efforts come from `supported_reasoning_levels[].effort` (unknown ones dropped).
 * Null when the reply is not such a list or lists no usable model.
 */
export function parseModelList(json: unknown): ModelInfo[] | null {
  if (!isRecord(json) || !Array.isArray(json.models)) return null;
  const models: ModelInfo[] = [];
  for (const entry of json.models) {
    if (!isRecord(entry)) continue;
    const slug = stringField(entry, "slug");
    const window = numberField(entry, "context_window");
    if (slug === undefined || window === undefined || window <= 0) continue;
    const levels = Array.isArray(entry.supported_reasoning_levels)
      ? entry.supported_reasoning_levels
      : [];
    const efforts = levels.flatMap((level) => {
      const effort = isRecord(level) ? stringField(level, "effort") : undefined;
      const known = EFFORTS.find((e) => e === effort);
      return known === undefined ? [] : [known];
    });
    // `input_modalities` names what the model reads; without it, nothing is known either way.
    const modalities = Array.isArray(entry.input_modalities) ? entry.input_modalities : undefined;
    models.push({
      slug,
      context_window: Math.floor(window),
      efforts,
      ...(modalities === undefined ? {} : { images: modalities.includes("image") }),
    });
  }
  return models.length === 0 ? null : models;
}

/**
 * The models of the cached list, however old, without asking the backend; none when nothing usable
 * is cached. For figures that must not wait on the network.
 */
export async function cachedModels(cacheFile: string): Promise<ModelInfo[]> {
  return (await readCache(cacheFile))?.models ?? [];
}

/** The cache entry as written: models in the backend's shape, so one parser reads both. */
function cacheText(entry: CachedCatalog): Record<string, unknown> {
  return {
    ...entry,
    models: entry.models.map((m) => ({
      slug: m.slug,
      context_window: m.context_window,
      supported_reasoning_levels: m.efforts.map((effort) => ({ effort })),
      ...(m.images === undefined
        ? {}
        : { input_modalities: m.images ? ["text", "image"] : ["text"] }),
    })),
  };
}

async function readCache(path: string): Promise<CachedCatalog | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return null;
  }
  const json = parseJson(text);
  if (!isRecord(json) || json.v !== 1) return null;
  const fetchedAt = numberField(json, "fetched_at");
  const models = parseModelList(json);
  if (fetchedAt === undefined || models === null) return null;
  const etag = stringField(json, "etag");
  return { v: 1, fetched_at: fetchedAt, ...(etag === undefined ? {} : { etag }), models };
}
