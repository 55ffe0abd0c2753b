import assert from "node:assert/strict";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import {
  ALL_REQUEST_FIELDS,
  buildRequestBody,
  encodeRequestBody,
  type ModelRequest,
} from "../../src/provider/request.ts";

/**
 * A validator for `CreateResponseBody` of the Open Responses OpenAPI document (OpenAPI 3.1, so
 * JSON Schema 2020-12); the whole document is registered so its `#/components/...` refs resolve.
 */
async function createResponseValidator(): Promise<ValidateFunction> {
  const url = new URL("./testdata/openresponses-openapi.json", import.meta.url);
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(JSON.parse(await Deno.readTextFile(url)), "openresponses");
  const validate = ajv.getSchema("openresponses#/components/schemas/CreateResponseBody");
  if (validate === undefined) throw new Error("CreateResponseBody is missing from the document");
  return validate;
}

const validateCreateResponse = await createResponseValidator();

/** The follow-up request of J.2, as the reference spells it (kept by the loopback fakes). */
const J2_FOLLOW_UP = JSON.parse(
  await Deno.readTextFile(new URL("../fakes/testdata/j2_follow_up_request.json", import.meta.url)),
);

/** J.2's follow-up as the agent holds it: items exactly as the stream delivered them, ids included. */
function j2FollowUp(): ModelRequest {
  return {
    model: "gpt-5.5",
    effort: "medium",
    instructions: "You are Pixir...",
    session_id: "pixir-s-1234",
    parallel_tool_calls: true,
    tools: [{
      name: "read_file",
      description: "Read a file",
      parameters: {
        type: "object",
        properties: { path: { type: "string" } },
        required: ["path"],
        additionalProperties: false,
      },
    }],
    input: [
      {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: "What does README.md say?" }],
      },
      {
        type: "reasoning",
        id: "rs_fx2",
        summary: [],
        encrypted_content: "gAAAAABfakeEncryptedReasoningBlob2==",
      },
      {
        type: "function_call",
        id: "fc_fx2",
        status: "completed",
        call_id: "call_fx2A",
        name: "read_file",
        arguments: '{"path":"README.md"}',
      },
      { type: "function_call_output", call_id: "call_fx2A", output: "# Demo\nHello." },
    ],
  };
}

function errorsOf(body: unknown): string {
  validateCreateResponse(body);
  return JSON.stringify(validateCreateResponse.errors);
}

Deno.test("the J.2 follow-up body is exactly the reference request", () => {
  assert.deepEqual(buildRequestBody(j2FollowUp()), J2_FOLLOW_UP);
});

Deno.test("the J.2 follow-up body validates against CreateResponseBody", () => {
  const body = buildRequestBody(j2FollowUp());
  assert.equal(validateCreateResponse(body), true, errorsOf(body));
});

Deno.test("broken bodies fail CreateResponseBody, so the validation can fail", () => {
  const body = buildRequestBody(j2FollowUp());
  const broken: unknown[] = [
    { ...body, store: "false" },
    { ...body, tools: [{ ...body.tools[0], name: "read file" }] },
    { ...body, input: [{ type: "function_call", name: "read_file", arguments: "{}" }] },
    { ...body, reasoning: { effort: "extreme", summary: "auto" } },
  ];
  for (const candidate of broken) {
    assert.equal(validateCreateResponse(candidate), false, JSON.stringify(candidate).slice(0, 120));
  }
});

Deno.test("the body pins the fields the ChatGPT backend requires and omits the ones it rejects", () => {
  const body = buildRequestBody({ ...j2FollowUp(), parallel_tool_calls: false, effort: "high" });
  assert.equal(body.store, false);
  assert.equal(body.stream, true);
  assert.equal(body.tool_choice, "auto");
  assert.equal(body.parallel_tool_calls, false);
  assert.deepEqual(body.reasoning, { effort: "high", summary: "auto" });
  assert.deepEqual(body.include, ["reasoning.encrypted_content"]);
  assert.equal(body.prompt_cache_key, "pixir-s-1234");
  for (const rejected of ["max_output_tokens", "temperature", "top_p"]) {
    assert.equal(rejected in body, false, rejected);
  }
});

Deno.test("replayed items are sent without ids, status or annotations; phase is kept", () => {
  const body = buildRequestBody({
    ...j2FollowUp(),
    input: [
      {
        type: "message",
        role: "assistant",
        id: "msg_1",
        status: "completed",
        phase: "final_answer",
        content: [{ type: "output_text", text: "Hi", annotations: [] }],
      },
      { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "t" }] },
      { type: "message", role: "developer", content: [{ type: "input_text", text: "ctx" }] },
    ],
  });
  assert.deepEqual(body.input, [
    {
      type: "message",
      role: "assistant",
      phase: "final_answer",
      content: [{ type: "output_text", text: "Hi" }],
    },
    { type: "reasoning", summary: [{ type: "summary_text", text: "t" }] },
    { type: "message", role: "developer", content: [{ type: "input_text", text: "ctx" }] },
  ]);
  assert.equal(validateCreateResponse(body), true, errorsOf(body));
});

