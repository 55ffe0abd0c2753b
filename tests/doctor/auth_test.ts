/** The sign-in check: signed out warns, a bad or exposed credentials file is an error. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { authCheck } from "../../src/doctor/auth.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const noEnv = () => undefined;
const withKey = (name: string) => (name === "OPENAI_API_KEY" ? "sk-env" : undefined);

Deno.test("not signed in is a warning with the fix", async () => {
  await using dir = await tempWorkspace();
  const result = await authCheck(dir.path, noEnv);
  assert.equal(result.status, "warn");
  assert.equal(result.summary, "not signed in");
  assert.match(result.fix!, /pixir login/);
});

Deno.test("an API key from the environment is ok", async () => {
  await using dir = await tempWorkspace();
  const result = await authCheck(dir.path, withKey);
  assert.equal(result.status, "ok");
  assert.equal(result.summary, "API key from OPENAI_API_KEY");
  assert.equal((result.details as { method: string }).method, "api_key");
});

Deno.test("an unreadable auth.json is an error with the store's own fix", async () => {
  await using dir = await tempWorkspace({ "auth.json": "[]" });
  const result = await authCheck(dir.path, withKey);
  assert.equal(result.status, "error");
  assert.match(result.summary, /auth\.json/);
  assert.match(result.fix!, /pixir login/);
});

Deno.test({
  name: "an auth.json others can read is an error, even when signed in",
  ignore: Deno.build.os === "windows",
  async fn() {
    await using dir = await tempWorkspace();
    const file = join(dir.path, "auth.json");
    await Deno.writeTextFile(file, JSON.stringify({ version: 1, method: "api_key", api_key: "k" }));
    await Deno.chmod(file, 0o640);
    const result = await authCheck(dir.path, noEnv);
    assert.equal(result.status, "error");
    assert.equal(result.fix, `chmod 600 ${file}`);
    await Deno.chmod(file, 0o600);
    assert.equal((await authCheck(dir.path, noEnv)).status, "ok");
  },
});
