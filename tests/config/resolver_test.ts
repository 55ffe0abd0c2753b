import assert from "node:assert/strict";
import { parseConfigText } from "../../src/config/config_file.ts";
import { parseOverrides } from "../../src/config/overrides.ts";
import { type ConfigSources, describeOrigin, resolveConfig } from "../../src/config/resolver.ts";
import { SettingsError } from "../../src/config/settings_error.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

const USER_FILE = await parseConfigText(
  "/home/u/.config/pixir/config.toml",
  `model = "from-file"
model_reasoning_effort = "low"
max_iterations = 7

[profiles.p]
model = "from-profile"
max_iterations = 8
`,
);

const PROJECT_FILE = await parseConfigText(
  "/repo/.pixir/config.toml",
  `model = "from-project"
`,
);

/** Every layer sets `model`; each row removes the layers above the one that should win. */
const PRECEDENCE: readonly {
  name: string;
  sources: Omit<ConfigSources, "env"> & { env?: Record<string, string> };
  model: string;
  from: string;
}[] = [
  { name: "defaults alone", sources: {}, model: "gpt-5.5", from: "default" },
  {
    name: "the user file over defaults",
    sources: { userFile: USER_FILE },
    model: "from-file",
    from: "/home/u/.config/pixir/config.toml:1",
  },
  {
    name: "a trusted project over the user file",
    sources: { userFile: USER_FILE, projectFile: PROJECT_FILE },
    model: "from-project",
    from: "/repo/.pixir/config.toml:1",
  },
  {
    name: "the profile over the files",
    sources: { userFile: USER_FILE, projectFile: PROJECT_FILE, flags: { profile: "p" } },
    model: "from-profile",
    from: "profile p",
  },
  {
    name: "the environment over the profile",
    sources: {
      userFile: USER_FILE,
      projectFile: PROJECT_FILE,
      flags: { profile: "p" },
      env: { PIXIR_MODEL: "from-env" },
    },
    model: "from-env",
    from: "env PIXIR_MODEL",
  },
  {
    name: "-c over the environment",
    sources: {
      userFile: USER_FILE,
      projectFile: PROJECT_FILE,
      flags: { profile: "p" },
      env: { PIXIR_MODEL: "from-env" },
      overrides: await parseOverrides(["model=from-c"]),
    },
    model: "from-c",
    from: "-c",
  },
  {
    name: "flags over everything",
    sources: {
      userFile: USER_FILE,
      projectFile: PROJECT_FILE,
      flags: { profile: "p", model: "from-flag" },
      env: { PIXIR_MODEL: "from-env" },
      overrides: await parseOverrides(["model=from-c"]),
    },
    model: "from-flag",
    from: "flag --model",
  },
];

for (const row of PRECEDENCE) {
  Deno.test(`precedence: ${row.name}`, () => {
    const resolved = resolveConfig({ ...row.sources, env: envOf(row.sources.env ?? {}) });
    assert.equal(resolved.settings.model, row.model);
    const entry = resolved.entries.find((e) => e.key === "model");
    assert.ok(entry);
    assert.equal(describeOrigin(entry.origin), row.from);
  });
}

Deno.test("each key is decided on its own: a higher layer only wins for what it sets", () => {
  const resolved = resolveConfig({
    env: envOf({ PIXIR_EFFORT: "high" }),
    userFile: USER_FILE,
    flags: { profile: "p" },
  });
  const { settings } = resolved;
  assert.equal(settings.model, "from-profile");
  assert.equal(settings.effort, "high");
  assert.equal(settings.maxIterations, 8);
  assert.equal(settings.maxRetries, 4);
  assert.equal(settings.profile, "p");
});

Deno.test("the profile can be chosen by the file, the environment, -c or the flag", async () => {
  const file = await parseConfigText(
    "/c.toml",
    `profile = "a"\n[profiles.a]\nmodel = "A"\n[profiles.b]\nmodel = "B"\n`,
  );
  const pick = (sources: Omit<ConfigSources, "env" | "userFile">, env = {}) =>
    resolveConfig({ ...sources, env: envOf(env), userFile: file }).settings.model;
  assert.equal(pick({}), "A");
  assert.equal(pick({}, { PIXIR_PROFILE: "b" }), "B");
  assert.equal(pick({ overrides: await parseOverrides(["profile=b"]) }), "B");
  assert.equal(pick({ flags: { profile: "b" } }, { PIXIR_PROFILE: "a" }), "B");
});

Deno.test("an undefined profile or provider is an error naming it", () => {
  assert.throws(
    () => resolveConfig({ env: envOf({}), flags: { profile: "nope" } }),
    /profile "nope" is not defined/,
  );
  assert.throws(
    () => resolveConfig({ env: envOf({}), flags: { provider: "nope" } }),
    (error: unknown) =>
      error instanceof SettingsError &&
      /model_provider "nope" \(flag --provider\)/.test(error.message) &&
      /ollama/.test(error.message),
  );
});