Deno.test("blank instructions are refused instead of being sent", () => {
  for (const instructions of ["", "  \n"]) {
    assert.throws(() => buildRequestBody({ ...j2FollowUp(), instructions }), RangeError);
  }
});

Deno.test("a -codex model gets text.verbosity medium, and the body still validates", () => {
  const body = buildRequestBody({ ...j2FollowUp(), model: "gpt-5.3-codex" });
  assert.deepEqual(body.text, { verbosity: "medium" });
  assert.equal(validateCreateResponse(body), true, errorsOf(body));
  assert.equal(validateCreateResponse({ ...body, text: { verbosity: "loud" } }), false);
});

Deno.test("other models leave verbosity to the server", () => {
  for (const model of ["gpt-5.5", "gpt-5.4-mini", "codex-mini"]) {
    assert.equal("text" in buildRequestBody({ ...j2FollowUp(), model }), false, model);
  }
});

Deno.test("each optional field is left out when the provider does not take it", () => {
  const all = buildRequestBody(j2FollowUp());
  const cases = [
    ["store", "store"],
    ["encrypted_reasoning", "include"],
    ["prompt_cache_key", "prompt_cache_key"],
    ["reasoning", "reasoning"],
    ["parallel_tool_calls", "parallel_tool_calls"],
  ] as const;
  for (const [field, key] of cases) {
    const body = buildRequestBody(j2FollowUp(), { ...ALL_REQUEST_FIELDS, [field]: false });
    assert.equal(key in body, false, key);
    const { [key]: _dropped, ...rest } = all;
    assert.deepEqual(body, rest, `only ${key} differs`);
    assert.equal(errorsOf(body), "null", `without ${key} the body still validates`);
  }
});

Deno.test("web search adds the hosted tool after the function tools, and its calls replay without ids", () => {
  const body = buildRequestBody({
    model: "gpt-5.5",
    effort: "medium",
    instructions: "You are Pixir.",
    input: [{
      type: "web_search_call",
      id: "ws_1",
      status: "completed",
      action: { type: "search", query: "deno" },
    }],
    tools: [{ name: "read", description: "Read", parameters: { type: "object" } }],
    session_id: "s",
    parallel_tool_calls: true,
    web_search: true,
  });
  assert.deepEqual(body.tools.map((tool) => tool.type), ["function", "web_search"]);
  assert.deepEqual(body.tools[1], { type: "web_search" });
  assert.deepEqual(body.input, [{
    type: "web_search_call",
    status: "completed",
    action: { type: "search", query: "deno" },
  }]);
});

/** A long history: many items of every kind, with text outside ASCII, spanning many parts. */
function longHistory(): ModelRequest {
  const base = j2FollowUp();
  const input: ModelRequest["input"] = [];
  for (let i = 0; i < 600; i++) {
    input.push(
      { type: "message", role: "user", content: [{ type: "input_text", text: `tâche ${i} 🧪` }] },
      ...base.input.slice(1, 3),
      {
        type: "function_call_output",
        call_id: "call_fx2A",
        output: `ligne "${i}"\n`.repeat(80) + "\u2028 \\ \u0000 é",
      },
      {
        type: "message",
        role: "assistant",
        id: `msg_${i}`,
        status: "completed",
        content: [{ type: "output_text", text: `réponse ${i}`, annotations: [] }],
      },
    );
  }
  return { ...base, input };
}

Deno.test("the encoded body is the built body, its input last, for every field choice", async () => {
  const everyField: ModelRequest = {
    ...j2FollowUp(),
    model: "gpt-5.3-codex",
    web_search: true,
    output_format: {
      type: "json_schema",
      name: "answer",
      schema: { type: "object" },
      strict: true,
    },
  };
  for (const req of [j2FollowUp(), longHistory(), { ...j2FollowUp(), input: [] }, everyField]) {
    const variants = [
      ALL_REQUEST_FIELDS,
      ...Object.keys(ALL_REQUEST_FIELDS).map((field) => ({
        ...ALL_REQUEST_FIELDS,
        [field]: false,
      })),
    ];
    for (const fields of variants) {
      const blob = encodeRequestBody(req, fields);
      const text = await blob.text();
      assert.deepEqual(JSON.parse(text), buildRequestBody(req, fields));
      assert.deepEqual(Object.keys(JSON.parse(text)).at(-1), "input");
      assert.equal(blob.size, new TextEncoder().encode(text).length);
    }
  }
  assert.throws(() => encodeRequestBody({ ...j2FollowUp(), instructions: " " }), RangeError);
});
