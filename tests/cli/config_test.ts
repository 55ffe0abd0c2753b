/** `pixir config`, `config.toml`, profiles and `-c`, through the real CLI. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  assertNoStackTrace,
  bodyOf,
  isRecord,
  jsonObject,
  type Sandbox,
  sandbox,
} from "./helpers.ts";

async function writeConfig(box: Sandbox, text: string): Promise<string> {
  const path = join(box.home, "config.toml");
  await Deno.writeTextFile(path, text);
  return path;
}

/** `pixir config --json`'s settings: key → {value, from}. */
async function effective(
  box: Sandbox,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<Record<string, { value: unknown; from: string }>> {
  const result = await box.run(["config", "--json", ...args], { env });
  assert.equal(result.code, 0, result.stderr);
  const report = jsonObject(result.stdout.trim());
  assert.equal(report.v, 1);
  assert.ok(isRecord(report.settings));
  const settings: Record<string, { value: unknown; from: string }> = {};
  for (const [key, entry] of Object.entries(report.settings)) {
    assert.ok(isRecord(entry) && isRecord(entry.origin) && typeof entry.from === "string", key);
    settings[key] = { value: entry.value, from: entry.from };
  }
  return settings;
}

/** Every key, as written in config.toml, and the value `pixir config` must then show. */
const EVERY_KEY: readonly { toml: string; key: string; value: unknown }[] = [
  { toml: 'model = "gpt-5.4"', key: "model", value: "gpt-5.4" },
  { toml: 'model_reasoning_effort = "high"', key: "model_reasoning_effort", value: "high" },
  { toml: 'model_provider = "ollama"', key: "model_provider", value: "ollama" },
  { toml: "stream_idle_timeout_ms = 1234", key: "stream_idle_timeout_ms", value: 1234 },
  { toml: "request_max_retries = 0", key: "request_max_retries", value: 0 },
  { toml: "retry_base_ms = 5", key: "retry_base_ms", value: 5 },
  { toml: "max_iterations = 3", key: "max_iterations", value: 3 },
  { toml: "compact_at_percent = 60", key: "compact_at_percent", value: 60 },
];

const PROVIDER_KEYS: readonly { toml: string; key: string; value: unknown }[] = [
  { toml: 'name = "vLLM box"', key: "name", value: "vLLM box" },
  {
    toml: 'base_url = "http://gpu-box:8000/v1/"',
    key: "base_url",
    value: "http://gpu-box:8000/v1",
  },
  { toml: 'env_key = "PIXIR_VLLM_KEY"', key: "env_key", value: "PIXIR_VLLM_KEY" },
  { toml: 'wire_api = "responses"', key: "wire_api", value: "responses" },
  { toml: 'http_headers = { "X-Team" = "infra" }', key: "http_headers.X-Team", value: "(set)" },
  { toml: 'query_params = { "api-version" = "2" }', key: "query_params.api-version", value: "2" },
  { toml: "model_context_window = 131072", key: "model_context_window", value: 131072 },
  { toml: "supports_store = true", key: "supports_store", value: true },
  { toml: "supports_encrypted_reasoning = true", key: "supports_encrypted_reasoning", value: true },
  { toml: "supports_prompt_cache_key = true", key: "supports_prompt_cache_key", value: true },
  { toml: "supports_reasoning = false", key: "supports_reasoning", value: false },
  { toml: "supports_parallel_tool_calls = true", key: "supports_parallel_tool_calls", value: true },
];

Deno.test("every key of config.toml is read and shown with its file and line", async () => {
  await using box = await sandbox();
  const lines = [
    ...EVERY_KEY.map((k) => k.toml),
    "[model_providers.vllm]",
    ...PROVIDER_KEYS.map((k) => k.toml),
  ];
  const path = await writeConfig(box, lines.join("\n") + "\n");
  // The sandbox sets PIXIR_RETRY_BASE_MS, which would win over the file; blank means unset.
  const settings = await effective(box, [], { PIXIR_RETRY_BASE_MS: "" });
  EVERY_KEY.forEach(({ key, value }, index) => {
    assert.deepEqual(settings[key], { value, from: `${path}:${index + 1}` }, key);
  });
  PROVIDER_KEYS.forEach(({ key, value }, index) => {
    const shown = settings[`model_providers.vllm.${key}`];
    assert.deepEqual(shown?.value, value, key);
    assert.equal(shown?.from, `${path}:${EVERY_KEY.length + 2 + index}`, key);
  });
});

Deno.test("each setting's environment variable, -c and flag, with precedence", async () => {
  await using box = await sandbox();
  await writeConfig(box, 'model = "from-file"\n[profiles.fast]\nmodel = "from-profile"\n');
  const env = {
    PIXIR_MODEL: "from-env",
    PIXIR_EFFORT: "low",
    PIXIR_PROVIDER: "lmstudio",
    PIXIR_STREAM_IDLE_TIMEOUT_MS: "9",
    PIXIR_MAX_RETRIES: "1",
    PIXIR_RETRY_BASE_MS: "2",
    PIXIR_MAX_ITERATIONS: "4",
    PIXIR_COMPACT_AT: "70",
    PIXIR_CHATGPT_BASE_URL: "http://127.0.0.1:9/backend-api/codex",
  };
  const fromEnv = await effective(box, ["--profile", "fast"], env);
  assert.deepEqual(fromEnv.model, { value: "from-env", from: "env PIXIR_MODEL" });
  assert.deepEqual(fromEnv.model_provider, { value: "lmstudio", from: "env PIXIR_PROVIDER" });
  assert.deepEqual(fromEnv.max_iterations, { value: 4, from: "env PIXIR_MAX_ITERATIONS" });
  assert.deepEqual(fromEnv.compact_at_percent, { value: 70, from: "env PIXIR_COMPACT_AT" });
  assert.deepEqual(fromEnv.stream_idle_timeout_ms, {
    value: 9,
    from: "env PIXIR_STREAM_IDLE_TIMEOUT_MS",
  });
  assert.deepEqual(fromEnv.request_max_retries, { value: 1, from: "env PIXIR_MAX_RETRIES" });
  assert.deepEqual(fromEnv.retry_base_ms, { value: 2, from: "env PIXIR_RETRY_BASE_MS" });
  assert.equal(fromEnv["model_providers.openai.base_url"].from, "env OPENAI_BASE_URL");
  assert.equal(fromEnv["model_providers.chatgpt.base_url"].from, "env PIXIR_CHATGPT_BASE_URL");

  const fromC = await effective(box, [
    "--profile",
    "fast",
    "-c",
    "model=from-c",
    "--config",
    "max_iterations=11",
  ], env);
  assert.deepEqual(fromC.model, { value: "from-c", from: "-c" });
  assert.deepEqual(fromC.max_iterations, { value: 11, from: "-c" });

  const fromFlags = await effective(
    box,
    [
      "--profile",
      "fast",
      "-c",
      "model=from-c",
      "-m",
      "from-flag",
      "--effort",
      "xhigh",
      "--provider",
      "ollama",
    ],
    env,
  );
  assert.deepEqual(fromFlags.model, { value: "from-flag", from: "flag --model" });
  assert.deepEqual(fromFlags.model_reasoning_effort, { value: "xhigh", from: "flag --effort" });
  assert.deepEqual(fromFlags.model_provider, { value: "ollama", from: "flag --provider" });
  assert.deepEqual(fromFlags.profile, { value: "fast", from: "flag --profile" });

  const fromProfile = await effective(box, ["--profile", "fast"]);
  assert.deepEqual(fromProfile.model, { value: "from-profile", from: "profile fast" });
});

Deno.test("the resolved settings reach the request: model and effort from the file's profile", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });
  await writeConfig(
    box,
    'profile = "deep"\n[profiles.deep]\nmodel = "gpt-5.4"\nmodel_reasoning_effort = "xhigh"\n',
  );
  const result = await box.run(["run", "hi"], { server });
  assert.equal(result.code, 0, result.stderr);
  const body = bodyOf(server.requests[0]);
  assert.equal(body.model, "gpt-5.4");
  assert.deepEqual(body.reasoning, { effort: "xhigh", summary: "auto" });
});

