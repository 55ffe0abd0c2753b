/**
 * Providers on the wire, through the real CLI: a second loopback stand-in plays a local
 * OpenAI-compatible server (its own port, its own key variable) that refuses the fields only
 * OpenAI's backends take, and receives the run's requests without them.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  assertNoStackTrace,
  bodyOf,
  hintedSessionId,
  inputOf,
  jsonObject,
  jsonOutput,
  type Sandbox,
  sandbox,
} from "./helpers.ts";

/** The fields a server imitating the Responses API does not take (see the README). */
const OPENAI_ONLY = ["store", "include", "prompt_cache_key", "parallel_tool_calls"] as const;

const LOCAL_KEY = "local-key-7f3a";

/** A local provider: refuses OpenAI-only fields, demands its own key, lists its models. */
function localServer(replies = [{ sse: textAnswer("from the local model") }]) {
  return startResponsesServer({
    script: replies,
    rules: { bearer: LOCAL_KEY, refusedFields: OPENAI_ONLY },
    routes: [{
      method: "GET",
      path: "/v1/models",
      handle: (request) =>
        request.headers["authorization"] === `Bearer ${LOCAL_KEY}`
          ? {
            status: 200,
            body: { object: "list", data: [{ id: "qwen3-coder" }, { id: "gpt-oss:20b" }] },
          }
          : { status: 401, body: { error: "no key" } },
    }],
  });
}

async function writeConfig(box: Sandbox, text: string): Promise<void> {
  await Deno.writeTextFile(join(box.home, "config.toml"), text);
}

function localConfig(url: string): string {
  return `[model_providers.local]
name = "Local test server"
base_url = "${url}"
env_key = "PIXIR_LOCAL_KEY"
http_headers = { "X-Team" = "infra" }
model_context_window = 64000
`;
}

