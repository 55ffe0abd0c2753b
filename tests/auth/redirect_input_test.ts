import assert from "node:assert/strict";
import { parseRedirectInput } from "../../src/auth/redirect_input.ts";

const STATE = "expected-state";

function code(input: string): string {
  const pasted = parseRedirectInput(input, STATE);
  assert.ok(pasted.ok, `expected a code from ${JSON.stringify(input)}`);
  return pasted.code;
}

function problem(input: string): string {
  const pasted = parseRedirectInput(input, STATE);
  assert.ok(!pasted.ok, `expected a problem with ${JSON.stringify(input)}`);
  return pasted.problem;
}

Deno.test("a full redirect URL yields its code", () => {
  assert.equal(
    code(`http://localhost:1455/auth/callback?code=ac_1&scope=openid+email&state=${STATE}`),
    "ac_1",
  );
});

Deno.test("surrounding whitespace is ignored", () => {
  assert.equal(code(`  http://localhost:1455/auth/callback?code=ac_2&state=${STATE}\n`), "ac_2");
});

Deno.test("a query string yields its code, with or without the ?", () => {
  assert.equal(code(`code=ac_3&state=${STATE}`), "ac_3");
  assert.equal(code(`?state=${STATE}&code=ac_4`), "ac_4");
});

Deno.test("a URL whose scheme was lost in the copy still yields its code", () => {
  assert.equal(code(`localhost:1455/auth/callback?code=ac_5&state=${STATE}`), "ac_5");
});

Deno.test("code#state yields the code", () => {
  assert.equal(code(`ac_6#${STATE}`), "ac_6");
});

Deno.test("a bare code is taken as it is", () => {
  assert.equal(code("ac_7"), "ac_7");
});

Deno.test("a state that differs is refused, in every shape", () => {
  for (
    const input of [
      "http://localhost:1455/auth/callback?code=ac&state=other",
      "code=ac&state=other",
      "ac#other",
      "http://localhost:1455/auth/callback?code=ac&state=",
    ]
  ) {
    assert.match(problem(input), /state mismatch/, input);
  }
});

Deno.test("a paste without a state is accepted: there is nothing to check", () => {
  assert.equal(code("http://localhost:1455/auth/callback?code=ac_8"), "ac_8");
});

Deno.test("an empty paste, or one without a code, is a problem", () => {
  assert.match(problem("   "), /nothing was pasted/);
  assert.match(
    problem(`http://localhost:1455/auth/callback?state=${STATE}`),
    /no authorization code/,
  );
  assert.match(problem(`code=&state=${STATE}`), /no authorization code/);
  assert.match(problem(`#${STATE}`), /no authorization code/);
});

Deno.test("a redirect that carries the issuer's error reports it", () => {
  assert.equal(
    problem(
      `http://localhost:1455/auth/callback?error=access_denied&error_description=No+way&state=${STATE}`,
    ),
    "the issuer refused the sign-in: access_denied: No way",
  );
});
