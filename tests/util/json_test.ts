import assert from "node:assert/strict";
import { isRecord, numberField, parseJson, recordField, stringField } from "../../src/util/json.ts";

Deno.test("parseJson returns undefined for text that is not JSON", () => {
  assert.deepEqual(parseJson('{"a":[1,null]}'), { a: [1, null] });
  assert.equal(parseJson("null"), null);
  assert.equal(parseJson("{oops"), undefined);
  assert.equal(parseJson(""), undefined);
});

Deno.test("isRecord accepts objects only", () => {
  assert.equal(isRecord({}), true);
  for (const value of [null, [], "x", 1, undefined]) assert.equal(isRecord(value), false);
});

Deno.test("field readers return a field only when it has the expected type", () => {
  const record = { s: "x", n: 2, inf: Infinity, o: { k: 1 }, a: [1], z: null };
  assert.equal(stringField(record, "s"), "x");
  assert.equal(stringField(record, "n"), undefined);
  assert.equal(numberField(record, "n"), 2);
  assert.equal(numberField(record, "inf"), undefined);
  assert.equal(numberField(record, "s"), undefined);
  assert.deepEqual(recordField(record, "o"), { k: 1 });
  assert.equal(recordField(record, "a"), undefined);
  assert.equal(recordField(record, "z"), undefined);
  assert.equal(recordField(record, "missing"), undefined);
});