Deno.test("--provider sends the run to that provider, with its key and only the fields it accepts", async () => {
  await using box = await sandbox();
  await using openai = startResponsesServer({ script: [{ sse: textAnswer("from openai") }] });
  await using local = localServer();
  await writeConfig(box, localConfig(local.url));

  const result = await box.run(
    ["run", "--json", "--provider", "local", "-m", "qwen3-coder", "hi"],
    {
      server: openai,
      env: { PIXIR_LOCAL_KEY: LOCAL_KEY },
    },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(jsonOutput(result.stdout).answer, "from the local model");
  assert.equal(openai.requests.length, 0, "nothing went to the OpenAI stand-in");
  assert.equal(local.requests.length, 1);
  const [request] = local.requests;
  assert.equal(request.headers["authorization"], `Bearer ${LOCAL_KEY}`);
  assert.equal(request.headers["x-team"], "infra");
  const body = bodyOf(request);
  for (const field of OPENAI_ONLY) assert.equal(field in body, false, `${field} was sent`);
  assert.deepEqual(body.reasoning, { effort: "medium", summary: "auto" });
  assert.equal(body.model, "qwen3-coder");

  const [id] = await box.sessionIds();
  const events = await box.log(id);
  assert.equal(events[0].type === "session_started" && events[0].data.provider, "local");
});

Deno.test("each optional request field can be switched per provider", async () => {
  await using box = await sandbox();
  await using local = startResponsesServer({
    script: [{ sse: textAnswer("ok") }],
    rules: { bearer: null, refusedFields: ["reasoning", "store"] },
  });
  await writeConfig(
    box,
    `[model_providers.plain]
base_url = "${local.url}"
supports_reasoning = false
supports_prompt_cache_key = true
supports_parallel_tool_calls = true
supports_encrypted_reasoning = true
`,
  );
  const result = await box.run(["run", "--provider", "plain", "hi"], { apiKey: null });
  assert.equal(result.code, 0, result.stderr);
  const body = bodyOf(local.requests[0]);
  assert.equal("reasoning" in body, false);
  assert.equal("store" in body, false);
  assert.deepEqual(body.include, ["reasoning.encrypted_content"]);
  assert.equal(typeof body.prompt_cache_key, "string");
  assert.equal(body.parallel_tool_calls, true);
  assert.equal(
    local.requests[0].headers["authorization"],
    undefined,
    "no key for a keyless server",
  );
});

Deno.test("a missing provider key is exit 4 naming the variable", async () => {
  await using box = await sandbox();
  await using local = localServer();
  await writeConfig(box, localConfig(local.url));
  const result = await box.run(["run", "--provider", "local", "hi"]);
  assert.equal(result.code, 4, result.stderr);
  assert.match(result.stderr, /PIXIR_LOCAL_KEY is not set/);
  assert.equal(local.requests.length, 0);
});

Deno.test("resume keeps the session's provider; encrypted reasoning never goes to another", async () => {
  await using box = await sandbox();
  await using openai = startResponsesServer({ script: [{ sse: textAnswer("from openai") }] });
  await using local = startResponsesServer({
    script: [{ sse: textAnswer("one") }, { sse: textAnswer("two") }],
    rules: { bearer: LOCAL_KEY },
  });
  await writeConfig(
    box,
    `${localConfig(local.url)}supports_encrypted_reasoning = true\nsupports_store = true\n`,
  );
  const env = { PIXIR_LOCAL_KEY: LOCAL_KEY };
  const first = await box.run(["run", "--provider", "local", "first"], { server: openai, env });
  assert.equal(first.code, 0, first.stderr);
  const id = hintedSessionId(first.stderr);

  // No --provider: the session's own provider is used again, and its reasoning is replayed.
  const second = await box.run(["resume", id, "second"], { server: openai, env });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(local.requests.length, 2);
  assert.equal(openai.requests.length, 0);
  const replayed = inputOf(local.requests[1]).filter((item) => item.type === "reasoning");
  assert.equal(replayed.length, 1, "the local provider gets its own reasoning back");

  // Switched to another provider with the same model: the local reasoning is left out.
  const third = await box.run(
    ["resume", id, "--provider", "openai", "-m", "gpt-5.5", "third"],
    { server: openai, env },
  );
  assert.equal(third.code, 0, third.stderr);
  assert.equal(openai.requests.length, 1);
  const input = inputOf(openai.requests[0]);
  assert.equal(input.filter((item) => item.type === "reasoning").length, 0);
  assert.equal(input.filter((item) => item.role === "user").length, 3, "the conversation is kept");
});

Deno.test("built-in ollama: no key, conservative fields; model_provider in the file picks it", async () => {
  await using box = await sandbox();
  await using ollama = startResponsesServer({
    script: [{ sse: textAnswer("llama says hi") }],
    rules: { bearer: null, refusedFields: OPENAI_ONLY },
  });
  await writeConfig(
    box,
    `model_provider = "ollama"\nmodel = "gpt-oss:20b"\n[model_providers.ollama]\nbase_url = "${ollama.url}"\n`,
  );
  const result = await box.run(["run", "--json", "hi"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(jsonOutput(result.stdout).answer, "llama says hi");
  assert.equal(bodyOf(ollama.requests[0]).model, "gpt-oss:20b");
});

Deno.test("built-in openrouter reads OPENROUTER_API_KEY", async () => {
  await using box = await sandbox();
  await using router = startResponsesServer({
    script: [{ sse: textAnswer("routed") }],
    rules: { bearer: "or-key-1", refusedFields: ["store", "include", "prompt_cache_key"] },
  });
  const result = await box.run(
    [
      "run",
      "--provider",
      "openrouter",
      "-c",
      `model_providers.openrouter.base_url="${router.url}"`,
      "hi",
    ],
    { env: { OPENROUTER_API_KEY: "or-key-1" } },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "routed\n");
});

Deno.test("--auth that contradicts the provider is bad usage", async () => {
  await using box = await sandbox();
  const result = await box.run(["run", "--provider", "ollama", "--auth", "subscription", "hi"]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--auth subscription does not go with provider ollama/);
});

Deno.test("models --provider lists the server's GET /models", async () => {
  await using box = await sandbox();
  await using local = localServer();
  await writeConfig(box, localConfig(local.url));
  const env = { PIXIR_LOCAL_KEY: LOCAL_KEY };
  const result = await box.run(["models", "--provider", "local", "--json"], { env });
  assert.equal(result.code, 0, result.stderr);
  const report = jsonObject(result.stdout.trim());
  assert.equal(report.source, "provider");
  assert.equal(report.provider, "local");
  assert.deepEqual(report.models, [
    { slug: "qwen3-coder", context_window: 64000, efforts: ["low", "medium", "high"] },
    { slug: "gpt-oss:20b", context_window: 64000, efforts: ["low", "medium", "high"] },
  ]);
  const plain = await box.run(["models", "--provider", "local"], { env });
  assert.match(plain.stdout, /Models \(from provider local\)/);
  assert.match(plain.stdout, /qwen3-coder/);

  await local.close();
  const down = await box.run(["models", "--provider", "local"], { env });
  assert.equal(down.code, 1);
  assert.match(down.stderr, /cannot list the models of local/);
  assert.match(down.stderr, /is the server running at http:\/\/127\.0\.0\.1:\d+\/v1\?/);
});

/** A 1×1 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  ),
  (c) => c.charCodeAt(0),
);

Deno.test("a provider that does not declare structured output or images is refused before any request", async () => {
  await using box = await sandbox();
  await using local = localServer();
  await writeConfig(box, localConfig(local.url));
  await Deno.writeTextFile(join(box.workspace, "schema.json"), '{"type": "object"}');
  await Deno.writeFile(join(box.workspace, "shot.png"), PNG);
  const env = { PIXIR_LOCAL_KEY: LOCAL_KEY };
  const cases: [string[], RegExp, RegExp][] = [
    [
      ["--output-schema", "schema.json"],
      /the provider local does not accept structured output \(text\.format of type json_schema\)/,
      /model_providers\.local\.supports_structured_output = true/,
    ],
    [
      ["-i", "shot.png"],
      /the provider local does not accept images \(input_image content\)/,
      /model_providers\.local\.supports_images = true/,
    ],
  ];
  for (const [flags, message, fix] of cases) {
    for (const mode of [[], ["--json"]]) {
      const result = await box.run(["run", "--provider", "local", ...mode, ...flags, "hi"], {
        env,
      });
      assert.equal(result.code, 2, `${flags.join(" ")}: ${result.stderr}`);
      const shown = mode.length
        ? String((jsonObject(result.stdout).error as { message: string }).message)
        : result.stderr;
      assert.match(shown, message);
      assert.match(result.stderr, fix);
      assertNoStackTrace(result.stderr);
    }
  }
  // The built-in local servers are as cautious as a provider of your own.
  const ollama = await box.run(
    ["run", "--provider", "ollama", "--output-schema", "schema.json", "hi"],
  );
  assert.equal(ollama.code, 2, ollama.stderr);
  assert.match(ollama.stderr, /the provider ollama does not accept structured output/);
  assert.equal(local.requests.length, 0, "nothing was sent");
  assert.deepEqual(await box.sessionIds(), [], "no session was created");
});

Deno.test("a provider that declares structured output and images gets them", async () => {
  await using box = await sandbox();
  await using local = localServer([{ sse: textAnswer('{"ok": true}') }]);
  await writeConfig(
    box,
    `${localConfig(local.url)}supports_structured_output = true\nsupports_images = true\n`,
  );
  await Deno.writeTextFile(join(box.workspace, "schema.json"), '{"type": "object"}');
  await Deno.writeFile(join(box.workspace, "shot.png"), PNG);
  const result = await box.run(
    ["run", "--provider", "local", "--output-schema", "schema.json", "-i", "shot.png", "hi"],
    { env: { PIXIR_LOCAL_KEY: LOCAL_KEY } },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), '{"ok":true}');
  const body = bodyOf(local.requests[0]);
  assert.equal((body.text as { format: { type: string } }).format.type, "json_schema");
  const parts = inputOf(local.requests[0]).at(-1)?.content as { type: string }[];
  assert.equal(parts.at(-1)?.type, "input_image");
});
