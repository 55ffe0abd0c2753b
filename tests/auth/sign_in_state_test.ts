/** The sign-in state `pixir status` and `pixir doctor` share, in credential-resolution order. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { readSignInState } from "../../src/auth/sign_in_state.ts";
import { AuthFileError } from "../../src/auth/auth_file.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import { accessToken, ACCOUNT_ID, jwt } from "./tokens.ts";

const noEnv = () => undefined;
const withKey = (name: string) => (name === "OPENAI_API_KEY" ? "sk-env" : undefined);

async function writeAuth(dir: string, body: unknown, mode = 0o600): Promise<string> {
  const file = join(dir, "auth.json");
  await Deno.writeTextFile(file, JSON.stringify(body));
  await Deno.chmod(file, mode);
  return file;
}

Deno.test("signed out: no file, no key", async () => {
  await using dir = await tempWorkspace();
  const state = await readSignInState(dir.path, noEnv);
  assert.deepEqual(state, {
    signed_in: false,
    method: null,
    source: null,
    email: null,
    plan: null,
    account_id: null,
    expires_at: null,
    issuer: null,
    auth_file: { path: join(dir.path, "auth.json"), exists: false, mode: null },
  });
});

Deno.test("a ChatGPT login wins over OPENAI_API_KEY and shows its claims", async () => {
  await using dir = await tempWorkspace();
  const expMs = Date.UTC(2030, 0, 1);
  await writeAuth(dir.path, {
    version: 1,
    method: "chatgpt",
    issuer: "https://auth.example",
    tokens: {
      id_token: jwt({
        email: "ada@example.com",
        "https://api.openai.com/auth": { chatgpt_account_id: ACCOUNT_ID, chatgpt_plan_type: "pro" },
      }),
      access_token: accessToken(expMs),
      refresh_token: "rt",
      account_id: ACCOUNT_ID,
    },
    last_refresh: new Date(0).toISOString(),
  });
  const state = await readSignInState(dir.path, withKey);
  assert.equal(state.method, "chatgpt");
  assert.equal(state.source, "auth_file");
  assert.equal(state.email, "ada@example.com");
  assert.equal(state.plan, "pro");
  assert.equal(state.account_id, ACCOUNT_ID);
  assert.equal(state.expires_at, new Date(expMs).toISOString());
  assert.equal(state.issuer, "https://auth.example");
  assert.deepEqual(state.auth_file.mode, "0600");
});

Deno.test("OPENAI_API_KEY wins over a saved key; a saved key is used without one", async () => {
  await using dir = await tempWorkspace();
  await writeAuth(dir.path, { version: 1, method: "api_key", api_key: "sk-saved" }, 0o644);
  const env = await readSignInState(dir.path, withKey);
  assert.equal(env.source, "env");
  const saved = await readSignInState(dir.path, noEnv);
  assert.deepEqual([saved.signed_in, saved.method, saved.source], [true, "api_key", "auth_file"]);
  assert.equal(saved.auth_file.mode, "0644");
});

Deno.test("a corrupt auth.json is an AuthFileError, never a silent sign-out", async () => {
  await using dir = await tempWorkspace();
  await Deno.writeTextFile(join(dir.path, "auth.json"), "{not json");
  await assert.rejects(readSignInState(dir.path, withKey), AuthFileError);
});