Deno.test("a broken file is exit 2 naming the file and the line, never a stack trace", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  const path = await writeConfig(box, 'model = "x"\n[profiles.fast\nmodel = "y"\n');
  for (const args of [["run", "hi"], ["config"], ["models"]]) {
    const result = await box.run(args, { server });
    assert.equal(result.code, 2, `${args[0]}: ${result.stderr}`);
    assert.ok(result.stderr.includes(`${path}:2:`), result.stderr);
    assert.match(result.stderr, /not valid TOML/);
    assertNoStackTrace(result.stderr);
  }
  assert.equal(server.requests.length, 0);
});

Deno.test("a wrong type is exit 2 naming file, line and key; --json says so too", async () => {
  await using box = await sandbox();
  const path = await writeConfig(box, '\n[model_providers.x]\nbase_url = "ftp://nope"\n');
  const result = await box.run(["run", "--json", "hi"]);
  assert.equal(result.code, 2);
  const failure = jsonObject(result.stdout.trim());
  assert.ok(isRecord(failure.error));
  assert.equal(
    failure.error.message,
    `${path}:3: model_providers.x.base_url: "ftp://nope" must be an http(s) URL`,
  );
});

Deno.test("an unknown key is a warning naming it; the run goes on", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });
  const path = await writeConfig(box, 'modle = "gpt-5.4"\n[mcp_servers.docs]\ncommand = "npx"\n');
  const result = await box.run(["run", "-c", "max_iteration=3", "hi"], { server });
  assert.equal(result.code, 0, result.stderr);
  assert.ok(
    result.stderr.includes(`pixir: warning: unknown setting ${path}:1: modle`),
    result.stderr,
  );
  assert.match(result.stderr, /unknown setting -c max_iteration/);
  assert.doesNotMatch(result.stderr, /mcp_servers/, "MCP servers are kept for later, silently");
});

Deno.test("an undefined profile and a wrong -c are exit 2", async () => {
  await using box = await sandbox();
  const profile = await box.run(["run", "--profile", "nope", "hi"]);
  assert.equal(profile.code, 2);
  assert.match(profile.stderr, /profile "nope" is not defined/);
  const override = await box.run(["run", "-c", "max_iterations=lots", "hi"]);
  assert.equal(override.code, 2);
  assert.match(override.stderr, /-c max_iterations: "lots" must be a whole number/);
  const provider = await box.run(["run", "--provider", "nope", "hi"]);
  assert.equal(provider.code, 2);
  assert.match(provider.stderr, /model_provider "nope" \(flag --provider\) is not a provider/);
});

Deno.test("config path prints the file; without one, config shows the defaults", async () => {
  await using box = await sandbox();
  const path = await box.run(["config", "path"]);
  assert.equal(path.code, 0);
  assert.equal(path.stdout, `${join(box.home, "config.toml")}\n`);
  const plain = await box.run(["config"]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^Config file: .*config\.toml \(none\)$/m);
  assert.match(plain.stdout, /^model +gpt-5\.5 +default$/m);
  assert.match(
    plain.stdout,
    /^model_providers\.ollama\.base_url +http:\/\/localhost:11434\/v1 +default$/m,
  );
  const settings = await effective(box);
  assert.equal(settings.model_provider, undefined, "no provider: the credential decides");
});
