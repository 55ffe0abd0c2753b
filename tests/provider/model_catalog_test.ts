import assert from "node:assert/strict";
import { join } from "node:path";
import {
  cachedModels,
  CATALOG_TTL_MS,
  type CatalogDeps,
  modelCatalog,
  parseModelList,
} from "../../src/provider/model_catalog.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const LIST = {
  models: [
    {
      slug: "gpt-5.5",
      display_name: "GPT-5.5",
      context_window: 272000,
      supported_reasoning_levels: [{ effort: "low" }, { effort: "high" }, { effort: "ludicrous" }],
    },
    { slug: "gpt-next", context_window: 1_000_000 },
    { slug: "no-window" },
    "not an object",
  ],
};

const PARSED = [
  { slug: "gpt-5.5", context_window: 272000, efforts: ["low", "high"] },
  { slug: "gpt-next", context_window: 1_000_000, efforts: [] },
];

/** A fetch that answers from `replies` in turn and records each request. */
function fakeFetch(replies: (() => Response)[]) {
  const requests: Request[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    requests.push(new Request(input, init));
    const reply = replies.shift();
    if (!reply) return Promise.reject(new TypeError("no more replies"));
    return Promise.resolve(reply());
  };
  return { fetch, requests };
}

const json = (body: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(body), {
    headers: { "content-type": "application/json", ...headers },
  });

async function setup(replies: (() => Response)[]) {
  const dir = await tempWorkspace();
  const fake = fakeFetch(replies);
  let now = Date.UTC(2026, 10, 24);
  const deps: CatalogDeps = {
    fetch: fake.fetch,
    now: () => now,
    credential: { kind: "chatgpt", access_token: "at-1", account_id: "acct_fx" },
    endpoint: { baseUrl: "http://chatgpt.test/codex" },
    userAgent: "pixir/0.1.0 (test)",
    clientVersion: "0.1.0",
    cacheFile: join(dir.path, "data/models.json"),
  };
  return { dir, deps, requests: fake.requests, advance: (ms: number) => now += ms };
}

Deno.test("the backend's list is validated: entries without a window and unknown efforts are dropped", () => {
  assert.deepEqual(parseModelList(LIST), PARSED);
  assert.equal(parseModelList({ models: [] }), null);
  assert.equal(parseModelList([LIST]), null);
  assert.equal(parseModelList({ models: [{ slug: "x", context_window: -1 }] }), null);
});

Deno.test("the list is fetched with the subscription's headers, cached, and served from the cache for a day", async () => {
  const { dir, deps, requests, advance } = await setup([json(LIST), json(LIST)]);
  await using _ = dir;

  assert.deepEqual(await modelCatalog(deps), { models: PARSED, source: "backend" });
  advance(CATALOG_TTL_MS - 1);
  assert.deepEqual(await modelCatalog(deps), { models: PARSED, source: "cache" });

  assert.equal(requests.length, 1);
  assert.equal(requests[0].url, "http://chatgpt.test/codex/models?client_version=0.1.0");
  assert.equal(requests[0].headers.get("authorization"), "Bearer at-1");
  assert.equal(requests[0].headers.get("chatgpt-account-id"), "acct_fx");
  assert.equal((await Deno.stat(deps.cacheFile)).mode! & 0o777, 0o600);
});

Deno.test("after a day the list is revalidated with its ETag; 304 keeps the cached list", async () => {
  const { dir, deps, requests, advance } = await setup([
    json(LIST, { etag: '"v1"' }),
    () => new Response(null, { status: 304 }),
    json(LIST),
  ]);
  await using _ = dir;

  await modelCatalog(deps);
  advance(CATALOG_TTL_MS);
  assert.deepEqual(await modelCatalog(deps), { models: PARSED, source: "backend" });
  assert.equal(requests[1].headers.get("if-none-match"), '"v1"');
  advance(CATALOG_TTL_MS - 1);
  assert.equal((await modelCatalog(deps)).source, "cache", "the 304 renewed the cache's age");
  assert.equal(requests.length, 2);
});

Deno.test("failures fall back to a stale cache, else to the table, with the reason", async () => {
  const { dir, deps, advance } = await setup([
    () => new Response("nope", { status: 500 }),
    json({ unexpected: true }),
    json(LIST),
  ]);
  await using _ = dir;

  assert.deepEqual(await modelCatalog(deps), { models: [], source: "table", reason: "HTTP 500" });
  assert.deepEqual(await modelCatalog(deps), {
    models: [],
    source: "table",
    reason: "the model list is not in the expected shape",
  });
  await modelCatalog(deps);
  advance(CATALOG_TTL_MS);
  assert.deepEqual(await modelCatalog(deps), {
    models: PARSED,
    source: "cache",
    reason: "stale: no more replies",
  });
});

Deno.test("a broken cache file is ignored and replaced", async () => {
  const { dir, deps } = await setup([json(LIST)]);
  await using _ = dir;
  await Deno.mkdir(join(dir.path, "data"));
  await Deno.writeTextFile(deps.cacheFile, "{broken");
  assert.equal((await modelCatalog(deps)).source, "backend");
  assert.equal((await modelCatalog(deps)).source, "cache");
});

Deno.test("cachedModels reads the cached list however old, and nothing without one", async () => {
  const { dir, deps, advance } = await setup([json(LIST)]);
  await using _ = dir;
  assert.deepEqual(await cachedModels(deps.cacheFile), []);
  await modelCatalog(deps);
  advance(10 * CATALOG_TTL_MS);
  assert.deepEqual(await cachedModels(deps.cacheFile), PARSED);
});
