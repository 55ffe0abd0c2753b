import assert from "node:assert/strict";
import type { JsonSchema } from "../../src/provider/request.ts";
import { validateArguments } from "../../src/tools/arguments.ts";

const schema: JsonSchema = {
  type: "object",
  properties: {
    path: { type: "string" },
    offset: { type: "integer", minimum: 1 },
    ratio: { type: "number", minimum: 0 },
    all: { type: "boolean" },
    mode: { type: "string", enum: ["fast", "slow"] },
    names: { type: "array", items: { type: "string" } },
    nested: {
      type: "object",
      properties: { depth: { type: "integer" } },
      additionalProperties: false,
    },
  },
  required: ["path"],
  additionalProperties: false,
};

function invalid(args: unknown): { message: string; field: unknown } {
  const result = validateArguments(schema, args);
  if (result.ok) assert.fail(`expected invalid: ${JSON.stringify(args)}`);
  assert.equal(result.error.kind, "invalid_arguments");
  return { message: result.error.message, field: result.error.details?.field };
}

Deno.test("valid arguments come back as the typed value", () => {
  const args = {
    path: "a",
    offset: 3,
    ratio: 0.5,
    all: true,
    mode: "fast",
    names: ["x", "y"],
    nested: { depth: 2 },
  };
  assert.deepEqual(validateArguments(schema, args), { ok: true, value: args });
});

Deno.test("null for an optional property counts as absent", () => {
  assert.deepEqual(validateArguments(schema, { path: "a", offset: null, mode: null }), {
    ok: true,
    value: { path: "a" },
  });
  assert.deepEqual(invalid({ path: null }), {
    message: '"path" must be a string, got null',
    field: "path",
  });
});

Deno.test("a missing required property is named", () => {
  assert.deepEqual(invalid({}), { message: 'missing required argument "path"', field: "path" });
});

Deno.test("wrong types name the field, the expected type and the value", () => {
  assert.deepEqual(invalid({ path: 1 }), {
    message: '"path" must be a string, got 1',
    field: "path",
  });
  assert.deepEqual(invalid({ path: "a", offset: 1.5 }), {
    message: '"offset" must be an integer, got 1.5',
    field: "offset",
  });
  assert.deepEqual(invalid({ path: "a", offset: "3" }), {
    message: '"offset" must be an integer, got "3"',
    field: "offset",
  });
  assert.equal(
    invalid({ path: "a", all: "yes" }).message,
    '"all" must be true or false, got "yes"',
  );
  assert.equal(invalid({ path: "a", ratio: "x" }).message, '"ratio" must be a number, got "x"');
});

Deno.test("minimum and enum are enforced", () => {
  assert.deepEqual(invalid({ path: "a", offset: 0 }), {
    message: '"offset" must be an integer ≥ 1, got 0',
    field: "offset",
  });
  assert.equal(
    invalid({ path: "a", mode: "medium" }).message,
    '"mode" must be one of "fast", "slow", got "medium"',
  );
});

Deno.test("unknown properties are rejected with the list of known ones", () => {
  const { message, field } = invalid({ path: "a", file_path: "b" });
  assert.equal(field, "file_path");
  assert.match(message, /^unknown argument "file_path"; expected: path, offset, ratio/);
});

Deno.test("array items and nested objects are checked with a path to the field", () => {
  assert.deepEqual(invalid({ path: "a", names: ["x", 2] }), {
    message: '"names[1]" must be a string, got 2',
    field: "names[1]",
  });
  assert.equal(invalid({ path: "a", names: "x" }).message, '"names" must be an array, got "x"');
  assert.deepEqual(invalid({ path: "a", nested: { depth: 1, extra: 1 } }), {
    message: 'unknown argument "nested.extra"; expected: depth',
    field: "nested.extra",
  });
});

Deno.test("arguments that are not an object are rejected", () => {
  for (const args of [null, [], "path", 3]) {
    assert.match(invalid(args).message, /^the arguments must be an object/);
  }
});

Deno.test("long bad values are shortened in the message", () => {
  const { message } = invalid({ path: "a".repeat(500), offset: "b".repeat(500) });
  assert.ok(message.length < 120, message);
  assert.match(message, /…$/);
});

Deno.test("without additionalProperties:false extra properties pass through", () => {
  const open: JsonSchema = { type: "object", properties: { a: { type: "string" } } };
  assert.deepEqual(validateArguments(open, { a: "x", b: 1 }), {
    ok: true,
    value: { a: "x", b: 1 },
  });
});
