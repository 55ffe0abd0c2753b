/**
 * `--output-schema` and `-o/--output-last-message` through the real CLI: the schema goes out as
 * `text.format`, the loopback stand-in answers a scripted text, and the answer is checked locally.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { assertNoStackTrace, bodyOf, hintedSessionId, jsonOutput, sandbox } from "./helpers.ts";

/** A schema strict mode accepts: closed objects, every property required. */
const STRICT_SCHEMA = {
  type: "object",
  properties: { name: { type: "string" }, count: { type: "integer", minimum: 0 } },
  required: ["name", "count"],
  additionalProperties: false,
};

/** A schema strict mode refuses (an optional property), still checked locally. */
const LOOSE_SCHEMA = {
  type: "object",
  properties: { name: { type: "string" }, tags: { type: "array", items: { type: "string" } } },
  required: ["name"],
};

async function withSchema(files: Record<string, unknown>) {
  const seeded = Object.fromEntries(
    Object.entries(files).map(([name, value]) => [
      name,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
  return await sandbox(seeded);
}

Deno.test("a strict schema is sent as text.format; stdout is exactly the JSON value", async () => {
  await using box = await withSchema({ "schema.json": STRICT_SCHEMA });
  await using server = startResponsesServer({
    script: [{ sse: textAnswer('{\n  "name": "pixir",\n  "count": 3\n}') }],
  });
  const result = await box.run(["run", "--output-schema", "schema.json", "describe"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '{"name":"pixir","count":3}\n');
  const text = bodyOf(server.requests[0]).text;
  assert.deepEqual(text, {
    format: { type: "json_schema", name: "pixir_output", schema: STRICT_SCHEMA, strict: true },
  });
});

Deno.test("a schema strict mode cannot take is sent non-strict and still checked", async () => {
  await using box = await withSchema({ "schema.json": LOOSE_SCHEMA });
  await using server = startResponsesServer({
    script: [{ sse: textAnswer('{"name": "x", "tags": ["a"]}') }],
  });
  const result = await box.run(["run", "--json", "--output-schema", "schema.json", "tag it"], {
    server,
  });

  assert.equal(result.code, 0, result.stderr);
  const final = jsonOutput(result.stdout);
  assert.deepEqual(final.output, { name: "x", tags: ["a"] });
  assert.equal(final.answer, '{"name": "x", "tags": ["a"]}');
  const format = (bodyOf(server.requests[0]).text as { format: { strict: boolean } }).format;
  assert.equal(format.strict, false);
});

Deno.test("an answer that does not match fails with schema_mismatch, exit 6, the errors named", async () => {
  await using box = await withSchema({ "schema.json": STRICT_SCHEMA });
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer('{"name": 7, "count": -1}') },
      { sse: textAnswer('{"name": 7, "count": -1}', { responseId: "resp_2" }) },
    ],
  });
  const plain = await box.run(["run", "--output-schema", "schema.json", "go"], { server });
  assert.equal(plain.code, 6, plain.stderr);
  assert.equal(plain.stdout, "", "nothing but a matching value reaches stdout");
  assert.match(
    plain.stderr,
    /does not match the schema: \/name must be string; \/count must be >= 0/,
  );
  assertNoStackTrace(plain.stderr);

  const json = await box.run(["run", "--json", "--output-schema", "schema.json", "go"], {
    server,
  });
  assert.equal(json.code, 6);
  const final = jsonOutput(json.stdout);
  assert.equal(final.ok, false);
  assert.equal(final.error?.kind, "schema_mismatch");
  assert.equal(final.error?.details.reason, "mismatch");
  assert.equal("output" in final, false);
});

