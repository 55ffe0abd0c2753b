import assert from "node:assert/strict";
import { join } from "node:path";
import {
  AuthFileError,
  authFileLocation,
  type ChatgptAuth,
  chatgptAuth,
  readAuthFile,
  withAuthFile,
} from "../../src/auth/auth_file.ts";
import { CredentialUnavailableError } from "../../src/auth/credential.ts";
import { withLock } from "../../src/auth/file_lock.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import { startChild } from "./child.ts";
import { accessToken, ACCOUNT_ID, idToken } from "./tokens.ts";

const UNIX = Deno.build.os !== "windows";

const LOGIN: ChatgptAuth = chatgptAuth(
  {
    id_token: idToken(),
    access_token: accessToken(Date.UTC(2030, 0, 1)),
    refresh_token: "rt-1",
    account_id: ACCOUNT_ID,
  },
  "https://auth.openai.com",
  Date.UTC(2026, 0, 28, 8, 5, 37),
);

function modeOf(info: Deno.FileInfo): number {
  return info.mode! & 0o777;
}

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name)).sort();
}

Deno.test("chatgptAuth stamps the refresh time as ISO 8601", () => {
  assert.equal(LOGIN.method, "chatgpt");
  assert.equal(LOGIN.last_refresh, "2026-01-28T08:05:37.000Z");
});

Deno.test("a login is written and read back, versioned", async () => {
  await using dir = await tempWorkspace();
  const location = authFileLocation(dir.path);
  assert.equal(await readAuthFile(location), null);
  await withAuthFile(location, (file) => file.write(LOGIN));
  assert.deepEqual(await readAuthFile(location), LOGIN);
  const raw = JSON.parse(await Deno.readTextFile(location.file));
  assert.equal(raw.version, 1);
  await withAuthFile(location, (file) => file.write({ method: "api_key", api_key: "sk-test" }));
  assert.deepEqual(await readAuthFile(location), { method: "api_key", api_key: "sk-test" });
});

Deno.test("missing folders are created 0700, the file is 0600, and no temp file remains", async () => {
  await using dir = await tempWorkspace();
  const configDir = join(dir.path, "a", "b", "pixir");
  const location = authFileLocation(configDir);
  await withAuthFile(location, (file) => file.write(LOGIN));
  assert.deepEqual(await names(configDir), ["auth.json", "auth.json.lock"]);
  if (!UNIX) return;
  for (const folder of [join(dir.path, "a"), join(dir.path, "a", "b"), configDir]) {
    assert.equal(modeOf(await Deno.stat(folder)), 0o700, folder);
  }
  assert.equal(modeOf(await Deno.stat(location.file)), 0o600);
  assert.equal(modeOf(await Deno.stat(location.lock)), 0o600);
});

Deno.test({
  name: "the modes are set explicitly, so a restrictive umask cannot narrow them",
  ignore: !UNIX,
  async fn() {
    await using dir = await tempWorkspace();
    const configDir = join(dir.path, "new", "pixir");
    // The umask is process-wide, so the write runs in its own process.
    await using child = startChild("write_under_umask.ts", [configDir], [
      "--allow-read",
      "--allow-write",
      "--allow-sys",
    ]);
    await child.output();
    const location = authFileLocation(configDir);
    assert.deepEqual(await readAuthFile(location), { method: "api_key", api_key: "sk-umask" });
    assert.equal(modeOf(await Deno.stat(join(dir.path, "new"))), 0o700);
    assert.equal(modeOf(await Deno.stat(configDir)), 0o700);
    assert.equal(modeOf(await Deno.stat(location.file)), 0o600);
  },
});

Deno.test("an existing folder keeps its mode; an existing wider file is narrowed to 0600", async () => {
  await using dir = await tempWorkspace({ "auth.json": "{}" });
  const location = authFileLocation(dir.path);
  if (UNIX) {
    await Deno.chmod(dir.path, 0o755);
    await Deno.chmod(location.file, 0o644);
  }
  const inode = (await Deno.stat(location.file)).ino;
  await withAuthFile(location, (file) => file.write(LOGIN));
  assert.deepEqual(await readAuthFile(location), LOGIN);
  if (!UNIX) return;
  assert.notEqual((await Deno.stat(location.file)).ino, inode, "replaced by rename, not in place");
  assert.equal(modeOf(await Deno.stat(location.file)), 0o600);
  assert.equal(modeOf(await Deno.stat(dir.path)), 0o755);
});

