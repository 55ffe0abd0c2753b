import assert from "node:assert/strict";
import { errorMessage } from "../../src/util/error_message.ts";

Deno.test("errorMessage takes an Error's message and says any other value as text", () => {
  assert.equal(errorMessage(new Deno.errors.NotFound("no such file")), "no such file");
  assert.equal(errorMessage("plain text"), "plain text");
  assert.equal(errorMessage(42), "42");
  assert.equal(errorMessage(undefined), "undefined");
});
