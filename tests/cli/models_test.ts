import assert from "node:assert/strict";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { textAnswer } from "../fakes/fixtures.ts";
import type { Route } from "../fakes/loopback_server.ts";
import { CHATGPT_BACKEND, startResponsesServer } from "../fakes/responses_server.ts";
import {
  ACCOUNT,
  chatgptLogin,
  isRecord,
  jsonObject,
  jsonOutput,
  sandbox,
  seedAuthFile,
  subscriptionEnv,
} from "./helpers.ts";

const MODELS_PATH = "/backend-api/codex/models";

const LIST = {
  models: [
    {
      slug: "gpt-5.9",
      context_window: 500000,
      supported_reasoning_levels: [{ effort: "medium" }, { effort: "high" }],
    },
  ],
};

/** The ChatGPT backend stand-in, serving `models` (when given) beside the Responses endpoint. */
function backend(models?: Route["handle"]) {
  const issuer = createAuthIssuer({ account: ACCOUNT });
  const routes: Route[] = [...issuer.routes];
  if (models) routes.push({ method: "GET", path: MODELS_PATH, handle: models });
  const server = startResponsesServer({
    ...CHATGPT_BACKEND,
    routes,
    script: [{ sse: textAnswer("unused") }],
  });
  return { issuer, server };
}

function report(stdout: string) {
  const value = jsonObject(stdout.trim());
  assert.equal(value.v, 1);
  assert.ok(Array.isArray(value.models));
  return value as { source: string; reason?: string; models: Record<string, unknown>[] };
}

Deno.test("with an API key, models lists the built-in table", async () => {
  await using box = await sandbox();
  const result = await box.run(["models", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const { source, models } = report(result.stdout);
  assert.equal(source, "table");
  assert.deepEqual(models.find((m) => m.slug === "gpt-5.5"), {
    slug: "gpt-5.5",
    context_window: 272000,
    efforts: ["low", "medium", "high", "xhigh"],
  });
  const plain = await box.run(["models"]);
  assert.match(plain.stdout, /^Models \(from Pixir's built-in table\)$/m);
  assert.match(plain.stdout, /^ {2}gpt-5\.3-codex-spark +128,000 {2}low, medium, high, xhigh$/m);
});

Deno.test("without any credential, models still lists the table and says why", async () => {
  await using box = await sandbox();
  const result = await box.run(["models", "--json"], { apiKey: null });
  assert.equal(result.code, 0, result.stderr);
  const { source, reason } = report(result.stdout);
  assert.equal(source, "table");
  assert.ok(typeof reason === "string" && reason.length > 0);
});

Deno.test("signed in with ChatGPT, models asks the backend once a day and caches the list", async () => {
  await using box = await sandbox();
  const { issuer, server: s } = backend(() => ({ status: 200, body: LIST }));
  await using server = s;
  await seedAuthFile(box.home, chatgptLogin(server.origin, issuer.issueTokens()));
  const env = subscriptionEnv(server);

  const first = await box.run(["models", "--json"], { env });
  const second = await box.run(["models", "--json"], { env });

  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(report(first.stdout), {
    v: 1,
    source: "backend",
    models: [{ slug: "gpt-5.9", context_window: 500000, efforts: ["medium", "high"] }],
  });
  assert.equal(report(second.stdout).source, "cache");
  const asked = server.requests.filter((r) => r.path === MODELS_PATH);
  assert.equal(asked.length, 1);
  assert.match(asked[0].search, /^\?client_version=\d+\.\d+\.\d+/);
  assert.equal(asked[0].headers["chatgpt-account-id"], ACCOUNT.accountId);
  assert.ok(isRecord(asked[0].headers) && asked[0].headers.authorization?.startsWith("Bearer "));
});

Deno.test("when the backend's list fails, models falls back to the table with the reason", async () => {
  await using box = await sandbox();
  const { issuer, server: s } = backend(() => ({ status: 503, body: "busy" }));
  await using server = s;
  await seedAuthFile(box.home, chatgptLogin(server.origin, issuer.issueTokens()));

  const result = await box.run(["models", "--json"], { env: subscriptionEnv(server) });

  assert.equal(result.code, 0, result.stderr);
  const { source, reason, models } = report(result.stdout);
  assert.deepEqual([source, reason], ["table", "HTTP 503"]);
  assert.ok(models.some((m) => m.slug === "gpt-5.5"));
  assert.equal(result.stderr, "");
});

Deno.test("a subscription run measures its context against the cached model list", async () => {
  await using box = await sandbox();
  const { issuer, server: s } = backend(() => ({ status: 200, body: LIST }));
  await using server = s;
  await seedAuthFile(box.home, chatgptLogin(server.origin, issuer.issueTokens()));
  const env = subscriptionEnv(server);
  const listed = await box.run(["models"], { env });
  assert.equal(listed.code, 0, listed.stderr);

  const run = await box.run(["run", "-m", "gpt-5.9", "--json", "hi"], { env });

  assert.equal(run.code, 0, run.stderr);
  assert.equal(jsonOutput(run.stdout).context?.window, 500000);
  assert.equal(
    server.requests.filter((r) => r.path === MODELS_PATH).length,
    1,
    "the run itself never asks for the list",
  );
});
