import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { AUTH_CLAIM, base64url, fakeAccessToken, makeJwt } from "./jwt.ts";

Deno.test("makeJwt writes an unsigned three-part token with the 'none' header and 'sig'", () => {
  const jwt = makeJwt({ sub: "x", n: 1 });
  const [header, payload, signature] = jwt.split(".");
  assert.equal(signature, "sig");
  assert.deepEqual(decodeProtectedHeader(jwt), { alg: "none", typ: "JWT" });
  assert.deepEqual(decodeJwt(jwt), { sub: "x", n: 1 });
  for (const part of [header, payload]) assert.match(part, /^[A-Za-z0-9_-]+$/);
});

Deno.test("base64url uses - and _ and drops the padding", () => {
  // 0xfb 0xff encodes to "+/8=" in standard base64.
  assert.equal(base64url(new Uint8Array([0xfb, 0xff])), "-_8");
  assert.equal(base64url("é"), "w6k");
});

Deno.test("fakeAccessToken carries expiry, email, account, plan and user", () => {
  const claims = decodeJwt(fakeAccessToken({ exp: 1_767_229_200, tokenId: "at_1" }));
  assert.deepEqual(claims, {
    exp: 1_767_229_200,
    email: "dev@example.com",
    [AUTH_CLAIM]: {
      chatgpt_account_id: "acct_fx",
      chatgpt_plan_type: "plus",
      chatgpt_user_id: "user-fx",
    },
    jti: "at_1",
  });
  const custom = decodeJwt(
    fakeAccessToken({ exp: 1, accountId: "acct_2", plan: "pro", email: "b@example.com" }),
  );
  assert.equal(custom.email, "b@example.com");
  assert.deepEqual(custom[AUTH_CLAIM], {
    chatgpt_account_id: "acct_2",
    chatgpt_plan_type: "pro",
    chatgpt_user_id: "user-fx",
  });
});
