import assert from "node:assert/strict";
import type { Credential } from "../../src/auth/credential.ts";
import { routeModelList, routeRequest, type Sender } from "../../src/provider/route.ts";

const API = { baseUrl: "https://api.test/v1/" };
const CHATGPT_BACKEND = { baseUrl: "https://chatgpt.test/backend-api/codex" };
const SENDER: Sender = { userAgent: "pixir/0.1.0 (test)", sessionId: "sess-1" };
const API_KEY: Credential = { kind: "api_key", api_key: "sk-1", source: "env" };
const CHATGPT: Credential = { kind: "chatgpt", access_token: "at-1", account_id: "acct_fx" };

Deno.test("an API key goes to the public API, without account or beta headers", () => {
  const route = routeRequest(API_KEY, API, SENDER);
  assert.equal(route.url, "https://api.test/v1/responses");
  assert.deepEqual(Object.fromEntries(route.headers), {
    "accept": "text/event-stream",
    "authorization": "Bearer sk-1",
    "content-type": "application/json",
    "originator": "pixir",
    "session_id": "sess-1",
    "user-agent": "pixir/0.1.0 (test)",
  });
});

Deno.test("a ChatGPT sign-in goes to the ChatGPT backend with its account and beta headers", () => {
  const route = routeRequest(CHATGPT, CHATGPT_BACKEND, SENDER);
  assert.equal(route.url, "https://chatgpt.test/backend-api/codex/responses");
  assert.deepEqual(Object.fromEntries(route.headers), {
    "accept": "text/event-stream",
    "authorization": "Bearer at-1",
    "chatgpt-account-id": "acct_fx",
    "content-type": "application/json",
    "openai-beta": "responses=experimental",
    "originator": "pixir",
    "session_id": "sess-1",
    "user-agent": "pixir/0.1.0 (test)",
  });
});

Deno.test("extra headers are added but cannot replace Pixir's own", () => {
  const route = routeRequest(CHATGPT, CHATGPT_BACKEND, {
    ...SENDER,
    extraHeaders: {
      "OpenAI-Organization": "org-1",
      "authorization": "Bearer stolen",
      "ChatGPT-Account-ID": "acct_other",
      "Originator": "someone",
    },
  });
  assert.equal(route.headers.get("openai-organization"), "org-1");
  assert.equal(route.headers.get("authorization"), "Bearer at-1");
  assert.equal(route.headers.get("chatgpt-account-id"), "acct_fx");
  assert.equal(route.headers.get("originator"), "pixir");
});

Deno.test("the model list is asked of the ChatGPT backend with the subscription's headers", () => {
  const route = routeModelList(
    { kind: "chatgpt", access_token: "at-1", account_id: "acct_fx" },
    { baseUrl: "https://chatgpt.test/backend-api/codex/" },
    "pixir/0.1.0 (test)",
    "0.1.0",
  );
  assert.equal(route.url, "https://chatgpt.test/backend-api/codex/models?client_version=0.1.0");
  assert.deepEqual(Object.fromEntries(route.headers), {
    "accept": "application/json",
    "authorization": "Bearer at-1",
    "chatgpt-account-id": "acct_fx",
    "openai-beta": "responses=experimental",
    "originator": "pixir",
    "user-agent": "pixir/0.1.0 (test)",
  });
});

Deno.test("a provider's headers and query parameters are added, but cannot replace Pixir's own", () => {
  const route = routeRequest(API_KEY, {
    baseUrl: "http://gpu-box:8000/v1",
    headers: { "X-Team": "infra", "Authorization": "Bearer planted", "originator": "evil" },
    queryParams: { "api-version": "2026-01-01" },
  }, SENDER);
  assert.equal(route.url, "http://gpu-box:8000/v1/responses?api-version=2026-01-01");
  assert.equal(route.headers.get("x-team"), "infra");
  assert.equal(route.headers.get("authorization"), "Bearer sk-1");
  assert.equal(route.headers.get("originator"), "pixir");
});

Deno.test("a local server that needs no key gets no Authorization header", () => {
  const route = routeRequest({ kind: "none" }, { baseUrl: "http://localhost:11434/v1" }, SENDER);
  assert.equal(route.url, "http://localhost:11434/v1/responses");
  assert.equal(route.headers.has("authorization"), false);
  const list = routeModelList({ kind: "none" }, { baseUrl: "http://localhost:11434/v1/" }, "ua");
  assert.equal(list.url, "http://localhost:11434/v1/models");
  assert.equal(list.headers.has("authorization"), false);
});
