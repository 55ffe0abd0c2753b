import assert from "node:assert/strict";
import { loadSettings } from "../../src/config/resolver.ts";
import { SettingsError } from "../../src/config/settings.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("defaults without any environment", () => {
  const { provider, providers, ...settings } = loadSettings(envOf({}));
  assert.equal(provider, undefined, "no provider chosen: the credential decides");
  assert.deepEqual(Object.keys(providers), [
    "chatgpt",
    "openai",
    "ollama",
    "lmstudio",
    "openrouter",
  ]);
  assert.deepEqual(settings, {
    profile: undefined,
    model: "gpt-5.5",
    effort: "medium",
    openaiBaseUrl: "https://api.openai.com/v1",
    chatgptBaseUrl: "https://chatgpt.com/backend-api/codex",
    authIssuer: "https://auth.openai.com",
    idleTimeoutMs: 300_000,
    maxRetries: 4,
    retryBaseMs: 200,
    maxIterations: 50,
    compactAtPercent: 85,
    unattended: false,
    approvalTimeoutMs: 180_000,
    toolTimeoutMs: 60_000,
    webSearch: false,
    maxSubagents: 3,
    subagentTimeoutMs: 600_000,
    mcpServers: [],
  });
});

Deno.test("web search, the subagent limit and time limit come from the environment too", () => {
  const settings = loadSettings(envOf({
    PIXIR_WEB_SEARCH: "true",
    PIXIR_MAX_SUBAGENTS: "0",
    PIXIR_SUBAGENT_TIMEOUT_SECS: "30",
  }));
  assert.equal(settings.webSearch, true);
  assert.equal(settings.maxSubagents, 0);
  assert.equal(settings.subagentTimeoutMs, 30_000);
  assert.throws(() => loadSettings(envOf({ PIXIR_MAX_SUBAGENTS: "-1" })), SettingsError);
  assert.throws(() => loadSettings(envOf({ PIXIR_MAX_SUBAGENTS: "99" })), SettingsError);
});

Deno.test("CI makes a run unattended unless it says false; PIXIR_UNATTENDED decides over it", () => {
  const unattended = (vars: Record<string, string>) => loadSettings(envOf(vars)).unattended;
  assert.equal(unattended({ CI: "true" }), true);
  assert.equal(unattended({ CI: "1" }), true);
  assert.equal(unattended({ CI: "false" }), false);
  assert.equal(unattended({ CI: "" }), false);
  assert.equal(unattended({ CI: "true", PIXIR_UNATTENDED: "0" }), false);
  assert.equal(unattended({ PIXIR_UNATTENDED: "yes" }), true);
  assert.throws(() => loadSettings(envOf({ PIXIR_UNATTENDED: "maybe" })), /PIXIR_UNATTENDED/);
  const timeout = loadSettings(envOf({ PIXIR_APPROVAL_TIMEOUT_SECS: "5" })).approvalTimeoutMs;
  assert.equal(timeout, 5_000);
  assert.throws(() => loadSettings(envOf({ PIXIR_APPROVAL_TIMEOUT_SECS: "0" })), /PIXIR_APPROVAL/);
});

Deno.test("environment overrides are read and validated", () => {
  const settings = loadSettings(envOf({
    PIXIR_MODEL: "gpt-5.4",
    PIXIR_EFFORT: "high",
    OPENAI_BASE_URL: "http://127.0.0.1:9/v1/",
    PIXIR_STREAM_IDLE_TIMEOUT_MS: "250",
    PIXIR_MAX_RETRIES: "0",
    PIXIR_RETRY_BASE_MS: "1",
    PIXIR_MAX_ITERATIONS: "3",
    PIXIR_CHATGPT_BASE_URL: "http://[::1]:8/backend-api/codex/",
    PIXIR_AUTH_ISSUER: "http://localhost:7",
    PIXIR_COMPACT_AT: "60",
  }));
  assert.equal(settings.compactAtPercent, 60);
  assert.equal(settings.chatgptBaseUrl, "http://[::1]:8/backend-api/codex");
  assert.equal(settings.authIssuer, "http://localhost:7");
  assert.equal(settings.model, "gpt-5.4");
  assert.equal(settings.effort, "high");
  assert.equal(settings.openaiBaseUrl, "http://127.0.0.1:9/v1");
  assert.equal(settings.idleTimeoutMs, 250);
  assert.equal(settings.maxRetries, 0);
  assert.equal(settings.retryBaseMs, 1);
  assert.equal(settings.maxIterations, 3);
});

Deno.test("bad values name the variable", () => {
  const cases: Record<string, string> = {
    PIXIR_EFFORT: "extreme",
    OPENAI_BASE_URL: "not a url",
    PIXIR_STREAM_IDLE_TIMEOUT_MS: "0",
    PIXIR_MAX_RETRIES: "-1",
    PIXIR_MAX_ITERATIONS: "1.5",
    PIXIR_AUTH_ISSUER: "auth.openai.com",
    PIXIR_CHATGPT_BASE_URL: "file:///x",
  };
  for (const [name, value] of Object.entries(cases)) {
    assert.throws(
      () => loadSettings(envOf({ [name]: value })),
      (error: unknown) => error instanceof SettingsError && error.message.startsWith(name),
      name,
    );
  }
  assert.throws(() => loadSettings(envOf({ OPENAI_BASE_URL: "ftp://x" })), SettingsError);
  for (const value of ["0", "101", "85.5"]) {
    assert.throws(
      () => loadSettings(envOf({ PIXIR_COMPACT_AT: value })),
      /PIXIR_COMPACT_AT: ".*" must be a whole number from 1 to 100/,
      value,
    );
  }
});
