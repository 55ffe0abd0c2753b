/**
 * The chat and an expiring ChatGPT sign-in, end to end in tmux: the chat paints before the token
 * is refreshed (the network never delays the first frame), a refresh that fails is told in the
 * transcript with its fix while the chat stays open, and one that succeeds is what the first
 * message uses.
 */

import assert from "node:assert/strict";
import { createAuthIssuer } from "../fakes/auth_server.ts";
import { textAnswer } from "../fakes/fixtures.ts";
import { CHATGPT_BACKEND } from "../fakes/responses_server.ts";
import {
  ACCOUNT,
  chatgptLogin,
  isRecord,
  requestsTo,
  sandbox,
  seedAuthFile,
  startChatgptBackend,
  storedAuth,
  subscriptionEnv,
} from "./helpers.ts";
import { chat, PROMPT_READY, send } from "./chat_pane.ts";

/** The access token `<home>/auth.json` holds now. */
async function storedAccessToken(home: string): Promise<unknown> {
  const { tokens } = await storedAuth(home);
  assert.ok(isRecord(tokens), "auth.json holds tokens");
  return tokens.access_token;
}

Deno.test("an expired sign-in: the chat paints before the refresh, and the first message uses the refreshed token", async () => {
  await using box = await sandbox();
  // The issuer answers the refresh only after 4 s: a refresh before the first frame would hold
  // the chat that long, and the token file would already hold the new token when it paints.
  const issuer = createAuthIssuer({ account: ACCOUNT, refreshDelayMs: 4_000 });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("Fresh.") }]);
  const expired = issuer.issueTokens({ accessTokenSeconds: -60 });
  await seedAuthFile(box.home, chatgptLogin(server.origin, expired));
  await using pane = await chat(box, server, { env: subscriptionEnv(server) });

  await pane.waitFor(PROMPT_READY, 30_000);
  assert.equal(
    await storedAccessToken(box.home),
    expired.access_token,
    "the chat painted while the refresh was still pending",
  );

  await send(pane, "hello");
  await pane.waitFor(/Fresh\./, 30_000);
  assert.equal(issuer.refreshRequests, 1, "one refresh for the chat and its first message");
  const current = await storedAccessToken(box.home);
  assert.notEqual(current, expired.access_token);
  const models = requestsTo(server.requests, CHATGPT_BACKEND.path);
  assert.deepEqual(
    models.map((request) => request.headers["authorization"]),
    [`Bearer ${current}`],
  );
});

Deno.test("an expired sign-in whose refresh is refused: the transcript says so and how to fix it; the chat stays open", async () => {
  await using box = await sandbox();
  const issuer = createAuthIssuer({ account: ACCOUNT });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("unused") }]);
  // A refresh token the issuer never issued: its grant is refused (invalid_grant).
  const expired = issuer.issueTokens({ accessTokenSeconds: -60 });
  await seedAuthFile(
    box.home,
    chatgptLogin(server.origin, { ...expired, refresh_token: "rt-unknown" }),
  );
  await using pane = await chat(box, server, {
    env: subscriptionEnv(server),
    columns: 160,
    after: "echo CHAT-ENDED $status",
  });

  const screen = await pane.waitFor(/could not refresh the sign-in/, 30_000);
  assert.match(screen, PROMPT_READY, "the chat is open");
  // The pane wraps long lines.
  assert.match(
    screen.replaceAll("\n", ""),
    /could not refresh the sign-in: .*invalid_grant.*; run `pixir login` to sign in again/,
  );
  assert.equal(issuer.refreshRequests, 1);
  assert.equal(requestsTo(server.requests, CHATGPT_BACKEND.path).length, 0);

  await pane.press("C-d");
  assert.match(await pane.waitFor(/CHAT-ENDED \d+/, 30_000), /CHAT-ENDED 0/);
});

Deno.test("a chat left while its sign-in refresh is under way waits for it: the rotated tokens are saved", async () => {
  await using box = await sandbox();
  // The refresh token is spent when the request arrives; only the answer, 3 s later, holds the
  // next one: a process ending meanwhile would leave auth.json with a dead refresh token.
  const issuer = createAuthIssuer({ account: ACCOUNT, refreshDelayMs: 3_000 });
  await using server = startChatgptBackend(issuer, [{ sse: textAnswer("unused") }]);
  const expired = issuer.issueTokens({ accessTokenSeconds: -60 });
  await seedAuthFile(box.home, chatgptLogin(server.origin, expired));
  await using pane = await chat(box, server, {
    env: subscriptionEnv(server),
    after: "echo CHAT-ENDED $status",
  });

  await pane.waitFor(PROMPT_READY, 30_000);
  await pane.press("C-d");
  assert.match(await pane.waitFor(/CHAT-ENDED \d+/, 30_000), /CHAT-ENDED 0/);
  assert.equal(issuer.refreshRequests, 1);
  const { tokens } = await storedAuth(box.home);
  assert.ok(isRecord(tokens));
  assert.notEqual(tokens.refresh_token, expired.refresh_token, "the rotated refresh token is kept");
  assert.notEqual(tokens.access_token, expired.access_token);
});
