/** `pixir status --json` through the real CLI: the documented fields and exit codes. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { jsonObject, sandbox } from "./helpers.ts";

const FIELDS = [
  "v",
  "signed_in",
  "method",
  "source",
  "email",
  "plan",
  "account_id",
  "expires_at",
  "issuer",
  "auth_file",
  "quota",
];

Deno.test("status --json with OPENAI_API_KEY: signed in from the environment, exit 0", async () => {
  await using box = await sandbox();
  const { code, stdout } = await box.run(["status", "--json"]);
  assert.equal(code, 0);
  const report = jsonObject(stdout.trim());
  assert.deepEqual(Object.keys(report), FIELDS);
  assert.deepEqual([report.v, report.signed_in, report.method, report.source], [
    1,
    true,
    "api_key",
    "env",
  ]);
  assert.deepEqual(report.auth_file, {
    path: join(box.home, "auth.json"),
    exists: false,
    mode: null,
  });
});

Deno.test("status when signed out: the fix on stdout, exit 4", async () => {
  await using box = await sandbox();
  const { code, stdout } = await box.run(["status"], { apiKey: null });
  assert.equal(code, 4);
  assert.match(stdout, /^Not signed in\. Run `pixir login`/);
});
