import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer, webSearchAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import {
  assertNoStackTrace,
  bodyOf,
  hintedSessionId,
  inputOf,
  jsonOutput,
  sandbox,
  userItem,
} from "./helpers.ts";

const ANSWER = "Deno 2.5 is the latest release.";

const SEARCH = {
  query: "latest deno release",
  text: ANSWER,
  citations: [
    { url: "https://deno.com/blog/v2.5", title: "Deno 2.5", start: 0, end: 8 },
    { url: "https://github.com/denoland/deno/releases", title: "Releases", start: 12, end: 30 },
  ],
};

/** The `tools` of a request, as sent. */
function toolsOf(body: Record<string, unknown>): Record<string, unknown>[] {
  assert.ok(Array.isArray(body.tools));
  return body.tools as Record<string, unknown>[];
}

Deno.test("--search offers the hosted web search; the search is shown and the citations kept in --json", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: webSearchAnswer(SEARCH) }] });

  const result = await box.run(["run", "--search", "--json", "what is the latest deno?"], {
    server,
  });

  assert.equal(result.code, 0, result.stderr);
  const tools = toolsOf(bodyOf(server.requests[0]));
  // The hosted tool comes after the function tools, exactly as the API names it.
  assert.deepEqual(tools.at(-1), { type: "web_search" });
  assert.equal(tools.filter((tool) => tool.type === "web_search").length, 1);
  const final = jsonOutput(result.stdout);
  assert.equal(final.answer, ANSWER);
  assert.deepEqual(final.citations, [
    { url: "https://deno.com/blog/v2.5", title: "Deno 2.5", start_index: 0, end_index: 8 },
    {
      url: "https://github.com/denoland/deno/releases",
      title: "Releases",
      start_index: 12,
      end_index: 30,
    },
  ]);
  // The person sees the query and its status, and the cited pages as footnotes.
  assert.match(result.stderr, /web search "latest deno release" \(completed\)/);
  assert.match(result.stderr, /Sources:\n {2}\[1\] Deno 2\.5 <https:\/\/deno\.com\/blog\/v2\.5>\n/);
  assert.match(result.stderr, /\[2\] Releases <https:\/\/github\.com\/denoland\/deno\/releases>/);
  // The log keeps the search call as the server sent it, and the citations with the message.
  const log = await box.log(String(final.session_id));
  const search = log.find((event) => event.type === "web_search");
  assert.deepEqual(search?.data, {
    model: "gpt-5.5",
    provider: "openai",
    status: "completed",
    action: {
      type: "search",
      query: "latest deno release",
      sources: [
        { type: "url", url: "https://deno.com/blog/v2.5" },
        { type: "url", url: "https://github.com/denoland/deno/releases" },
      ],
    },
  });
  const message = log.find((event) => event.type === "assistant_message");
  assert.equal(message?.type === "assistant_message" && message.data.citations?.length, 2);
});

Deno.test("a web search call is replayed faithfully, without its id, in the turns after it", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [{ sse: webSearchAnswer(SEARCH) }, { sse: textAnswer("It came out in 2026.") }],
  });

  const first = await box.run(["run", "--search", "what is the latest deno?"], { server });
  assert.equal(first.code, 0, first.stderr);
  // Plain output: stdout is the model's text alone; the footnotes are with the activity.
  assert.equal(first.stdout, `${ANSWER}\n`);
  const id = hintedSessionId(first.stderr);

  const second = await box.run(["resume", id, "--search", "when?"], { server });

  assert.equal(second.code, 0, second.stderr);
  // The stand-in refuses any item id (store is false), so a replayed id would fail the run.
  assert.deepEqual(inputOf(server.requests[1]), [
    userItem("what is the latest deno?"),
    {
      type: "web_search_call",
      status: "completed",
      action: {
        type: "search",
        query: "latest deno release",
        sources: [
          { type: "url", url: "https://deno.com/blog/v2.5" },
          { type: "url", url: "https://github.com/denoland/deno/releases" },
        ],
      },
    },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: ANSWER }] },
    userItem("when?"),
  ]);
  const exported = await box.run(["export", id]);
  assert.match(exported.stdout, /_Web search: search "latest deno release" \(completed\)_/);
  assert.match(exported.stdout, /- \[1\] Deno 2\.5 <https:\/\/deno\.com\/blog\/v2\.5>/);
});

Deno.test("without --search no web search tool is sent; web_search = true in config.toml sends it", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("ok") }] });

  const plain = await box.run(["run", "hi"], { server });
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(!toolsOf(bodyOf(server.requests[0])).some((tool) => tool.type === "web_search"));

  await Deno.writeTextFile(join(box.home, "config.toml"), "web_search = true\n");
  const configured = await box.run(["run", "hi"], { server });
  assert.equal(configured.code, 0, configured.stderr);
  assert.deepEqual(toolsOf(bodyOf(server.requests[1])).at(-1), { type: "web_search" });
});

Deno.test("--search with a provider that does not offer web search is a clear error before any request", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("unused") }] });
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[model_providers.local]\nbase_url = "${server.url}"\n`,
  );

  const result = await box.run(["run", "--json", "--provider", "local", "--search", "hi"], {
    server,
  });

  assert.equal(result.code, 2, result.stderr);
  const final = jsonOutput(result.stdout);
  assert.equal(final.error?.kind, "usage");
  assert.match(
    final.error?.message ?? "",
    /provider "local" .* does not offer the hosted web_search/,
  );
  assert.match(result.stderr, /supports_web_search = true in \[model_providers\.local\]/);
  assertNoStackTrace(result.stderr);
  assert.equal(server.requests.length, 0);

  // Saying the provider supports it is enough to send it.
  await Deno.writeTextFile(
    join(box.home, "config.toml"),
    `[model_providers.local]\nbase_url = "${server.url}"\nenv_key = "PIXIR_LOCAL_KEY"\n` +
      "supports_store = true\nsupports_web_search = true\n",
  );
  const allowed = await box.run(["run", "--provider", "local", "--search", "hi"], {
    server,
    env: { PIXIR_LOCAL_KEY: "local-key" },
  });
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.deepEqual(toolsOf(bodyOf(server.requests[0])).at(-1), { type: "web_search" });
});

Deno.test("a provider that claims web search and then refuses it names the tool and the fix", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({
    script: [{ sse: textAnswer("unused") }],
    rules: { refuseWebSearch: true },
  });

  const result = await box.run(["run", "--search", "--json", "hi"], { server });

  assert.equal(result.code, 1, result.stderr);
  const final = jsonOutput(result.stdout);
  assert.equal(final.error?.kind, "invalid_request");
  assert.match(final.error?.message ?? "", /web_search/);
  assert.match(result.stderr, /refused the hosted web_search tool: run without --search/);
  assertNoStackTrace(result.stderr);
});
