import assert from "node:assert/strict";
import { modelSchema, qualifiedToolName, resultText } from "../../src/mcp/mcp_tool.ts";

Deno.test("tool names are mcp__server__tool, made safe, and refused past 64 characters", () => {
  assert.equal(qualifiedToolName("everything", "get-sum"), "mcp__everything__get-sum");
  assert.equal(qualifiedToolName("srv", "a.b/c d"), "mcp__srv__a_b_c_d");
  assert.equal(qualifiedToolName("s", "x".repeat(57)), undefined);
  assert.equal(qualifiedToolName("s", "x".repeat(56))?.length, 64);
});

Deno.test("schemas become object schemas the Responses API accepts", () => {
  assert.deepEqual(modelSchema(undefined), { type: "object", properties: {} });
  assert.deepEqual(modelSchema({ type: "string" }), { type: "object", properties: {} });
  assert.deepEqual(
    modelSchema({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        list: { type: "array" },
        nested: { properties: { n: { enum: [1, 2] } } },
        either: { anyOf: [{ type: "string" }, { type: "number" }] },
      },
      required: ["list"],
    }),
    {
      type: "object",
      properties: {
        list: { type: "array", items: { type: "string" } },
        nested: { type: "object", properties: { n: { type: "number", enum: [1, 2] } } },
        either: { anyOf: [{ type: "string" }, { type: "number" }] },
      },
      required: ["list"],
    },
  );
});

Deno.test("results: text as text, structured content once, media described, errors flagged", () => {
  assert.deepEqual(resultText({ content: [{ type: "text", text: "hello" }] }), {
    text: "hello",
    isError: false,
  });
  assert.equal(
    resultText({ content: [{ type: "text", text: '{"a": 1}' }], structuredContent: { a: 1 } })
      .text,
    '{"a": 1}',
  );
  assert.equal(resultText({ content: [], structuredContent: { a: 1 } }).text, '{"a":1}');
  assert.equal(
    resultText({ content: [{ type: "image", data: "AAAA", mimeType: "image/png" }] }).text,
    "[image: image/png, 3 bytes]",
  );
  assert.equal(
    resultText({
      content: [{
        type: "resource",
        resource: { uri: "file:///x", mimeType: "text/plain", text: "t" },
      }],
    }).text,
    "[resource file:///x (text/plain)]\nt",
  );
  assert.equal(
    resultText({ content: [{ type: "resource_link", uri: "test://r/1", name: "r1" }] }).text,
    "[resource link: test://r/1 (r1)]",
  );
  assert.deepEqual(resultText({ content: [{ type: "text", text: "bad" }], isError: true }), {
    text: "bad",
    isError: true,
  });
  assert.equal(resultText({}).text, "(no content)");
});

Deno.test("a huge result is bounded like every tool's output", () => {
  const { text } = resultText({ content: [{ type: "text", text: "line\n".repeat(100_000) }] });
  assert.ok(text.length < 60_000);
  assert.match(text, /truncated|omitted/i);
});

Deno.test("the timeout code a call is classified by is the SDK's RequestTimeout", async () => {
  const { ErrorCode } = await import("@modelcontextprotocol/sdk/types.js");
  const { MCP_REQUEST_TIMEOUT } = await import("../../src/mcp/mcp_servers.ts");
  assert.equal(MCP_REQUEST_TIMEOUT, ErrorCode.RequestTimeout);
});
