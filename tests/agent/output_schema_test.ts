import assert from "node:assert/strict";
import { outputSchema, OutputSchemaError, strictAllowed } from "../../src/agent/output_schema.ts";

const closed = (properties: Record<string, unknown>) => ({
  type: "object",
  properties,
  required: Object.keys(properties),
  additionalProperties: false,
});

Deno.test("strict mode takes closed objects with every property required, nested too", () => {
  assert.equal(strictAllowed(closed({ a: { type: "string" } })), true);
  assert.equal(
    strictAllowed(closed({ list: { type: "array", items: closed({ b: { type: "number" } }) } })),
    true,
  );
  assert.equal(
    strictAllowed(closed({ x: { anyOf: [{ type: "string" }, closed({ c: { type: "null" } })] } })),
    true,
  );
});

Deno.test("strict mode refuses open objects, optional properties and unsupported keywords", () => {
  assert.equal(strictAllowed({ type: "object", properties: { a: {} }, required: ["a"] }), false);
  assert.equal(
    strictAllowed({ ...closed({ a: {}, b: {} }), required: ["a"] }),
    false,
    "b is optional",
  );
  assert.equal(
    strictAllowed(closed({ nested: { type: "object", properties: {}, required: [] } })),
    false,
    "the nested object is open",
  );
  assert.equal(strictAllowed({ ...closed({ a: {} }), allOf: [] }), false);
  assert.equal(strictAllowed(closed({ a: { not: { type: "string" } } })), false);
  assert.equal(
    strictAllowed({ ...closed({ a: { $ref: "#/$defs/d" } }), $defs: { d: { type: "object" } } }),
    false,
    "a definition is open",
  );
});

Deno.test("the check parses, validates, and quotes at most three errors", () => {
  const schema = outputSchema(closed({
    a: { type: "string" },
    b: { type: "string" },
    c: { type: "string" },
    d: { type: "string" },
  }));
  assert.deepEqual(schema.check('{"a":"1","b":"2","c":"3","d":"4"}'), {
    ok: true,
    value: { a: "1", b: "2", c: "3", d: "4" },
  });
  const bad = schema.check('{"a":1,"b":2,"c":3,"d":4}');
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.equal(bad.reason, "mismatch");
    assert.equal(bad.errors.length, 4);
    assert.match(
      bad.message,
      /\/a must be string; \/b must be string; \/c must be string \(and 1 more\)/,
    );
  }
  const extra = outputSchema(closed({})).check('{"x": 1}');
  assert.ok(!extra.ok && /must NOT have additional properties \(x\)/.test(extra.message));
  const text = schema.check("not json");
  assert.ok(!text.ok && text.reason === "not_json");
});

Deno.test("a 2020-12 schema compiles with its own draft; a bad one is refused", () => {
  const schema = outputSchema({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { t: { type: "array", prefixItems: [{ type: "string" }] } },
  });
  assert.equal(schema.check(`{"t": ["a"]}`).ok, true);
  assert.equal(schema.check(`{"t": [1]}`).ok, false, "prefixItems is understood");
  assert.throws(() => outputSchema([]), OutputSchemaError);
  assert.throws(() => outputSchema({ type: "object", required: "a" }), OutputSchemaError);
});
