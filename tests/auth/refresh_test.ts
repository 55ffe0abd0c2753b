import assert from "node:assert/strict";
import {
  type AuthFileLocation,
  authFileLocation,
  type ChatgptAuth,
  chatgptAuth,
  readAuthFile,
  withAuthFile,
} from "../../src/auth/auth_file.ts";
import { CredentialUnavailableError, NotAuthenticatedError } from "../../src/auth/credential.ts";
import { withLock } from "../../src/auth/file_lock.ts";
import {
  ensureFreshTokens,
  recoverFromUnauthorized,
  type RefreshDeps,
} from "../../src/auth/refresh.ts";
import { refreshTokens } from "../../src/auth/token_endpoint.ts";
import { tempWorkspace } from "../harness/workspace.ts";
import { startChild } from "./child.ts";
import { type FakeIssuer, startFakeIssuer } from "./fake_issuer.ts";
import { accessToken, ACCOUNT_ID, idToken } from "./tokens.ts";

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const MINUTE = 60_000;
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Saves a ChatGPT login whose access token expires at `expMs`, minted by `issuer`. */
async function seed(
  location: AuthFileLocation,
  issuer: string,
  tokens: { access_token?: string; refresh_token?: string; expMs?: number } = {},
): Promise<ChatgptAuth> {
  const login = chatgptAuth(
    {
      id_token: idToken(),
      access_token: tokens.access_token ?? accessToken(tokens.expMs ?? NOW - MINUTE, { v: "seed" }),
      refresh_token: tokens.refresh_token ?? "rt-0",
      account_id: ACCOUNT_ID,
    },
    issuer,
    NOW - 60 * MINUTE,
  );
  await withAuthFile(location, (file) => file.write(login));
  return login;
}

