import assert from "node:assert/strict";
import { authFileLocation, chatgptAuth, withAuthFile } from "../../src/auth/auth_file.ts";
import { NotAuthenticatedError } from "../../src/auth/credential.ts";
import type { RefreshDeps } from "../../src/auth/refresh.ts";
import { subscriptionCredentials } from "../../src/auth/subscription.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import { startFakeIssuer } from "./fake_issuer.ts";
import { accessToken, ACCOUNT_ID, idToken } from "./tokens.ts";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const HOUR = 3_600_000;

async function setup(script: Parameters<typeof startFakeIssuer>[0]["script"] = []) {
  const dir = await tempWorkspace();
  const fake = startFakeIssuer({ refreshToken: "rt-0", now: () => NOW, script });
  const location = authFileLocation(dir.path);
  const deps: RefreshDeps = { location, fetch, now: () => NOW, sleep: () => Promise.resolve() };
  const save = (access: string) =>
    withAuthFile(location, (file) =>
      file.write(chatgptAuth(
        {
          id_token: idToken(),
          access_token: access,
          refresh_token: "rt-0",
          account_id: ACCOUNT_ID,
        },
        fake.origin,
        NOW,
      )));
  return {
    fake,
    save,
    provider: subscriptionCredentials(deps),
    async [Symbol.asyncDispose]() {
      await fake.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

Deno.test("get answers with the stored access token and account", async () => {
  await using t = await setup();
  const access = accessToken(NOW + HOUR, { v: "stored" });
  await t.save(access);
  assert.deepEqual(await t.provider.get(), {
    kind: "chatgpt",
    access_token: access,
    account_id: ACCOUNT_ID,
  });
  assert.equal(t.fake.tokenRequests().length, 0);
});

Deno.test("get refreshes an expiring token first", async () => {
  await using t = await setup();
  const old = accessToken(NOW + 60_000, { v: "old" });
  await t.save(old);
  const credential = await t.provider.get();
  assert.ok(credential.kind === "chatgpt");
  assert.notEqual(credential.access_token, old);
  assert.equal(t.fake.tokenRequests().length, 1);
});

Deno.test("renew after a 401 refreshes once and answers with the new token", async () => {
  await using t = await setup();
  const refused = accessToken(NOW + HOUR, { v: "refused" });
  await t.save(refused);
  const renewed = await t.provider.renew({
    kind: "chatgpt",
    access_token: refused,
    account_id: ACCOUNT_ID,
  });
  assert.ok(renewed?.kind === "chatgpt");
  assert.notEqual(renewed.access_token, refused);
  assert.equal(t.fake.tokenRequests().length, 1);
  assert.deepEqual(await t.provider.get(), renewed);
});

Deno.test("renew answers null when recovery yields the very token that was refused", async () => {
  const refused = accessToken(NOW + HOUR, { v: "refused" });
  await using t = await setup([{ status: 200, body: { access_token: refused } }]);
  await t.save(refused);
  const rejected = { kind: "chatgpt", access_token: refused, account_id: ACCOUNT_ID } as const;
  assert.equal(await t.provider.renew(rejected), null);
});

Deno.test("renew has nothing to offer for an API key", async () => {
  await using t = await setup();
  const rejected = { kind: "api_key", api_key: "sk-1", source: "env" } as const;
  assert.equal(await t.provider.renew(rejected), null);
  assert.equal(t.fake.tokenRequests().length, 0);
});

Deno.test("a dead login surfaces as NotAuthenticated from renew", async () => {
  await using t = await setup([{
    status: 401,
    body: { error: { code: "refresh_token_expired" } },
  }]);
  const refused = accessToken(NOW + HOUR);
  await t.save(refused);
  const rejected = { kind: "chatgpt", access_token: refused, account_id: ACCOUNT_ID } as const;
  await assert.rejects(t.provider.renew(rejected), NotAuthenticatedError);
});
