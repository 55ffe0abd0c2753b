import assert from "node:assert/strict";
import { apiKeyProvider, envApiKey } from "../../src/auth/api_key.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("envApiKey trims OPENAI_API_KEY and treats blanks as unset", () => {
  assert.equal(envApiKey(envOf({ OPENAI_API_KEY: " sk-1\n" })), "sk-1");
  assert.equal(envApiKey(envOf({ OPENAI_API_KEY: "  " })), undefined);
  assert.equal(envApiKey(envOf({})), undefined);
});

Deno.test("an API key provider always answers with its key and cannot renew", async () => {
  const provider = apiKeyProvider("sk-2", "store");
  const credential = await provider.get();
  assert.deepEqual(credential, { kind: "api_key", api_key: "sk-2", source: "store" });
  assert.equal(await provider.renew(credential), null);
});
