import assert from "node:assert/strict";
import {
  AuthFileError,
  authFileLocation,
  chatgptAuth,
  type StoredAuth,
  withAuthFile,
} from "../../src/auth/auth_file.ts";
import { NotAuthenticatedError } from "../../src/auth/credential.ts";
import {
  type AuthChoice,
  resolveCredentials,
  resolveProviderCredentials,
} from "../../src/auth/resolve.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import { accessToken, ACCOUNT_ID, idToken } from "./tokens.ts";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const ACCESS = accessToken(NOW + 3_600_000);
const LOGIN = chatgptAuth(
  {
    id_token: idToken(),
    access_token: ACCESS,
    refresh_token: "rt-0",
    account_id: ACCOUNT_ID,
  },
  "https://auth.example.test",
  NOW,
);

/** A config folder holding `stored` (or garbage, or nothing). */
async function configWith(stored?: StoredAuth | "corrupt") {
  const dir = await tempWorkspace(stored === "corrupt" ? { "auth.json": "{oops" } : {});
  if (stored !== undefined && stored !== "corrupt") {
    await withAuthFile(authFileLocation(dir.path), (file) => file.write(stored));
  }
  return dir;
}

function resolve(configDir: string, env: Record<string, string>, choice?: AuthChoice) {
  return resolveCredentials({
    choice,
    env: (name) => env[name],
    paths: { configDir },
    // Resolution itself never talks to the issuer; a call here would be a bug.
    fetch: () => Promise.reject(new Error("no network in resolution")),
    now: () => NOW,
    sleep: () => Promise.resolve(),
  });
}

Deno.test("the stored ChatGPT login wins over OPENAI_API_KEY", async () => {
  await using dir = await configWith(LOGIN);
  const resolved = await resolve(dir.path, { OPENAI_API_KEY: "sk-env" });
  assert.deepEqual(resolved.source, {
    method: "chatgpt",
    source: "store",
    path: authFileLocation(dir.path).file,
  });
  assert.deepEqual(await resolved.provider.get(), {
    kind: "chatgpt",
    access_token: ACCESS,
    account_id: ACCOUNT_ID,
  });
});

Deno.test("without a login, OPENAI_API_KEY is used, then a stored key", async () => {
  {
    await using dir = await configWith();
    const resolved = await resolve(dir.path, { OPENAI_API_KEY: "  sk-env \n" });
    assert.deepEqual(resolved.source, { method: "api_key", source: "env" });
    assert.deepEqual(await resolved.provider.get(), {
      kind: "api_key",
      api_key: "sk-env",
      source: "env",
    });
  }
  {
    await using dir = await configWith({ method: "api_key", api_key: "sk-stored" });
    const env = await resolve(dir.path, { OPENAI_API_KEY: "sk-env" });
    assert.equal(env.source.method === "api_key" && env.source.source, "env");
    const stored = await resolve(dir.path, { OPENAI_API_KEY: " " });
    assert.deepEqual(stored.source, {
      method: "api_key",
      source: "store",
      path: authFileLocation(dir.path).file,
    });
    assert.deepEqual(await stored.provider.get(), {
      kind: "api_key",
      api_key: "sk-stored",
      source: "store",
    });
  }
});

Deno.test("with nothing at all, the error names both fixes", async () => {
  await using dir = await configWith();
  const error = await resolve(dir.path, {}).catch((e) => e);
  assert.ok(error instanceof NotAuthenticatedError);
  assert.equal(error.hint, "run `pixir login` (or set OPENAI_API_KEY)");
});

Deno.test("--auth api-key prefers the environment, then a stored key, over a login", async () => {
  {
    await using dir = await configWith(LOGIN);
    const resolved = await resolve(dir.path, { OPENAI_API_KEY: "sk-env" }, "api-key");
    assert.deepEqual(resolved.source, { method: "api_key", source: "env" });
    await assert.rejects(resolve(dir.path, {}, "api-key"), /OPENAI_API_KEY is not set/);
  }
  {
    await using dir = await configWith({ method: "api_key", api_key: "sk-stored" });
    const resolved = await resolve(dir.path, {}, "api-key");
    assert.equal(resolved.source.method === "api_key" && resolved.source.source, "store");
  }
});

Deno.test("--auth subscription needs a stored login, whatever the environment says", async () => {
  {
    await using dir = await configWith();
    const error = await resolve(dir.path, { OPENAI_API_KEY: "sk-env" }, "subscription")
      .catch((e) => e);
    assert.ok(error instanceof NotAuthenticatedError);
    assert.match(error.hint, /pixir login/);
  }
  {
    await using dir = await configWith({ method: "api_key", api_key: "sk-stored" });
    await assert.rejects(resolve(dir.path, {}, "subscription"), NotAuthenticatedError);
  }
  {
    await using dir = await configWith(LOGIN);
    const resolved = await resolve(dir.path, {}, "subscription");
    assert.equal(resolved.source.method, "chatgpt");
  }
});

Deno.test("a corrupt auth.json is reported, and passed over only for OPENAI_API_KEY", async () => {
  await using dir = await configWith("corrupt");
  const withKey = await resolve(dir.path, { OPENAI_API_KEY: "sk-env" });
  assert.deepEqual(withKey.source, { method: "api_key", source: "env" });
  assert.match(withKey.warnings?.[0] ?? "", /auth\.json.*using OPENAI_API_KEY instead/);
  await assert.rejects(resolve(dir.path, {}), AuthFileError);
  await assert.rejects(
    resolve(dir.path, { OPENAI_API_KEY: "sk-env" }, "subscription"),
    AuthFileError,
  );
  // `--auth api-key` with a key in the environment never needs the file.
  const resolved = await resolve(dir.path, { OPENAI_API_KEY: "sk-env" }, "api-key");
  assert.equal(resolved.source.method === "api_key" && resolved.source.source, "env");
});

Deno.test("a provider's env_key is its Bearer key; a keyless provider needs nothing", async () => {
  await using dir = await configWith({ method: "api_key", api_key: "sk-stored" });
  const options = {
    paths: { configDir: dir.path },
    fetch: () => Promise.reject(new Error("no network in this test")),
    now: () => 0,
    sleep: () => Promise.resolve(),
  };
  const keyed = await resolveProviderCredentials(
    { kind: "env_key", variable: "PIXIR_LOCAL_KEY" },
    { ...options, env: (name) => ({ PIXIR_LOCAL_KEY: " k1 ", OPENAI_API_KEY: "sk-env" })[name] },
  );
  assert.deepEqual(keyed.source, { method: "api_key", source: "env", variable: "PIXIR_LOCAL_KEY" });
  assert.deepEqual(await keyed.provider.get(), { kind: "api_key", api_key: "k1", source: "env" });
  await assert.rejects(
    resolveProviderCredentials(
      { kind: "env_key", variable: "PIXIR_LOCAL_KEY" },
      { ...options, env: () => undefined },
    ),
    (error: unknown) =>
      error instanceof NotAuthenticatedError && /PIXIR_LOCAL_KEY is not set/.test(error.message),
  );
  await assert.rejects(
    resolveProviderCredentials(
      { kind: "env_key", variable: "VLLM_API_KEY" },
      {
        ...options,
        env: () => {
          throw new Deno.errors.NotCapable("Requires env access");
        },
      },
    ),
    /VLLM_API_KEY cannot be read: Pixir may read only PIXIR_\*/,
  );
  const none = await resolveProviderCredentials({ kind: "none" }, { ...options, env: () => "x" });
  assert.deepEqual(await none.provider.get(), { kind: "none" });
  assert.equal(await none.provider.renew({ kind: "none" }), null);
});
