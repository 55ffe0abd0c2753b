import assert from "node:assert/strict";
import { accountIdOf, readClaims } from "../../src/auth/jwt.ts";
import { base64url, jwt } from "./tokens.ts";

const AUTH = "https://api.openai.com/auth";
const PROFILE = "https://api.openai.com/profile";

Deno.test("readClaims reads expiry, email, account, plan and user", () => {
  const token = jwt({
    exp: 1_900_000_000,
    email: "a@example.com",
    [AUTH]: { chatgpt_account_id: "acct-1", chatgpt_plan_type: "pro", chatgpt_user_id: "user-1" },
  });
  assert.deepEqual(readClaims(token), {
    exp: 1_900_000_000,
    email: "a@example.com",
    account_id: "acct-1",
    plan: "pro",
    user_id: "user-1",
  });
});

Deno.test("readClaims decodes base64url with - and _ and without padding", () => {
  // "~~~" encodes to "fn5-" and "???" to "Pz8_"; their standard-base64 forms use + and /.
  const claims = { email: "~~~???@example.com", exp: 1 };
  const payload = base64url(JSON.stringify(claims));
  assert.match(payload, /-/);
  assert.match(payload, /_/);
  assert.notEqual(JSON.stringify(claims).length % 3, 0, "the payload needs padding it lacks");
  assert.deepEqual(readClaims(`e30.${payload}.sig`), claims);
});

Deno.test("the email falls back to the profile claim, the user id to user_id", () => {
  const token = jwt({ [PROFILE]: { email: "p@example.com" }, [AUTH]: { user_id: "u-2" } });
  assert.deepEqual(readClaims(token), { email: "p@example.com", user_id: "u-2" });
});

Deno.test("claims of the wrong type are left out, not trusted", () => {
  const token = jwt({ exp: "soon", email: 7, [AUTH]: { chatgpt_account_id: ["x"] } });
  assert.deepEqual(readClaims(token), {});
  assert.deepEqual(readClaims(jwt({ [AUTH]: "not an object", exp: Infinity })), {});
});

Deno.test("garbage is null, never an exception", () => {
  for (
    const garbage of [
      "",
      "not-a-jwt",
      "a.b",
      "a.b.c.d.e",
      `e30.${base64url("[1,2]")}.sig`,
      `e30.${base64url("not json")}.sig`,
      "e30.!!!.sig",
      "e30..sig",
    ]
  ) {
    assert.equal(readClaims(garbage), null, garbage);
  }
});

Deno.test("accountIdOf prefers the id token and falls back to the access token", () => {
  const withAccount = (id: string) => jwt({ [AUTH]: { chatgpt_account_id: id } });
  const without = jwt({});
  assert.equal(accountIdOf({ id_token: withAccount("a"), access_token: withAccount("b") }), "a");
  assert.equal(accountIdOf({ id_token: without, access_token: withAccount("b") }), "b");
  assert.equal(accountIdOf({ id_token: without, access_token: "opaque" }), undefined);
});