Deno.test("-c takes TOML values and dotted keys, and plain text as a string", async () => {
  const { layer, unknown } = await parseOverrides([
    "model=gpt-5.4",
    'model_providers.vllm.base_url="http://gpu:8000/v1"',
    'model_providers.vllm.http_headers={ X-Team = "infra" }',
    "max_iterations=9",
    "model_providers.vllm.supports_store=true",
    "colour=blue",
  ]);
  assert.equal(layer.model, "gpt-5.4");
  assert.equal(layer.max_iterations, 9);
  assert.deepEqual(layer.model_providers?.vllm, {
    base_url: "http://gpu:8000/v1",
    http_headers: { "X-Team": "infra" },
    supports_store: true,
  });
  assert.deepEqual(unknown, ["-c colour"]);
  await assert.rejects(() => parseOverrides(["novalue"]), /-c "novalue": expected key=value/);
  await assert.rejects(
    () => parseOverrides(["max_iterations=many"]),
    /-c max_iterations: "many" must be a whole number/,
  );
});

Deno.test("a custom provider is built from its table; unset fields are the conservative ones", async () => {
  const { settings } = resolveConfig({
    env: envOf({}),
    userFile: await parseConfigText(
      "/c.toml",
      `model_provider = "vllm"
[model_providers.vllm]
base_url = "http://gpu-box:8000/v1/"
env_key = "PIXIR_VLLM_KEY"
query_params = { "api-version" = "1" }
model_context_window = 131072
supports_prompt_cache_key = true
`,
    ),
  });
  assert.deepEqual(settings.provider, {
    id: "vllm",
    name: "vllm",
    baseUrl: "http://gpu-box:8000/v1",
    auth: { kind: "env_key", variable: "PIXIR_VLLM_KEY" },
    headers: {},
    queryParams: { "api-version": "1" },
    contextWindow: 131072,
    fields: {
      store: false,
      encrypted_reasoning: false,
      prompt_cache_key: true,
      reasoning: true,
      parallel_tool_calls: false,
    },
    webSearch: false,
    accepts: { structured_output: false, images: false },
  });
});

Deno.test("built-in providers: credentials and request fields that work for each", () => {
  const { providers } = resolveConfig({ env: envOf({}) }).settings;
  assert.deepEqual(providers.chatgpt.auth, { kind: "chatgpt" });
  assert.deepEqual(providers.openai.auth, { kind: "openai" });
  assert.deepEqual(providers.ollama.auth, { kind: "none" });
  assert.deepEqual(providers.lmstudio.auth, { kind: "none" });
  assert.deepEqual(providers.openrouter.auth, { kind: "env_key", variable: "OPENROUTER_API_KEY" });
  assert.equal(providers.ollama.baseUrl, "http://localhost:11434/v1");
  assert.equal(providers.lmstudio.baseUrl, "http://localhost:1234/v1");
  assert.equal(providers.openrouter.baseUrl, "https://openrouter.ai/api/v1");
  assert.ok(Object.values(providers.chatgpt.fields).every((on) => on));
  assert.ok(Object.values(providers.openai.fields).every((on) => on));
  for (const id of ["ollama", "lmstudio", "openrouter"]) {
    assert.equal(providers[id].fields.store, false, id);
    assert.equal(providers[id].fields.encrypted_reasoning, false, id);
  }
});

Deno.test("file errors name the file, the line and the key", async () => {
  await assert.rejects(
    () => parseConfigText("/c.toml", `model = "x"\n\n[profiles.fast]\nmax_iterations = "many"\n`),
    (error: unknown) =>
      error instanceof SettingsError &&
      error.message ===
        '/c.toml:4: profiles.fast.max_iterations: "many" must be a whole number ≥ 1',
  );
  await assert.rejects(
    () => parseConfigText("/c.toml", `model = "x"\nmodel_reasoning_effort = = 2\n`),
    /^SettingsError: \/c\.toml:2:\d+: not valid TOML/,
  );
  await assert.rejects(
    () => parseConfigText("/c.toml", `[model_providers.x]\nwire_api = "chat"\n`),
    /\/c\.toml:2: model_providers\.x\.wire_api: "chat" must be "responses"/,
  );
});

Deno.test("unknown keys are warnings naming file, line and key; mcp_servers is kept silently", async () => {
  const file = await parseConfigText(
    "/c.toml",
    `modle = "typo"\n[model_providers.x]\nbase_url = "http://h/v1"\nbase_ulr = "oops"\n[mcp_servers.docs]\ncommand = "npx"\n`,
  );
  assert.deepEqual(file.unknown, ["/c.toml:1: modle", "/c.toml:4: model_providers.x.base_ulr"]);
  assert.deepEqual(file.layer.mcp_servers, { docs: { command: "npx" } });
  const resolved = resolveConfig({ env: envOf({}), userFile: file });
  assert.equal(resolved.warnings.length, 2);
  assert.match(resolved.warnings[0], /unknown setting \/c\.toml:1: modle/);
});

Deno.test("environment variables keep their names in errors", () => {
  assert.throws(
    () => resolveConfig({ env: envOf({ PIXIR_PROVIDER: "", PIXIR_MAX_RETRIES: "x" }) }),
    /^SettingsError: PIXIR_MAX_RETRIES: "x" must be a whole number ≥ 0/,
  );
  const { settings } = resolveConfig({ env: envOf({ PIXIR_PROVIDER: "ollama" }) });
  assert.equal(settings.provider?.id, "ollama");
});
