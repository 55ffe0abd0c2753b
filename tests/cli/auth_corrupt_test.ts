/** A corrupt `auth.json` is reported, passed over for a usable API key, and cleared by logout. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { textAnswer } from "../fakes/fixtures.ts";
import { startResponsesServer } from "../fakes/responses_server.ts";
import { sandbox } from "./helpers.ts";

const CORRUPT = '{"version": 1, "method": "chatgpt", "tokens": ';

Deno.test("status reports a corrupt auth.json with exit 1 and the fix", async () => {
  await using box = await sandbox();
  await Deno.writeTextFile(join(box.home, "auth.json"), CORRUPT, { mode: 0o600 });

  const plain = await box.run(["status"], { apiKey: null });
  assert.equal(plain.code, 1, plain.stderr);
  assert.match(plain.stdout, /problem +.*auth\.json: is not a JSON object|problem +.*auth\.json/);
  assert.match(plain.stdout, /fix +run `pixir logout` to move it aside/);

  const json = await box.run(["status", "--json"], { apiKey: null });
  assert.equal(json.code, 1);
  const report = JSON.parse(json.stdout);
  assert.equal(report.signed_in, false);
  assert.match(report.auth_file.problem, /auth\.json/);
});

Deno.test("run with a corrupt auth.json and OPENAI_API_KEY warns and uses the key", async () => {
  await using box = await sandbox();
  await Deno.writeTextFile(join(box.home, "auth.json"), CORRUPT, { mode: 0o600 });
  await using server = startResponsesServer({ script: [{ sse: textAnswer("Fine.") }] });

  const result = await box.run(["run", "hi"], { server });

  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "Fine.\n");
  assert.match(result.stderr, /warning: .*auth\.json.*using OPENAI_API_KEY instead/);
  assert.equal(server.requests[0].headers.authorization, "Bearer sk-test-e2e-0123456789");
});

Deno.test("logout moves a corrupt auth.json aside and says where; status then says signed out", async () => {
  await using box = await sandbox();
  const file = join(box.home, "auth.json");
  await Deno.writeTextFile(file, CORRUPT, { mode: 0o600 });

  const result = await box.run(["logout"], { apiKey: null });

  assert.equal(result.code, 0, result.stderr);
  const aside = result.stderr.match(/Moved it aside to (\S+auth\.json\.bad-\S+);/)?.[1];
  assert.ok(aside, result.stderr);
  assert.equal(await Deno.readTextFile(aside), CORRUPT, "the old content is kept");
  await assert.rejects(Deno.stat(file), Deno.errors.NotFound);
  const status = await box.run(["status"], { apiKey: null });
  assert.equal(status.code, 4);
});
