/**
 * What the ChatGPT backend's model list decides beyond the context windows: a model whose
 * `input_modalities` lack `image` is refused images, and model names from the list reach a
 * terminal only through the sanitizer.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { textAnswer } from "../fakes/fixtures.ts";
import { CHATGPT_BACKEND, startResponsesServer } from "../fakes/responses_server.ts";
import { ACCOUNT, chatgptLogin, sandbox, seedAuthFile, subscriptionEnv } from "./helpers.ts";
import { chat } from "./chat_pane.ts";

const HOSTILE_SLUG = "gpt-evil\x1b]0;TITLE-HIJACK\x07";

const LIST = {
  models: [
    {
      slug: "gpt-text",
      context_window: 100000,
      supported_reasoning_levels: [{ effort: "medium" }],
      input_modalities: ["text"],
    },
    {
      slug: "gpt-sees",
      context_window: 100000,
      supported_reasoning_levels: [{ effort: "medium" }],
      input_modalities: ["text", "image"],
    },
    { slug: HOSTILE_SLUG, context_window: 100000, supported_reasoning_levels: [] },
  ],
};

/** A sandbox signed in to a ChatGPT backend stand-in that lists LIST and answers "Seen.". */
async function signedIn() {
  const box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  const server = startResponsesServer({
    ...CHATGPT_BACKEND,
    routes: [
      ...issuer.routes,
      {
        method: "GET",
        path: "/backend-api/codex/models",
        handle: () => ({ status: 200, body: LIST }),
      },
    ],
    script: [{ sse: textAnswer("Seen.") }],
  });
  await seedAuthFile(box.home, chatgptLogin(server.origin, issuer.issueTokens()));
  return { box, server, env: subscriptionEnv(server) };
}

Deno.test("a model the list says reads only text is refused images; one that reads images is not", async () => {
  const { box, server: s, env } = await signedIn();
  await using _box = box;
  await using server = s;
  await Deno.writeFile(
    join(box.workspace, "a.gif"),
    new TextEncoder().encode("GIF89a\x01\x00\x01\x00"),
  );
  const listed = await box.run(["models", "--json"], { env });
  assert.equal(listed.code, 0, listed.stderr);

  const refused = await box.run(["run", "-m", "gpt-text", "-i", "a.gif", "look"], { env });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /--image: the model gpt-text takes no images/);
  assert.equal(server.requests.filter((r) => r.path.endsWith("/responses")).length, 0);

  const seen = await box.run(["run", "-m", "gpt-sees", "-i", "a.gif", "look"], { env });
  assert.equal(seen.code, 0, seen.stderr);
  assert.equal(seen.stdout, "Seen.\n");
});

Deno.test("model names from the backend are shown escaped on a terminal, exact in --json", async () => {
  const { box, server: s, env } = await signedIn();
  await using _box = box;
  await using _server = s;
  const json = await box.run(["models", "--json"], { env });
  assert.ok(JSON.parse(json.stdout).models.some((m: { slug: string }) => m.slug === HOSTILE_SLUG));

  await using pane = await chat(box, s, {
    args: ["models"],
    env,
    columns: 120,
    after: "echo MODELS-ENDED $status",
  });
  const screen = await pane.waitFor(/MODELS-ENDED 0/);
  assert.match(screen, /gpt-evil\^\[\]0;TITLE-HIJACK\^G/);
  assert.notEqual(await pane.title(), "TITLE-HIJACK");
});