/** A config folder, a fake issuer honouring `rt-0`, and refresh deps on a frozen clock. */
async function setup(issuer: Partial<Parameters<typeof startFakeIssuer>[0]> = {}) {
  const dir = await tempWorkspace();
  const fake = startFakeIssuer({ refreshToken: "rt-0", now: () => NOW, ...issuer });
  const location = authFileLocation(dir.path);
  const sleeps: number[] = [];
  const deps: RefreshDeps = {
    location,
    fetch,
    now: () => NOW,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
  return {
    dir,
    fake,
    location,
    deps,
    sleeps,
    async [Symbol.asyncDispose]() {
      await fake.close();
      await dir[Symbol.asyncDispose]();
    },
  };
}

function refreshTokenSent(fake: FakeIssuer, index: number): string | null {
  return new URLSearchParams(fake.tokenRequests()[index].text).get("refresh_token");
}

Deno.test("a token with less than five minutes left is refreshed; six minutes is left alone", async () => {
  {
    await using t = await setup();
    const seeded = await seed(t.location, t.fake.origin, { expMs: NOW + 6 * MINUTE });
    assert.deepEqual(await ensureFreshTokens(t.deps), seeded);
    assert.equal(t.fake.tokenRequests().length, 0);
  }
  {
    await using t = await setup();
    const seeded = await seed(t.location, t.fake.origin, { expMs: NOW + 4 * MINUTE });
    const fresh = await ensureFreshTokens(t.deps);
    assert.equal(t.fake.tokenRequests().length, 1);
    assert.notEqual(fresh.tokens.access_token, seeded.tokens.access_token);
  }
});

Deno.test("a token whose expiry cannot be read is refreshed", async () => {
  await using t = await setup();
  await seed(t.location, t.fake.origin, { access_token: "opaque-access-token" });
  await ensureFreshTokens(t.deps);
  assert.equal(t.fake.tokenRequests().length, 1);
});

Deno.test("the rotated tokens are on disk by the time they are returned", async () => {
  await using t = await setup();
  const seeded = await seed(t.location, t.fake.origin);
  const fresh = await ensureFreshTokens(t.deps);
  assert.equal(refreshTokenSent(t.fake, 0), "rt-0");
  assert.equal(t.fake.tokenRequests()[0].path, "/oauth/token");
  assert.equal(fresh.tokens.refresh_token, "rt-1");
  assert.equal(fresh.tokens.account_id, ACCOUNT_ID);
  assert.equal(fresh.issuer, seeded.issuer);
  assert.equal(fresh.last_refresh, new Date(NOW).toISOString());
  assert.deepEqual(await readAuthFile(t.location), fresh);
});

Deno.test("tokens the issuer did not resend are kept", async () => {
  const newAccess = accessToken(NOW + 60 * MINUTE, { v: "partial" });
  await using t = await setup({ script: [{ status: 200, body: { access_token: newAccess } }] });
  const seeded = await seed(t.location, t.fake.origin);
  const fresh = await ensureFreshTokens(t.deps);
  assert.deepEqual(fresh.tokens, {
    id_token: seeded.tokens.id_token,
    access_token: newAccess,
    refresh_token: "rt-0",
    account_id: ACCOUNT_ID,
  });
  assert.deepEqual(await readAuthFile(t.location), fresh);
});

Deno.test("a refresh that cannot be saved is not used", async () => {
  await using t = await setup();
  await seed(t.location, t.fake.origin);
  const before = await Deno.readTextFile(t.location.file);
  // Deno lets the child write only the lock file, so saving the rotated tokens fails.
  await using child = startChild("refresh_once.ts", [t.dir.path], [
    "--allow-read",
    `--allow-write=${t.location.lock}`,
    "--allow-net=127.0.0.1",
  ]);
  const outcome = JSON.parse((await child.output()).split("\n")[1]);
  assert.equal(t.fake.tokenRequests().length, 1);
  assert.equal(outcome.access_token, undefined);
  assert.match(outcome.error, /^AuthFileError: .*auth\.json: cannot be written/);
  assert.equal(await Deno.readTextFile(t.location.file), before);
});

Deno.test("inside the lock, tokens another process just refreshed are used without a request", async () => {
  await using t = await setup();
  await seed(t.location, t.fake.origin);
  let waiting = () => {};
  const queued = new Promise<void>((resolve) => waiting = resolve);
  const newer = chatgptAuth(
    {
      id_token: idToken(),
      access_token: accessToken(NOW + 60 * MINUTE, { v: "other process" }),
      refresh_token: "rt-other",
      account_id: ACCOUNT_ID,
    },
    t.fake.origin,
    NOW,
  );
  // Play the other process: hold the lock until this one has read the stale file and queued
  // for the lock, then write a refreshed login and let go.
  const other = withAuthFile(t.location, async (file) => {
    const mine = ensureFreshTokens({
      ...t.deps,
      sleep: (ms) => {
        waiting();
        return realSleep(ms);
      },
    });
    await queued;
    await file.write(newer);
    // Wrapped, so the lock is let go before `mine` (which needs it) is awaited.
    return { mine };
  });
  assert.deepEqual(await (await other).mine, newer);
  assert.equal(t.fake.tokenRequests().length, 0);
});

Deno.test("a short-lived token this process refreshed is used until it is about to expire", async () => {
  // The issuer's tokens live two minutes: less than the five-minute refresh margin.
  let now = NOW;
  await using t = await setup({ accessTtlMs: 2 * MINUTE, now: () => now });
  await seed(t.location, t.fake.origin);
  const deps = { ...t.deps, now: () => now, rotated: new Set<string>() };

  const first = await ensureFreshTokens(deps);
  now += MINUTE;
  const second = await ensureFreshTokens(deps);
  assert.equal(second.tokens.access_token, first.tokens.access_token);
  assert.equal(t.fake.tokenRequests().length, 1, "one refresh, not one per call");

  // Within the skew of its expiry it is refreshed after all.
  now += MINUTE - 10_000;
  const third = await ensureFreshTokens(deps);
  assert.notEqual(third.tokens.access_token, first.tokens.access_token);
  assert.equal(t.fake.tokenRequests().length, 2);

  // A process that did not see it rotate in keeps the margin.
  const fresh = await ensureFreshTokens({ ...t.deps, now: () => now });
  assert.notEqual(fresh.tokens.access_token, third.tokens.access_token);
  assert.equal(t.fake.tokenRequests().length, 3);
});

Deno.test("inside the lock, a changed short-lived token counts as refreshed", async () => {
  await using t = await setup();
  await seed(t.location, t.fake.origin);
  let waiting = () => {};
  const queued = new Promise<void>((resolve) => waiting = resolve);
  // Another process's refresh, with a token that lives less than the margin.
  const newer = chatgptAuth(
    {
      id_token: idToken(),
      access_token: accessToken(NOW + 2 * MINUTE, { v: "short" }),
      refresh_token: "rt-other",
      account_id: ACCOUNT_ID,
    },
    t.fake.origin,
    NOW,
  );
  const rotated = new Set<string>();
  const other = withAuthFile(t.location, async (file) => {
    const mine = ensureFreshTokens({
      ...t.deps,
      rotated,
      sleep: (ms) => {
        waiting();
        return realSleep(ms);
      },
    });
    await queued;
    await file.write(newer);
    return { mine };
  });
  assert.deepEqual(await (await other).mine, newer);
  assert.equal(t.fake.tokenRequests().length, 0);
  // And it is used from then on by this process, not refreshed at the margin.
  await ensureFreshTokens({ ...t.deps, rotated });
  assert.equal(t.fake.tokenRequests().length, 0);
});

Deno.test("after a 401, a token another process already replaced is used as is", async () => {
  await using t = await setup();
  const stored = await seed(t.location, t.fake.origin, { expMs: NOW + 60 * MINUTE });
  const login = await recoverFromUnauthorized(t.deps, "the-token-that-was-refused");
  assert.deepEqual(login, stored);
  assert.equal(t.fake.tokenRequests().length, 0);
});

Deno.test("after a 401 on the stored token, it is refreshed even though it looks fresh", async () => {
  await using t = await setup();
  const stored = await seed(t.location, t.fake.origin, { expMs: NOW + 60 * MINUTE });
  const login = await recoverFromUnauthorized(t.deps, stored.tokens.access_token);
  assert.equal(t.fake.tokenRequests().length, 1);
  assert.notEqual(login.tokens.access_token, stored.tokens.access_token);
  assert.deepEqual(await readAuthFile(t.location), login);
});

Deno.test("a refresh token spent elsewhere is NotAuthenticated, and the file is left alone", async () => {
  await using t = await setup();
  await seed(t.location, t.fake.origin);
  // Another machine sharing this login spends rt-0 first.
  assert.ok((await refreshTokens({ fetch, issuer: t.fake.origin }, "rt-0")).ok);
  const before = await Deno.readTextFile(t.location.file);
  const error = await ensureFreshTokens(t.deps).catch((e) => e);
  assert.ok(error instanceof NotAuthenticatedError, String(error));
  assert.match(error.message, /used elsewhere/);
  assert.match(error.hint, /pixir login/);
  assert.equal(t.fake.tokenRequests().length, 2, "no retry of a dead grant");
  assert.equal(await Deno.readTextFile(t.location.file), before);
});

Deno.test("transient failures are retried with backoff", async () => {
  const unavailable = { status: 503, body: { error: { message: "try later" } } };
  await using t = await setup({ script: [unavailable, unavailable] });
  await seed(t.location, t.fake.origin);
  const fresh = await ensureFreshTokens(t.deps);
  assert.equal(t.fake.tokenRequests().length, 3);
  assert.deepEqual(t.sleeps, [1_000, 2_000]);
  assert.equal(fresh.tokens.refresh_token, "rt-1");
});

Deno.test("when the retries run out the failure is transient (not a login problem)", async () => {
  const unavailable = { status: 503, body: "" };
  await using t = await setup({ script: [unavailable, unavailable, unavailable] });
  await seed(t.location, t.fake.origin);
  const before = await Deno.readTextFile(t.location.file);
  const error = await ensureFreshTokens(t.deps).catch((e) => e);
  assert.ok(error instanceof CredentialUnavailableError, String(error));
  assert.ok(!(error instanceof NotAuthenticatedError));
  assert.match(error.message, /HTTP 503/);
  assert.equal(t.fake.tokenRequests().length, 3);
  assert.equal(await Deno.readTextFile(t.location.file), before);
});

Deno.test("a failed early refresh falls back to the token while it has not expired", async () => {
  const unavailable = { status: 502, body: "" };
  await using t = await setup({ script: [unavailable, unavailable, unavailable] });
  const stored = await seed(t.location, t.fake.origin, { expMs: NOW + 2 * MINUTE });
  assert.deepEqual(await ensureFreshTokens(t.deps), stored);
  assert.equal(t.fake.tokenRequests().length, 3);
});

Deno.test("a malformed 2xx reply is not retried and nothing is written", async () => {
  await using t = await setup({
    script: [{ status: 200, body: { access_token: "not-a-jwt", refresh_token: "rt-x" } }],
  });
  await seed(t.location, t.fake.origin);
  const before = await Deno.readTextFile(t.location.file);
  const error = await ensureFreshTokens(t.deps).catch((e) => e);
  assert.ok(error instanceof CredentialUnavailableError, String(error));
  assert.match(error.message, /not a JWT/);
  assert.equal(t.fake.tokenRequests().length, 1);
  assert.equal(await Deno.readTextFile(t.location.file), before);
});

Deno.test("without a ChatGPT login there is nothing to refresh", async () => {
  await using t = await setup();
  await assert.rejects(ensureFreshTokens(t.deps), NotAuthenticatedError);
  await withAuthFile(t.location, (file) => file.write({ method: "api_key", api_key: "sk-1" }));
  await assert.rejects(recoverFromUnauthorized(t.deps, "x"), /an API key, not a ChatGPT login/);
  assert.equal(t.fake.tokenRequests().length, 0);
});

Deno.test("concurrent refreshers in one process make exactly one request", async () => {
  await using t = await setup({ delayMs: 50 });
  await seed(t.location, t.fake.origin);
  const callers = 6;
  const queued: Promise<void>[] = [];
  // Hold the lock until every caller has read the stale file and is waiting for it.
  const results = await withLock(t.location.lock, async () => {
    const calls = Array.from({ length: callers }, () => {
      let waiting = () => {};
      queued.push(new Promise<void>((resolve) => waiting = resolve));
      return ensureFreshTokens({
        ...t.deps,
        sleep: (ms) => {
          waiting();
          return realSleep(ms);
        },
      });
    });
    await Promise.all(queued);
    return calls;
  });
  const logins = await Promise.all(results);
  assert.equal(t.fake.tokenRequests().length, 1);
  const tokens = new Set(logins.map((login) => login.tokens.access_token));
  assert.equal(tokens.size, 1);
  assert.deepEqual(await readAuthFile(t.location), logins[0]);
});

Deno.test("concurrent refreshers in separate processes make exactly one request", async () => {
  await using t = await setup({ delayMs: 100, now: Date.now });
  await seed(t.location, t.fake.origin, { expMs: Date.now() - MINUTE });
  const permissions = ["--allow-read", "--allow-write", "--allow-net=127.0.0.1"];
  const children = [0, 1, 2, 3].map(() => startChild("refresh_once.ts", [t.dir.path], permissions));
  try {
    // Hold the lock until all four have started and read the stale tokens, so they queue for it.
    await withLock(t.location.lock, async () => {
      await Promise.all(children.map((child) => child.printed("started")));
      await realSleep(300);
    });
    const outcomes = await Promise.all(
      children.map(async (child) => JSON.parse((await child.output()).split("\n")[1])),
    );
    assert.equal(t.fake.tokenRequests().length, 1);
    const stored = await readAuthFile(t.location);
    assert.ok(stored?.method === "chatgpt");
    for (const outcome of outcomes) assert.equal(outcome.access_token, stored.tokens.access_token);
  } finally {
    await Promise.all(children.map((child) => child[Symbol.asyncDispose]()));
  }
});
