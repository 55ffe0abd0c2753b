import assert from "node:assert/strict";
import { tokenExpiredReply, unsupportedVerbosityReply } from "./fixtures.ts";
import { rejectResponsesRequest } from "./responses_validation.ts";

/** J.2's follow-up request: a body the strict backend accepts. */
const valid: Record<string, unknown> = JSON.parse(
  Deno.readTextFileSync(new URL("./testdata/j2_follow_up_request.json", import.meta.url)),
);
const headers = { authorization: "Bearer sk-test", "content-type": "application/json" };

function rejection(body: unknown, requestHeaders: Record<string, string> = headers) {
  return rejectResponsesRequest({ headers: requestHeaders, body });
}

Deno.test("rejectResponsesRequest accepts J.2's follow-up request", () => {
  assert.equal(rejection(valid), null);
});

Deno.test("rejectResponsesRequest answers 401 when Authorization is missing", () => {
  const reply = rejection(valid, { "content-type": "application/json" });
  assert.equal(reply?.status, 401);
  assert.match(JSON.stringify(reply?.body), /Missing bearer authentication/);
});

Deno.test("rejectResponsesRequest demands the account header only when asked to", () => {
  assert.equal(rejectResponsesRequest({ headers, body: valid }, { requireAccountId: false }), null);
  const reply = rejectResponsesRequest({ headers, body: valid }, { requireAccountId: true });
  assert.equal(reply?.status, 401);
  const withAccount = { ...headers, "chatgpt-account-id": "acct_fx" };
  assert.equal(
    rejectResponsesRequest({ headers: withAccount, body: valid }, { requireAccountId: true }),
    null,
  );
});

Deno.test("rejectResponsesRequest answers 401 token_expired for a bearer listed as expired", () => {
  const rules = { expiredTokens: ["at-old"] };
  const bearer = (token: string) => ({ ...headers, authorization: `Bearer ${token}` });
  assert.deepEqual(
    rejectResponsesRequest({ headers: bearer("at-old"), body: valid }, rules),
    tokenExpiredReply(),
  );
  assert.equal(rejectResponsesRequest({ headers: bearer("at-new"), body: valid }, rules), null);
});

Deno.test("rejectResponsesRequest refuses a verbosity other than medium for a -codex model", () => {
  const codex = { ...valid, model: "gpt-5.3-codex" };
  assert.deepEqual(
    rejection({ ...codex, text: { verbosity: "low" } }),
    unsupportedVerbosityReply("gpt-5.3-codex", "low"),
  );
  assert.equal(rejection({ ...codex, text: { verbosity: "medium" } }), null);
  assert.equal(rejection(codex), null);
  assert.equal(rejection({ ...valid, text: { verbosity: "low" } }), null);
});

const shapeCases: [string, Record<string, unknown>, string][] = [
  ["store omitted", { store: undefined }, "Store must be set to false"],
  ["store true", { store: true }, "Store must be set to false"],
  ["stream false", { stream: false }, "Stream must be set to true"],
  ["instructions missing", { instructions: undefined }, "Instructions are required"],
  ["instructions blank", { instructions: "  " }, "Instructions are required"],
  ["max_output_tokens", { max_output_tokens: 100 }, "Unsupported parameter: max_output_tokens"],
  ["temperature", { temperature: 0.2 }, "Unsupported parameter: temperature"],
  ["top_p", { top_p: 1 }, "Unsupported parameter: top_p"],
  ["input not an array", { input: "hi" }, "Input must be an array"],
];
for (const [name, change, detail] of shapeCases) {
  Deno.test(`rejectResponsesRequest answers 400 {"detail"} for ${name}`, () => {
    const body = JSON.parse(JSON.stringify({ ...valid, ...change }));
    assert.deepEqual(rejection(body), { status: 400, body: { detail } });
  });
}

Deno.test("rejectResponsesRequest answers 400 for a body that is not a JSON object", () => {
  assert.equal(rejection(undefined)?.status, 400);
  assert.equal(rejection([valid])?.status, 400);
});

const input = valid.input as Record<string, unknown>[];
const [user, reasoning, call, output] = input;

Deno.test("rejectResponsesRequest refuses a function call without a later output", () => {
  const reply = rejection({ ...valid, input: [user, reasoning, call] });
  assert.deepEqual(reply, {
    status: 400,
    body: {
      error: {
        message: "No tool output found for function call call_fx2A.",
        type: "invalid_request_error",
        param: "input",
        code: null,
      },
    },
  });
});

Deno.test("rejectResponsesRequest refuses an output before or without its call", () => {
  for (const items of [[user, output], [user, output, call]]) {
    const reply = rejection({ ...valid, input: items });
    assert.equal(reply?.status, 400);
    assert.match(
      JSON.stringify(reply?.body),
      /No tool call found for function call output with call_id call_fx2A\./,
    );
  }
});

Deno.test("as a local server: its own key (or none), and the optional fields it refuses", () => {
  const local = { bearer: "k1", refusedFields: ["store", "include"] };
  const { store: _store, include: _include, ...plain } = valid;
  const withKey = { ...headers, authorization: "Bearer k1" };
  assert.equal(rejectResponsesRequest({ headers: withKey, body: plain }, local), null);
  assert.equal(rejectResponsesRequest({ headers, body: plain }, local)?.status, 401);
  const refused = rejectResponsesRequest(
    { headers: withKey, body: { ...plain, include: [] } },
    local,
  );
  assert.equal(refused?.status, 400);
  assert.match(JSON.stringify(refused?.body), /Unsupported parameter: include/);
  const keyless = { bearer: null, refusedFields: ["store"] };
  const noAuth = { "content-type": "application/json" };
  assert.equal(
    rejectResponsesRequest({ headers: noAuth, body: { ...plain, include: [] } }, keyless),
    null,
  );
  assert.equal(rejectResponsesRequest({ headers, body: plain }, keyless)?.status, 400);
});