Deno.test("an answer that is not JSON fails with schema_mismatch (not_json)", async () => {
  await using box = await withSchema({ "schema.json": STRICT_SCHEMA });
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Sure! Here it is.") }] });
  const result = await box.run(["run", "--json", "--output-schema", "schema.json", "go"], {
    server,
  });
  assert.equal(result.code, 6);
  const final = jsonOutput(result.stdout);
  assert.equal(final.error?.kind, "schema_mismatch");
  assert.equal(final.error?.details.reason, "not_json");
  assert.match(final.error?.message ?? "", /the answer is not JSON/);
});

Deno.test("a bad schema file is exit 2 before any request", async () => {
  await using box = await withSchema({
    "not-json.json": "{ nope",
    "invalid.json": { type: "object", properties: { a: { type: "nope" } } },
    "array-root.json": { type: "array", items: { type: "string" } },
  });
  await using server = startResponsesServer({ script: [{ sse: textAnswer("never asked") }] });
  const cases: [string, RegExp][] = [
    ["missing.json", /cannot read .*missing\.json: it does not exist/],
    ["not-json.json", /not-json\.json is not JSON/],
    ["invalid.json", /not a valid JSON Schema/],
    ["array-root.json", /root must be \{"type": "object"/],
  ];
  for (const [file, message] of cases) {
    const result = await box.run(["run", "--output-schema", file, "go"], { server });
    assert.equal(result.code, 2, `${file}: ${result.stderr}`);
    assert.match(result.stderr, message);
    assertNoStackTrace(result.stderr);
  }
  assert.equal(server.requests.length, 0);
});

Deno.test("resume takes --output-schema for its turn", async () => {
  await using box = await withSchema({ "schema.json": STRICT_SCHEMA });
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer("hello") },
      { sse: textAnswer('{"name": "again", "count": 1}', { responseId: "resp_2" }) },
    ],
  });
  const first = await box.run(["run", "hi"], { server });
  const id = hintedSessionId(first.stderr);
  const second = await box.run(["resume", id, "--output-schema", "schema.json", "as json"], {
    server,
  });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, '{"name":"again","count":1}\n');
  assert.equal(bodyOf(server.requests[0]).text, undefined, "the first run sent no format");
  assert.equal(
    (bodyOf(server.requests[1]).text as { format: { name: string } }).format.name,
    "pixir_output",
  );
});

Deno.test("-o writes the final answer to a file in every output mode, replacing it whole", async () => {
  await using box = await sandbox({ "out/last.txt": "old content that is longer than the answer" });
  await using server = startResponsesServer({
    script: [
      { sse: textAnswer("First answer.") },
      { sse: textAnswer("Second answer.", { responseId: "resp_2" }) },
      { sse: textAnswer("Third.", { responseId: "resp_3" }) },
    ],
  });
  const file = join(box.workspace, "out", "last.txt");
  const plain = await box.run(["run", "-o", "out/last.txt", "one"], { server });
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, "First answer.\n");
  assert.equal(await Deno.readTextFile(file), "First answer.");

  const json = await box.run(["run", "--json", "--output-last-message", file, "two"], { server });
  assert.equal(jsonOutput(json.stdout).answer, "Second answer.");
  assert.equal(await Deno.readTextFile(file), "Second answer.");

  const jsonl = await box.run(["run", "--jsonl", "-o", "out/last.txt", "three"], { server });
  assert.equal(jsonl.code, 0);
  assert.equal(await Deno.readTextFile(file), "Third.");
  const leftovers = [...Deno.readDirSync(join(box.workspace, "out"))].map((e) => e.name);
  assert.deepEqual(leftovers, ["last.txt"], "no temp file is left behind");
});

Deno.test("-o into a folder that does not exist is exit 2 before any request", async () => {
  await using box = await sandbox();
  await using server = startResponsesServer({ script: [{ sse: textAnswer("never asked") }] });
  const result = await box.run(["run", "-o", "nowhere/last.txt", "go"], { server });
  assert.equal(result.code, 2, result.stderr);
  assert.match(
    result.stderr,
    /--output-last-message: the folder of .*nowhere\/last\.txt does not exist/,
  );
  assert.equal(server.requests.length, 0);
});
