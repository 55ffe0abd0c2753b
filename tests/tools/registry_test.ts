import assert from "node:assert/strict";
import { defaultTools, outputForModel, runToolCall, toolSpecs } from "../../src/tools/registry.ts";
import type { Tool } from "../../src/tools/tool.ts";
import { failure, okOutput, sandbox } from "./helpers.ts";

Deno.test("the default tool set is the seven tools, by their exact names", () => {
  assert.deepEqual(
    defaultTools().map((tool) => tool.name),
    ["read", "write", "edit", "bash", "ls", "find", "grep"],
  );
});

Deno.test("every tool declares a closed object schema and a description for the model", () => {
  for (const tool of defaultTools()) {
    assert.equal(tool.parameters.type, "object", tool.name);
    assert.equal(tool.parameters.additionalProperties, false, tool.name);
    for (const required of tool.parameters.required ?? []) {
      assert.ok(tool.parameters.properties?.[required], `${tool.name}.${required} is declared`);
    }
    assert.ok(tool.description.length > 80, `${tool.name} explains itself`);
  }
});

Deno.test("toolSpecs exposes name, description and parameters only", () => {
  const tools = defaultTools();
  const specs = toolSpecs(tools);
  assert.deepEqual(specs[0], {
    name: "read",
    description: tools[0].description,
    parameters: tools[0].parameters,
  });
  assert.equal(specs.length, 7);
});

Deno.test("runToolCall parses the JSON arguments and runs the named tool", async () => {
  await using box = await sandbox({ "ws/a.txt": "hello\n" });
  const result = await runToolCall(defaultTools(), "read", '{"path":"a.txt"}', box.ctx());
  assert.equal(okOutput(result), "hello\n");
  const noArguments = await runToolCall(defaultTools(), "ls", "", box.ctx());
  assert.equal(okOutput(noArguments), "a.txt");
});

Deno.test("an unknown tool is unknown_tool and lists the available ones", async () => {
  await using box = await sandbox();
  const error = failure(
    await runToolCall(defaultTools(), "read_file", "{}", box.ctx()),
    "unknown_tool",
  );
  assert.equal(error.message, 'There is no tool named "read_file".');
  assert.deepEqual(error.details?.available, [
    "read",
    "write",
    "edit",
    "bash",
    "ls",
    "find",
    "grep",
  ]);
});

Deno.test("arguments that are not JSON are invalid_arguments", async () => {
  await using box = await sandbox();
  const error = failure(
    await runToolCall(defaultTools(), "read", '{"path": "a', box.ctx()),
    "invalid_arguments",
  );
  assert.match(error.message, /^The arguments are not valid JSON: /);
  failure(await runToolCall(defaultTools(), "read", "[1]", box.ctx()), "invalid_arguments");
});

Deno.test("a tool that throws by mistake becomes an io failure", async () => {
  await using box = await sandbox();
  const broken: Tool = {
    name: "broken",
    description: "throws",
    parameters: { type: "object" },
    run: () => Promise.reject(new Error("kaboom")),
  };
  const error = failure(await runToolCall([broken], "broken", "{}", box.ctx()), "io");
  assert.equal(error.message, "The broken tool failed unexpectedly: kaboom");
});

Deno.test("outputForModel sends output as is and failures as the error envelope", () => {
  assert.equal(outputForModel({ ok: true, output: "text", details: { x: 1 } }), "text");
  const failed = outputForModel({
    ok: false,
    error: { kind: "not_found", message: "No such file", details: { path: "a" } },
  });
  assert.deepEqual(JSON.parse(failed), {
    ok: false,
    error: { kind: "not_found", message: "No such file", details: { path: "a" } },
  });
});