Deno.test("a corrupt file is an AuthFileError naming it, and reading leaves it untouched", async () => {
  const good = JSON.stringify({ version: 1, ...LOGIN });
  const corrupt: [string, RegExp][] = [
    ["not json {", /is not a JSON object/],
    ["[]", /is not a JSON object/],
    [JSON.stringify({ ...LOGIN }), /has no known version/],
    [JSON.stringify({ version: 2, ...LOGIN }), /version 2, written by a newer Pixir/],
    [JSON.stringify({ version: 1, method: "magic" }), /unknown method "magic"/],
    [JSON.stringify({ version: 1, method: "api_key", api_key: "" }), /api_key is missing/],
    [
      good.replace('"refresh_token":"rt-1"', '"refresh_token":7'),
      /tokens\.refresh_token is missing/,
    ],
    [good.replace(`"account_id":"${ACCOUNT_ID}"`, '"x":1'), /tokens\.account_id is missing/],
    [good.replace("https://auth.openai.com", "ftp://x"), /issuer is not an http\(s\) URL/],
    [good.replace("2026-01-28T08:05:37.000Z", "yesterday"), /last_refresh is not a date/],
    [JSON.stringify({ version: 1, ...LOGIN, tokens: null }), /tokens is missing/],
  ];
  for (const [content, problem] of corrupt) {
    await using dir = await tempWorkspace({ "auth.json": content });
    const location = authFileLocation(dir.path);
    const error = await readAuthFile(location).catch((e) => e);
    assert.ok(error instanceof AuthFileError, `${content}: ${error}`);
    assert.ok(error instanceof CredentialUnavailableError);
    assert.equal(error.path, location.file);
    assert.ok(error.message.startsWith(`${location.file}: `), error.message);
    assert.match(error.message, problem);
    assert.match(error.hint ?? "", /pixir login/);
    assert.equal(await Deno.readTextFile(location.file), content);
    assert.deepEqual(await names(dir.path), ["auth.json"]);
  }
});

Deno.test("an unreadable path is an AuthFileError, not a crash", async () => {
  await using dir = await tempWorkspace();
  const location = authFileLocation(dir.path);
  await Deno.mkdir(location.file);
  await assert.rejects(readAuthFile(location), AuthFileError);
});

Deno.test("a write that fails is an AuthFileError and leaves no temp file", async () => {
  await using dir = await tempWorkspace();
  const location = authFileLocation(dir.path);
  await Deno.mkdir(location.file);
  await Deno.writeTextFile(join(location.file, "keep"), "x");
  const error = await withAuthFile(location, (file) => file.write(LOGIN)).catch((e) => e);
  assert.ok(error instanceof AuthFileError, String(error));
  assert.match(error.message, /cannot be written/);
  assert.deepEqual(await names(dir.path), ["auth.json", "auth.json.lock"]);
});

Deno.test("remove deletes the file and reports whether there was one", async () => {
  await using dir = await tempWorkspace();
  const location = authFileLocation(dir.path);
  await withAuthFile(location, (file) => file.write(LOGIN));
  assert.equal(await withAuthFile(location, (file) => file.remove()), true);
  assert.equal(await readAuthFile(location), null);
  assert.equal(await withAuthFile(location, (file) => file.remove()), false);
});

Deno.test("a lock held too long is a CredentialUnavailableError", async () => {
  await using dir = await tempWorkspace();
  const location = authFileLocation(dir.path);
  let release = () => {};
  const held = withLock(location.lock, () => new Promise<void>((resolve) => release = resolve));
  await new Promise((resolve) => setTimeout(resolve, 10));
  const error = await withAuthFile(location, (file) => file.read(), { timeoutMs: 50 })
    .catch((e) => e);
  assert.ok(error instanceof CredentialUnavailableError, String(error));
  assert.match(error.message, /auth\.json\.lock/);
  release();
  await held;
});

// Found by the fuzzer (tests/fuzz): a blank key was saved, and every later run refused the file.
Deno.test("a sign-in that would not read back is refused before anything is written", async () => {
  await using dir = await tempWorkspace();
  const location = authFileLocation(dir.path);
  await withAuthFile(location, (file) => file.write(LOGIN));
  for (const api_key of [" ", "", "\t"]) {
    await assert.rejects(
      () => withAuthFile(location, (file) => file.write({ method: "api_key", api_key })),
      (error: unknown) =>
        error instanceof AuthFileError && /api_key is missing/.test(error.message),
    );
  }
  assert.deepEqual(await readAuthFile(location), LOGIN, "the saved sign-in is untouched");
  assert.deepEqual(await names(dir.path), ["auth.json", "auth.json.lock"]);
});
