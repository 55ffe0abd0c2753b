import assert from "node:assert/strict";
import { quoteBody, readErrorBody } from "../../src/auth/error_body.ts";

Deno.test("the code and text are read from each shape the issuer uses, code lowercased", () => {
  assert.deepEqual(
    readErrorBody('{"error":{"code":"Refresh_Token_Reused","message":"used twice"}}'),
    { code: "refresh_token_reused", text: "used twice" },
  );
  assert.deepEqual(
    readErrorBody('{"error":"invalid_grant","error_description":"code expired"}'),
    { code: "invalid_grant", text: "code expired" },
  );
  assert.deepEqual(readErrorBody('{"code":"token_expired","message":"old"}'), {
    code: "token_expired",
    text: "old",
  });
  assert.deepEqual(readErrorBody('{"error":{"message":"no code"}}'), { text: "no code" });
  assert.deepEqual(readErrorBody('{"error":{"code":""}}'), {});
});

Deno.test("a body that is not a JSON object is quoted, not parsed", () => {
  assert.deepEqual(readErrorBody("upstream  timed\nout"), { text: '"upstream timed out"' });
  assert.deepEqual(readErrorBody('["a"]'), { text: '"["a"]"' });
  assert.deepEqual(readErrorBody(""), {});
});

Deno.test("an HTML page is named, never dumped", () => {
  const page = "<!DOCTYPE html><html><body><h1>Attention Required! | Cloudflare</h1></body></html>";
  assert.equal(quoteBody(page), "an HTML page instead of JSON");
  assert.equal(quoteBody("\n  <html lang=en>…"), "an HTML page instead of JSON");
});

Deno.test("a long body is cut to a short single-line quote", () => {
  const quote = quoteBody("x".repeat(5000));
  assert.ok(quote !== undefined && quote.length < 210, quote);
  assert.match(quote, /^"x+…"$/);
  assert.equal(quoteBody("  \n "), undefined);
});
