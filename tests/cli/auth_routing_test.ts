import assert from "node:assert/strict";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { textAnswer, usageLimitReply } from "../fakes/fixtures.ts";
import { CHATGPT_BACKEND, startResponsesServer } from "../fakes/responses_server.ts";
import { VERSION } from "../../src/version.ts";
import {
  ACCOUNT,
  API_KEY,
  assertNoStackTrace,
  bodyOf,
  chatgptLogin,
  hintedSessionId,
  sandbox,
  seedAuthFile,
  startChatgptBackend,
  subscriptionEnv,
} from "./helpers.ts";

Deno.test("a stored ChatGPT login sends run to the ChatGPT backend over OPENAI_API_KEY", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using chatgpt = startChatgptBackend(issuer, [{ sse: textAnswer("Hi from ChatGPT.") }]);
  await using api = startResponsesServer({ script: [{ sse: textAnswer("Hi from the API.") }] });
  const tokens = issuer.issueTokens();
  await seedAuthFile(box.home, chatgptLogin(chatgpt.origin, tokens));

  // The sandbox sets OPENAI_API_KEY, and `server` makes OPENAI_BASE_URL a live stand-in.
  const result = await box.run(["run", "hi"], { server: api, env: subscriptionEnv(chatgpt) });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "Hi from ChatGPT.\n");
  assert.equal(api.requests.length, 0, "the API key was not used");
  assert.equal(chatgpt.requests.length, 1);
  const [request] = chatgpt.requests;
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/backend-api/codex/responses");
  const headers = request.headers;
  assert.equal(headers["authorization"], `Bearer ${tokens.access_token}`);
  assert.equal(headers["chatgpt-account-id"], ACCOUNT.accountId);
  assert.equal(headers["originator"], "pixir");
  assert.equal(headers["openai-beta"], "responses=experimental");
  assert.equal(headers["session_id"], hintedSessionId(result.stderr));
  assert.equal(headers["user-agent"], `pixir/${VERSION} (${Deno.build.os}; ${Deno.build.arch})`);
  assert.equal(bodyOf(request).store, false);
  assert.equal(issuer.refreshRequests, 0, "an access token good for an hour is not refreshed");
});

Deno.test("--auth api-key sends run to OPENAI_BASE_URL without the account header", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using chatgpt = startChatgptBackend(issuer, [{ sse: textAnswer("Hi from ChatGPT.") }]);
  await using api = startResponsesServer({ script: [{ sse: textAnswer("Hi from the API.") }] });
  await seedAuthFile(box.home, chatgptLogin(chatgpt.origin, issuer.issueTokens()));

  const result = await box.run(["run", "--auth", "api-key", "hi"], {
    server: api,
    env: subscriptionEnv(chatgpt),
  });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "Hi from the API.\n");
  assert.equal(chatgpt.requests.length, 0);
  assert.equal(api.requests.length, 1);
  const { headers, path } = api.requests[0];
  assert.equal(path, "/v1/responses");
  assert.equal(headers["authorization"], `Bearer ${API_KEY}`);
  assert.equal(headers["chatgpt-account-id"], undefined);
  assert.equal(headers["openai-beta"], undefined);
});

Deno.test("--auth subscription without a ChatGPT login is exit 4 and sends nothing", async () => {
  await using box = await sandbox();
  await using api = startResponsesServer({ script: [{ sse: textAnswer("Hi from the API.") }] });

  const signedOut = await box.run(["run", "--auth", "subscription", "hi"], { server: api });
  await seedAuthFile(box.home, { version: 1, method: "api_key", api_key: "sk-stored" });
  const apiKeyStored = await box.run(["run", "--auth", "subscription", "hi"], { server: api });

  for (const result of [signedOut, apiKeyStored]) {
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /pixir login/);
    assertNoStackTrace(result.stderr);
  }
  assert.equal(api.requests.length, 0, "OPENAI_API_KEY is not a fallback for --auth subscription");
  assert.deepEqual(await box.sessionIds(), [], "no session was started");
});

Deno.test("a spent ChatGPT plan is exit 5 after one request, saying when it resets", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using chatgpt = startChatgptBackend(issuer, [usageLimitReply({ now: Date.now() })]);
  await seedAuthFile(box.home, chatgptLogin(chatgpt.origin, issuer.issueTokens()));

  const result = await box.run(["run", "hi"], { env: subscriptionEnv(chatgpt) });

  assert.equal(result.code, 5, result.stderr);
  assert.match(result.stderr, /usage limit reached, resets in \d[\w ]*, at [0-2]\d:[0-5]\d\b/);
  assert.equal(chatgpt.requests.length, 1, "a usage limit is never retried");
  assertNoStackTrace(result.stderr);
});

Deno.test("a subscription run sends zstd bodies, and plain ones to a backend that refuses them", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using chatgpt = startChatgptBackend(issuer, [{ sse: textAnswer("Compressed.") }]);
  await seedAuthFile(box.home, chatgptLogin(chatgpt.origin, issuer.issueTokens()));
  const result = await box.run(["run", "hi"], { env: subscriptionEnv(chatgpt) });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "Compressed.\n");
  const [request] = chatgpt.requests;
  assert.equal(request.headers["content-encoding"], "zstd");
  assert.ok(request.wireBytes < request.text.length);

  await using refusing = startResponsesServer({
    ...CHATGPT_BACKEND,
    routes: issuer.routes,
    refuseEncoding: 415,
    script: [{ sse: textAnswer("Plain.") }],
  });
  await seedAuthFile(box.home, chatgptLogin(refusing.origin, issuer.issueTokens()));
  const fallback = await box.run(["run", "hi"], { env: subscriptionEnv(refusing) });
  assert.equal(fallback.code, 0, fallback.stderr);
  assert.equal(fallback.stdout, "Plain.\n");
  assert.deepEqual(
    refusing.requests.map((r) => r.headers["content-encoding"] ?? "plain"),
    ["zstd", "plain"],
  );
});
